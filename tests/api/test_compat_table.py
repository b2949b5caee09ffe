"""docs/api-compat.md's table "seed program's request → ZoomHub operation": every row is live.

For each row, both requests reach an operation that takes that method (anonymously: refused for
want of a token, or redirected to sign in — never a 404 or 405), with and without the trailing
slash, and the test the row names exists (it replays the row's request against the sandbox).
"""

import re
from pathlib import Path

import pytest

from api.paths import slash_toggled

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
REQUEST = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)")


def table_rows() -> list[tuple[str, str, str]]:
    text = (ROOT / "docs" / "api-compat.md").read_text()
    section = text.split("## The table", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows.append(tuple(cells))
    return rows


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_table_has_every_seed_route():
    seed_requests = {REQUEST.search(row[0]).group(2) for row in table_rows()}
    assert {
        "/api/v1/credentials/",
        "/api/v1/oauth/zoom/callback",
        "/api/zoom/auth",
        "/api/zoom/auth/callback",
        "/api/zoom/meetings",
        "/api/zoom/webhook",
    } <= seed_requests


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: row[0][:60])
def test_each_row_reaches_an_operation_and_names_its_test(client, row):
    seed, zoomhub, test = row
    for cell in (seed, zoomhub):
        method, path = REQUEST.search(cell).groups()
        for variant in (_concrete(path), slash_toggled(_concrete(path))):
            response = client.generic(method, variant, "{}", content_type="application/json")
            assert response.status_code not in (404, 405), (method, variant, response.content)
            assert response.status_code < 500
    test_file, test_name = test.strip("`").split("::")
    assert f"def {test_name}(" in (ROOT / test_file).read_text(), test


def test_the_zoom_style_routes_are_in_their_openapi_document(client, write_token):
    document = client.get("/api/zoom/openapi.json", HTTP_AUTHORIZATION=f"Bearer {write_token}")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert {"/api/zoom/auth", "/api/zoom/auth/callback", "/api/zoom/meetings", "/api/zoom/webhook"} <= set(
        paths
    )
    assert {"get", "post"} <= set(paths["/api/zoom/meetings"])
    created = paths["/api/zoom/meetings"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert created  # the {topic, startTime, duration} schema is documented
    v1 = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {write_token}").json()["paths"]
    assert {"/api/v1/oauth/zoom/callback", "/api/v1/recordings/files/{file_id}"} <= set(v1)
