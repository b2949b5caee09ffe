"""Every URL pattern under /api/ and /webhooks/, with and without its trailing slash, with every
method, an empty JSON body and a malformed one, plus unknown paths: never an HTML page, never a
5xx, and the same answer whichever way the slash is written.

Each request runs in a savepoint that is rolled back, so one request's effect (a sync started, a
lesson canceled) never changes the answer to the next.
"""

import json

import pytest
from django.db import transaction

from api.paths import slash_toggled
from tests.security.routes import concrete_urls

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
BODIES = {"empty": "{}", "malformed": '{"credentials": {"client_id": '}
# The human docs page (Swagger UI) is HTML by nature; its OpenAPI document is JSON and walked.
HTML_BY_DESIGN = {"/api/v1/docs", "/api/zoom/docs"}
UNKNOWN_PATHS = (
    "/api",
    "/api/",
    "/api/nope",
    "/api/v1/nope/",
    "/api/v1/credentials/1/nope",
    "/api/zoom/nope",
    "/api/v2/credentials",
    "/webhooks",
    "/webhooks/",
    "/webhooks/nope",
    "/webhooks/zoom/oauth/extra/",
)


def _request(client, method, path, body, token):
    with transaction.atomic():
        response = client.generic(
            method,
            path,
            body if method not in ("GET", "HEAD", "OPTIONS") else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        content = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response, content


def _problems(method, path, response, content) -> list[str]:
    found = []
    content_type = response.get("Content-Type", "")
    if response.status_code >= 500:
        found.append(f"{method} {path}: {response.status_code} {content[:200]!r}")
    if content_type.startswith("text/html") and content.strip():
        found.append(f"{method} {path}: an HTML page ({response.status_code})")
    if b"<html" in content.lower()[:500]:
        found.append(f"{method} {path}: HTML in a {content_type} answer ({response.status_code})")
    if (
        response.status_code >= 400
        and method != "HEAD"
        and not content_type.startswith(("application/json", "text/plain"))
    ):
        found.append(f"{method} {path}: a {response.status_code} as {content_type!r}")
    return found


def test_every_api_and_webhook_route_answers_json_never_html_or_5xx_with_or_without_slash(client, world):
    routes = [r for r in concrete_urls(world) if r.url.startswith(("/api/", "/webhooks/"))]
    assert len(routes) >= 20
    assert {"/api/zoom/meetings", "/api/v1/oauth/zoom/callback", "/webhooks/zoom/oauth/"} <= {
        r.url for r in routes
    }
    problems = []
    walked = 0
    for route in routes:
        if route.url in HTML_BY_DESIGN:
            continue
        for method in METHODS:
            for body_name, body in BODIES.items():
                if method in ("GET", "HEAD", "OPTIONS") and body_name == "malformed":
                    continue
                answers = {}
                for path in (route.url, slash_toggled(route.url)):
                    response, content = _request(client, method, path, body, world.raw_write_token)
                    walked += 1
                    problems += _problems(method, f"{path} ({body_name} body)", response, content)
                    answers[path] = response.status_code
                if len(set(answers.values())) != 1:
                    problems.append(f"{method} {route.url} ({body_name} body): {answers} differ by the slash")
    assert not problems, "\n".join(problems)
    assert walked > 400


def test_unknown_paths_are_a_json_404_for_every_method(client, world):
    problems = []
    for path in UNKNOWN_PATHS:
        for method in METHODS:
            response, content = _request(client, method, path, "{}", world.raw_write_token)
            if response.status_code != 404:
                problems.append(f"{method} {path}: {response.status_code}")
            elif method != "HEAD" and response.json()["error"]["code"] != "not_found":
                problems.append(f"{method} {path}: {content[:200]!r}")
    assert not problems, "\n".join(problems)


def test_a_malformed_body_is_a_400_that_names_the_body(client, world):
    for path in ("/api/v1/credentials/", "/api/v1/sources", "/api/v1/meetings", "/api/zoom/meetings"):
        response, _content = _request(client, "POST", path, BODIES["malformed"], world.raw_write_token)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["code"] == "malformed_body"
        assert set(response.json()["error"]["fields"]) == {"body"}


def test_unknown_body_fields_and_query_parameters_are_refused_by_name(client, world):
    typo, _ = _request(
        client,
        "POST",
        "/api/v1/sources",
        json.dumps(
            {"name": "n", "credential_id": world.s2s.pk, "confg": {}, "config": {"recording_typ": "all"}}
        ),
        world.raw_write_token,
    )
    assert typo.status_code == 400
    assert {"confg", "config.recording_typ"} <= set(typo.json()["error"]["fields"])

    query, _ = _request(client, "GET", "/api/v1/meetings?statuss=ended&limit=5", "", world.raw_write_token)
    assert query.status_code == 400
    assert set(query.json()["error"]["fields"]) == {"statuss"}
    assert "statuss" in query.json()["error"]["message"]
    # Without a valid token the answer is about the token, not the parameters.
    anonymous = client.get("/api/v1/meetings?statuss=ended")
    assert anonymous.status_code == 401


def test_under_debug_a_post_without_the_slash_is_no_runtime_error(client, world, settings):
    # Django's APPEND_SLASH raises RuntimeError for a POST under DEBUG; the route must answer.
    settings.DEBUG = True
    for path in ("/api/v1/credentials", "/api/v1/sources/", "/webhooks/zoom/oauth"):
        response, content = _request(client, "POST", path, "{}", world.raw_write_token)
        assert response.status_code in (400, 401), (path, response.status_code, content[:200])
        assert response["Content-Type"].startswith(("application/json", "text/plain"))
