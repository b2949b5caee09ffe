"""The locks hold every pinned requirement at its pinned version, each package with hashes."""

import re

import pytest
from django.conf import settings

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (settings.BASE_DIR / name).read_text().splitlines():
        if line.startswith("-r "):
            pins.update(_pins(line.split(maxsplit=1)[1]))
        elif match := PIN.match(line.strip()):
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def _locked(name: str) -> dict[str, tuple[str, int]]:
    text = (settings.BASE_DIR / name).read_text()
    locked = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if match := PIN.match(block):
            locked[match[1].lower().replace("_", "-")] = (match[2], block.count("--hash=sha256:"))
    return locked


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_pin_is_locked_at_its_version_with_hashes(requirements, lock):
    locked = _locked(lock)
    stale = {
        name: (version, locked.get(name, ("missing", 0))[0])
        for name, version in _pins(requirements).items()
        if locked.get(name, ("",))[0] != version
    }
    assert stale == {}, f"run `make lock`: {stale}"
    assert all(hashes > 0 for _version, hashes in locked.values())


def test_the_runtime_lock_and_the_dev_lock_agree():
    runtime, dev = _locked("requirements.lock"), _locked("requirements-dev.lock")
    assert {name: runtime[name][0] for name in runtime} == {name: dev[name][0] for name in runtime}


def test_make_ci_and_the_dockerfile_install_from_the_locks_with_hashes():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "make test" in (settings.BASE_DIR / ".ci" / "run").read_text()
