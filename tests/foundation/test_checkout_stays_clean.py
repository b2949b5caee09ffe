"""The check behind tests/conftest.py's end-of-run guard: new files outside var/ are found."""

import uuid

from tests.checkout import ROOT, checkout_files


def test_a_new_file_in_the_checkout_is_found_even_when_gitignore_hides_it():
    before = checkout_files()
    assert before is not None
    stray = ROOT / f"stray-{uuid.uuid4().hex[:8]}.tmp"
    hidden = ROOT / "memorydb_default"  # in .gitignore; still a file the suite must not leave
    existed = hidden.exists()
    try:
        stray.write_text("left behind")
        hidden.touch()
        found = checkout_files() - before
    finally:
        stray.unlink()
        if not existed:
            hidden.unlink()
    assert stray.name in found
    assert existed or hidden.name in found


def test_runtime_files_under_var_and_caches_are_expected(settings):
    before = checkout_files()
    runtime = settings.VAR_DIR / f"runtime-{uuid.uuid4().hex[:8]}.tmp"
    runtime.parent.mkdir(exist_ok=True)
    try:
        runtime.write_text("ok")
        assert checkout_files() == before
    finally:
        runtime.unlink()
    assert checkout_files() == before
