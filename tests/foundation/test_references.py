"""Docs and comments name only files that exist, and the README stays a five-minute read.

Scanned: README.md and docs/**/*.md (links, backticked paths and bare paths outside fenced code),
and the comments of *.py (comments and docstrings), *.html (template and HTML comments), *.toml,
*.yml, *.sh, Makefile, Dockerfile and .env.example. A reference is a markdown link, a backticked
path (`meetings/outbox.py`, `docs/api.md`) or a bare path in prose. Not references: URLs, URL
paths that start with "/" (/api/v1/…), Python dotted names, placeholders (<code>, {id}, *), and
runtime folders git ignores (var/, media/…).

When a file moves, fix the docs and comments that name it; `reference_problems(root)` lists each
dead reference as "file:line: what".
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
THIS_FILE = Path(__file__).resolve()
README_MAX_LINES = 200

ALWAYS_SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__"}
FILE_EXTENSIONS = "py|md|html|txt|toml|yml|yaml|json|sh|png|svg|cfg|ini|example|css|js|lua|csv"
BARE_NAME_EXTENSIONS = "py|md|html|txt|toml|yml|yaml|json|sh|png|cfg|ini|example"
# Mentions of documents outside the repository, which no reader of the repository can open.
FORBIDDEN = re.compile(r"\.\./shared|/work/shared|CONTRACTS\.md|\bdesign\.md\b|\bthe seed\b|\bseed's\b", re.I)

# A path in prose: dir/dir/file.ext, dir/, or a bare file name with a known extension. Not when
# glued to a URL or an email (preceded by / : @ .), nor when followed by a placeholder.
BARE_PATH = re.compile(
    r"(?<![\w./:@~\\-])"
    rf"((?:\.{{0,2}}[\w-][\w.-]*/)+(?:[\w-][\w.-]*)?|\.?[\w-][\w.-]*\.(?:{BARE_NAME_EXTENSIONS}))"
    r"(?![\w/<>{}*…@\\-])"
)
BACKTICKED = re.compile(r"`([^`\n]+)`")
PATH_SHAPE = re.compile(r"(?:\.{1,2}/)?[\w.-]+(?:/[\w.-]*)*")
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#(.*)$", re.M)
HTML_COMMENTS = re.compile(r"\{#(.*?)#\}|\{% comment %\}(.*?)\{% endcomment %\}|<!--(.*?)-->", re.S)
HASH_COMMENTED_FILES = {"Makefile", "Dockerfile", ".env.example"}
HASH_COMMENTED_SUFFIXES = {".toml", ".yml", ".yaml", ".sh", ".cfg", ".ini"}


def _skipped_dirs(root: Path) -> set[str]:
    """Folders never scanned nor expected to exist: git's ignored folders (var/, media/…)."""
    names = set(ALWAYS_SKIPPED_DIRS)
    gitignore = root / ".gitignore"
    if gitignore.exists():
        for line in gitignore.read_text().splitlines():
            line = line.strip().strip("/")
            if line and not line.startswith("#") and not any(c in line for c in "*?[!"):
                names.add(line)
    return names


def _files(root: Path) -> list[Path]:
    skipped = _skipped_dirs(root)
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).parts
        if any(part in skipped for part in relative[:-1]) or not path.is_file():
            continue
        found.append(path)
    return sorted(found)


def _has_comments(path: Path) -> bool:
    return (
        path.suffix in {".py", ".html"}
        or path.name in HASH_COMMENTED_FILES
        or path.suffix in HASH_COMMENTED_SUFFIXES
    )


def _chunks(path: Path, text: str) -> list[tuple[str, int]]:
    """(comment text, first line) pairs of a source file."""
    if path.suffix == ".py":
        chunks = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT:
                    chunks.append((token.string, token.start[0]))
            tree = ast.parse(text)
        except (SyntaxError, tokenize.TokenError):
            return [(text, 1)]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                chunks.append((node.value.value, node.lineno))
        return chunks
    if path.suffix == ".html":
        return [
            (next(g for g in match.groups() if g is not None), text.count("\n", 0, match.start()) + 1)
            for match in HTML_COMMENTS.finditer(text)
        ]
    if path.name in HASH_COMMENTED_FILES or path.suffix in HASH_COMMENTED_SUFFIXES:
        return [(m.group(1), text.count("\n", 0, m.start()) + 1) for m in HASH_COMMENT.finditer(text)]
    return []


