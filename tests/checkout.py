"""What running the suite may leave in the checkout: files under var/ and the tools' caches, nothing else.

tests/conftest.py lists the checkout's untracked and ignored files when the session starts and
fails the run if new ones are there at its end: a runtime file written beside the code (a broker's
control folder, a SQLite file) is a setting that forgot var/. Ignored files count too, or a path in
.gitignore would hide the next one.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where files are expected to appear: runtime files, test reports and the tools' caches.
EXPECTED_PREFIXES = ("var/", "test-artifacts/", ".venv", ".pytest_cache/", ".ruff_cache/")


def _expected(path: str) -> bool:
    return path.startswith(EXPECTED_PREFIXES) or "__pycache__" in path.split("/") or path.endswith(".pyc")


def checkout_files(root: Path = ROOT) -> set[str] | None:
    """The untracked and ignored paths of the checkout that are not expected; None outside git."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "-z", "--untracked-files=all", "--ignored=matching"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = set()
    for entry in result.stdout.split("\0"):
        status, path = entry[:2], entry[3:]
        if status in ("??", "!!") and not _expected(path):
            paths.add(path)
    return paths
