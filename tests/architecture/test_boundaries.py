"""The boundaries between apps that imports alone cannot show (import-linter checks the imports)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_meetings_names_none_of_the_apps_that_build_on_it():
    # Code, templates and comments: meetings announces lesson events by signal and offers the
    # lesson page's panels by registry, without knowing who listens or contributes.
    pattern = re.compile(r"attendance|recordings", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "meetings").rglob("*"))
        if path.is_file() and path.suffix in {".py", ".html", ".txt", ".md"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_boundary_test_would_see_a_mention():
    # Guards the test above against a pattern or path that matches nothing.
    assert re.search(r"attendance|recordings", "from attendance.services import x", re.IGNORECASE)
    assert any((ROOT / "meetings").rglob("*.py"))