class _Repository:
    def __init__(self, root: Path):
        self.root = root
        self.files = _files(root)
        self.relative = {p.relative_to(root).as_posix() for p in self.files}
        self.basenames = {p.name for p in self.files}
        self.folders = {parent.as_posix() for p in self.relative for parent in Path(p).parents} - {"."}
        self.folder_names = {Path(folder).name for folder in self.folders}
        self.top_level = {p.name for p in root.iterdir()}
        self.skipped = _skipped_dirs(root)

    def exists(self, token: str, source: Path, *, strict: bool) -> bool:
        token = token.rstrip(".,;:")
        if not token or token in {".", ".."}:
            return True
        first = token.lstrip("./").split("/")[0]
        if first in self.skipped:
            return True
        for base in (self.root, source.parent):
            candidate = base / token
            if candidate.exists() or (not Path(token).suffix and candidate.with_suffix(".py").exists()):
                return True
        has_extension = re.search(rf"\.(?:{FILE_EXTENSIONS})$", token) is not None
        folder = token.endswith("/")
        if "/" not in token.rstrip("/"):  # one name: a file name, a folder name, or a word
            if has_extension:
                return Path(token).name in self.basenames
            return not (strict and folder) or first in self.folder_names
        parent, _, last = token.rstrip("/").rpartition("/")
        if (self.root / parent).is_dir() and any(
            path.name.startswith(last + "_") for path in (self.root / parent).iterdir()
        ):
            return True  # a migration by its number: accounts/migrations/0004
        if first in self.top_level or token.startswith("../"):
            return False
        if has_extension:
            return any(path.endswith("/" + token) for path in self.relative)
        if strict and folder:  # a sub-folder named on its own, e.g. `management/commands/`
            return any(f"/{path}/".endswith("/" + token) for path in self.folders)
        return True  # Europe/Tallinn, join/leave: words with a slash


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    heading = re.sub(r"[`*_\[\]()]", "", heading.strip().lower())
    heading = re.sub(r"[^\w\- ]", "", heading)
    return heading.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def _markdown_files(root: Path) -> list[Path]:
    docs = root / "docs"
    return [root / "README.md", *(sorted(docs.rglob("*.md")) if docs.exists() else [])]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def reference_problems(root: Path) -> list[str]:
    """Every dead reference and outside mention under root, as "file:line: what"."""
    repo = _Repository(root)
    problems = []

    def report(path: Path, line: int, what: str) -> None:
        problems.append(f"{path.relative_to(root).as_posix()}:{line}: {what}")

    def check_text(path: Path, text: str, first_line: int, *, markdown: bool) -> None:
        for match in BACKTICKED.finditer(text):
            span = match.group(1).strip()
            if span.startswith("/") or not PATH_SHAPE.fullmatch(span):
                continue
            looks_like_a_file = "/" in span or re.search(rf"\.(?:{BARE_NAME_EXTENSIONS})$", span)
            if looks_like_a_file and not repo.exists(span, path, strict=True):
                report(path, first_line + _line(text, match.start()) - 1, f"`{span}` does not exist")
        prose = BACKTICKED.sub(" ", MARKDOWN_LINK.sub(" ", text)) if markdown else BACKTICKED.sub(" ", text)
        for match in BARE_PATH.finditer(prose):
            token = match.group(1).rstrip(".")
            if not repo.exists(token, path, strict=False):
                report(path, first_line + _line(prose, match.start()) - 1, f"{token} does not exist")

    markdown_files = _markdown_files(root)
    for path in repo.files:
        if path.relative_to(root) == THIS_FILE.relative_to(REPO):
            continue  # its fixtures hold dead references on purpose
        markdown = path in markdown_files
        if not (markdown or _has_comments(path)):
            continue
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        if markdown:
            for match in FORBIDDEN.finditer(text):
                report(
                    path,
                    _line(text, match.start()),
                    f"mentions {match.group(0)!r}, which is not in the repository",
                )
            body = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            for match in MARKDOWN_LINK.finditer(body):
                target = match.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                    if target.startswith("#") and _slug(target[1:]) not in _anchors(path):
                        report(path, _line(body, match.start()), f"anchor {target} does not exist")
                    continue
                file_part, _, anchor = target.partition("#")
                linked = (path.parent / file_part.split("?")[0]).resolve()
                if not linked.exists():
                    report(path, _line(body, match.start()), f"link {target} does not exist")
                elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                    report(path, _line(body, match.start()), f"link {target}: no such heading")
            check_text(path, body, 1, markdown=True)
            continue
        for match in FORBIDDEN.finditer(text):
            report(
                path,
                _line(text, match.start()),
                f"mentions {match.group(0)!r}, which is not in the repository",
            )
        for chunk, first_line in _chunks(path, text):
            check_text(path, chunk, first_line, markdown=False)
    return problems


