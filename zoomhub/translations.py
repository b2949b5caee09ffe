"""ZoomHub's translation catalogues: compile them, find what is missing, re-extract the strings.

The .po files under locale/ are the source; the .mo files Django reads are built from them by
`make install` (and so by `make run` and `make test`), the Docker build, and the test suite when
they are stale. Compiling uses Babel, a pure-Python library, so no machine needs GNU gettext to
run ZoomHub; only extracting strings (`makemessages`, in `make messages` and the check in
`make test`) needs xgettext. docs/translations.md has the workflow.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
LANGUAGES = ("ru", "et")
DOMAIN = "django"

# Not extracted: the Zoom emulator is a developer's tool, tests and benchmarks speak to
# developers, and the rest is not ZoomHub's source. Patterns match a directory's name or its
# path from the repository root (Django's makemessages --ignore).
IGNORED = (
    ".*",
    "var",
    "media",
    "staticfiles",
    "node_modules",
    "test-artifacts",
    "docs",
    "scripts",
    "tests",
    "benchmarks",
    "sandbox",
)
# Options that shape the .po files: the same for updating them and for the check.
MAKEMESSAGES_OPTIONS = ["--no-obsolete", "--no-wrap"] + [f"--ignore={p}" for p in IGNORED]


@dataclass(frozen=True)
class Problem:
    """One message a catalogue cannot ship with; str() says where it comes from."""

    po_file: str
    po_line: int
    msgid: str
    what: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.sources) or "no source reference"
        return f"{self.po_file}:{self.po_line}: {self.what}: {self.msgid!r} (used in {where})"


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _sources(message) -> tuple[str, ...]:
    return tuple(f"{file}:{line}" if line else file for file, line in message.locations)


def _msgid_text(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def catalogue_problems(path: Path, *, shown_as: str | None = None) -> list[Problem]:
    """Untranslated or fuzzy messages, and translations whose placeholders do not match."""
    catalogue = read_catalogue(path)
    name = shown_as or str(path)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        what = None
        if message.fuzzy:
            what = "fuzzy (needs a translator's check)"
        elif not all(strings) or (len(strings) < catalogue.num_plurals and message.pluralizable):
            what = "not translated"
        if what:
            problems.append(Problem(name, message.lineno, _msgid_text(message), what, _sources(message)))
    for message, errors in catalogue.check():
        for error in errors:
            problems.append(
                Problem(
                    name,
                    message.lineno,
                    _msgid_text(message),
                    f"bad translation ({error})",
                    _sources(message),
                )
            )
    return problems


def compile_catalogue(path: Path) -> Path:
    """Write the .mo beside the .po; refuse a catalogue whose placeholders would break at run time."""
    catalogue = read_catalogue(path)
    broken = [(message, errors) for message, errors in catalogue.check() if errors]
    if broken:
        message, errors = broken[0]
        raise ValueError(f"{path}:{message.lineno}: {_msgid_text(message)!r}: {errors[0]}")
    target = path.with_suffix(".mo")
    partial = target.with_suffix(".mo.tmp")
    with partial.open("wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
    os.replace(partial, target)
    return target


def compile_all(locale_dir: Path = LOCALE_DIR, *, only_stale: bool = False) -> list[Path]:
    compiled = []
    for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        target = path.with_suffix(".mo")
        if only_stale and target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            continue
        compiled.append(compile_catalogue(path))
    return compiled


def run_makemessages(project_dir: Path) -> None:
    """Django's makemessages in `project_dir`: every language's .po gets the strings the code uses."""
    command = [sys.executable, "manage.py", "makemessages", *[f"--locale={code}" for code in LANGUAGES]]
    environment = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "zoomhub.settings"}
    # The settings read DATABASE_URL etc. but makemessages touches no service.
    finished = subprocess.run(
        [*command, *MAKEMESSAGES_OPTIONS],
        cwd=project_dir,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"makemessages failed:\n{finished.stdout}\n{finished.stderr}")


def _project_files(project_dir: Path) -> list[Path]:
    """The files makemessages reads: tracked and new ones, not what .gitignore leaves out."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [Path(name) for name in listed if (project_dir / name).is_file()]


def check(project_dir: Path = BASE_DIR) -> list[Problem]:
    """Re-extract the strings into a copy of the project and list what the .po files lack.

    The working tree is left alone: a copy gets makemessages, and its .po files are read. A new
    string shows up as "not translated" with the file and line that use it.
    """
    with tempfile.TemporaryDirectory(prefix="zoomhub-messages-") as temporary:
        copy = Path(temporary) / "project"
        for name in _project_files(project_dir):
            if name.suffix == ".mo":
                continue
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project_dir / name, target)
        run_makemessages(copy)
        problems = []
        for language in LANGUAGES:
            extracted = po_path(language, copy / "locale")
            shown_as = str(po_path(language).relative_to(BASE_DIR))
            problems.extend(catalogue_problems(extracted, shown_as=shown_as))
        return problems


def main(argv: list[str]) -> int:
    usage = "usage: translations.py check | update | compile"
    if len(argv) != 1 or argv[0] not in {"check", "update", "compile"}:
        print(usage, file=sys.stderr)
        return 2
    if argv[0] == "compile":
        for target in compile_all():
            print(f"compiled {target.relative_to(BASE_DIR)}")
        return 0
    if argv[0] == "update":
        run_makemessages(BASE_DIR)
        problems = [problem for code in LANGUAGES for problem in catalogue_problems(po_path(code))]
    else:
        problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} message(s) need a translation: edit locale/<language>/LC_MESSAGES/django.po "
            "(docs/translations.md), then run `make messages`.",
            file=sys.stderr,
        )
        return 1 if argv[0] == "check" else 0
    print("translations: every message is translated in " + ", ".join(LANGUAGES))
    return 0
