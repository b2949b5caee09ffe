"""The sandbox is the only fake Zoom: no test outside tests/zoom/ answers Zoom's HTTP itself.

`responses` (and libraries like it) stay for the Zoom library's own unit tests under tests/zoom/,
which test the HTTP client. Everywhere else a test that needs Zoom to answer something seeds the
sandbox through its control API (docs/sandbox.md), so every test meets the same emulator and a
hand-written answer cannot drift from what Zoom does. A hand-written HTTP server is allowed only
where it is not Zoom, each with the reason below.
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "benchmarks")
LIBRARY_UNIT_TESTS = REPO / "tests" / "zoom"

# Libraries that answer HTTP requests in place of a server.
HTTP_MOCKING_MODULES = {"responses", "requests_mock", "httpretty", "respx", "pytest_httpserver", "vcr"}
# Building blocks of a hand-written HTTP server.
HTTP_SERVER_MODULES = {
    "http.server",
    "socketserver",
    "aiohttp.web",
    "werkzeug.serving",
    "wsgiref.simple_server",
}
SERVERS_THAT_ARE_NOT_ZOOM = {
    # Receives the sandbox's webhooks in the sandbox's own tests: it stands in for ZoomHub's endpoint.
    "tests/sandbox/receiver.py",
    # Stands in for ZoomHub's download view behind nginx, to test the X-Accel-Redirect location.
    "tests/deployment/test_compose_native.py",
    # The school's own program receiving ZoomHub's signed outgoing events, with its own HMAC check.
    "tests/notifications/event_receiver.py",
}


def _imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _matches(modules: set[str], forbidden: set[str]) -> set[str]:
    return {m for m in modules for f in forbidden if m == f or m.startswith(f + ".")}


def fake_zoom_problems(source: str, relative: str) -> list[str]:
    """What in this file answers HTTP in place of the sandbox, as "file: what"."""
    modules = _imported_modules(source)
    problems = [f"{relative}: imports {m}" for m in sorted(_matches(modules, HTTP_MOCKING_MODULES))]
    if relative not in SERVERS_THAT_ARE_NOT_ZOOM:
        problems += [
            f"{relative}: builds an HTTP server with {m}"
            for m in sorted(_matches(modules, HTTP_SERVER_MODULES))
        ]
    elif "/v2/" in source or "/oauth/" in source:
        problems.append(f"{relative}: allowed as a webhook receiver, but answers Zoom's API paths")
    return problems


def test_no_test_outside_the_zoom_library_s_own_fakes_zoom():
    problems = []
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            if path.is_relative_to(LIBRARY_UNIT_TESTS):
                continue
            relative = path.relative_to(REPO).as_posix()
            problems += fake_zoom_problems(path.read_text(encoding="utf-8"), relative)
    assert problems == [], "Use the Zoom sandbox (docs/sandbox.md) instead:\n" + "\n".join(problems)


def test_the_check_sees_each_way_of_faking_zoom():
    assert fake_zoom_problems("import responses\n", "tests/a.py") == ["tests/a.py: imports responses"]
    assert fake_zoom_problems("from responses import matchers\n", "tests/a.py") == [
        "tests/a.py: imports responses",
        "tests/a.py: imports responses.matchers",
    ]
    assert fake_zoom_problems("import requests_mock\n", "tests/a.py") == ["tests/a.py: imports requests_mock"]
    server = "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\n"
    assert fake_zoom_problems(server, "tests/a.py") == [
        "tests/a.py: builds an HTTP server with http.server",
        "tests/a.py: builds an HTTP server with http.server.BaseHTTPRequestHandler",
        "tests/a.py: builds an HTTP server with http.server.ThreadingHTTPServer",
    ]
    assert fake_zoom_problems(server, "tests/sandbox/receiver.py") == []
    assert fake_zoom_problems(server + 'PATH = "/oauth/token"\n', "tests/sandbox/receiver.py") == [
        "tests/sandbox/receiver.py: allowed as a webhook receiver, but answers Zoom's API paths"
    ]
    assert (
        fake_zoom_problems("import requests\nfrom sandbox.control_client import SandboxControl\n", "t.py")
        == []
    )