def readme_problems(root: Path) -> list[str]:
    """The README is short and links every docs page."""
    readme = root / "README.md"
    text = readme.read_text()
    problems = []
    lines = len(text.splitlines())
    if lines > README_MAX_LINES:
        problems.append(f"README.md has {lines} lines, more than {README_MAX_LINES}")
    linked = {
        (root / m.group(1).split("#")[0]).resolve()
        for m in MARKDOWN_LINK.finditer(FENCE.sub("", text))
        if not re.match(r"^[a-z][a-z0-9+.-]*:", m.group(1), re.I)
    }
    for page in _markdown_files(root)[1:]:
        if page.resolve() not in linked:
            problems.append(f"README.md does not link {page.relative_to(root).as_posix()}")
    return problems


def test_docs_and_comments_name_only_files_that_exist():
    problems = reference_problems(REPO)
    assert problems == [], "Dead references:\n" + "\n".join(problems)


def test_the_readme_is_short_and_links_every_docs_page():
    problems = readme_problems(REPO)
    assert problems == [], "\n".join(problems)


# The checker itself, on a small tree with one of each dead reference and each thing to skip.


@pytest.fixture
def tree(tmp_path):
    def write(relative, text):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write(".gitignore", "var/\n*.pyc\n")
    write("pkg/__init__.py", "")
    write("pkg/real.py", "X = 1\n")
    write("pkg/sub/__init__.py", "")
    write(
        "pkg/migrations/0001_initial.py",
        '"""Follows pkg/migrations/0001 of old; not pkg/migrations/0009."""\n',
    )
    write("docs/img/shot.png", "png")
    write(
        "docs/guide.md",
        "# Guide\n\n## Set up\n\nSee [home](../README.md) and [setup](#set-up).\n\n"
        "The code is `pkg/real.py`, `pkg/`, pkg/real.py and real.py.\n"
        "Ignored: `var/zoomhub.sqlite3`, /api/v1/meetings/{id}, `pkg.real.X`, https://zoom.us/docs/a.py,\n"
        "anna@school.example, `make run`, `tests/<area>`, join/leave, `Europe/Tallinn`, `sub/`.\n\n"
        "```sh\ncat pkg/fenced_missing.py\n```\n"
        "Dead: [gone](missing.md), [bad anchor](guide.md#nowhere), `pkg/gone.py`, pkg/also_gone.py.\n"
        "Dead folders: `nowhere/`, pkg/sub/gone/.\n",
    )
    write("docs/orphan.md", "# Not linked from the README\n")
    write("README.md", "# Hi\n\n![shot](docs/img/shot.png)\n\n- [Guide](docs/guide.md#set-up)\n")
    write(
        "pkg/code.py",
        '"""Reads `pkg/real.py`; see docs/guide.md and docs/missing_page.md."""\n\n'
        "# Rules from CONTRACTS.md, see ../shared/docs/zoom-api.md\n"
        'PATH = "pkg/not_a_comment.py"  # a string, not a comment: not checked\n',
    )
    write("pkg/page.html", "{# see pkg/real.py and pkg/dead.html #}<p>pkg/shown_text.html</p>\n")
    write("Makefile", "# builds with scripts/build.sh\nall:\n\techo pkg/real.py\n")
    return tmp_path


def test_the_checker_reports_each_dead_reference_and_nothing_else(tree):
    assert sorted(reference_problems(tree)) == [
        "Makefile:1: scripts/build.sh does not exist",
        "docs/guide.md:14: `pkg/gone.py` does not exist",
        "docs/guide.md:14: link guide.md#nowhere: no such heading",
        "docs/guide.md:14: link missing.md does not exist",
        "docs/guide.md:14: pkg/also_gone.py does not exist",
        "docs/guide.md:15: `nowhere/` does not exist",
        "docs/guide.md:15: pkg/sub/gone/ does not exist",
        "pkg/code.py:1: docs/missing_page.md does not exist",
        "pkg/code.py:3: CONTRACTS.md does not exist",
        "pkg/code.py:3: mentions '../shared', which is not in the repository",
        "pkg/code.py:3: mentions 'CONTRACTS.md', which is not in the repository",
        "pkg/migrations/0001_initial.py:1: pkg/migrations/0009 does not exist",
        "pkg/page.html:1: pkg/dead.html does not exist",
    ]


def test_the_readme_check_fails_on_an_unlinked_page_and_a_long_readme(tree):
    assert readme_problems(tree) == ["README.md does not link docs/orphan.md"]
    (tree / "README.md").write_text("line\n" * 201 + "[g](docs/guide.md) [o](docs/orphan.md)\n")
    assert readme_problems(tree) == ["README.md has 202 lines, more than 200"]
