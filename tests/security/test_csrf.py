"""CSRF: every POST a staff session can make is refused without the CSRF token.

The targets are found, not listed: every <form method="post"> and every hx-post/hx-put/hx-patch/
hx-delete on every page (staff and superuser crawls), plus every POST-only route of the access
matrix. Each is sent by a signed-in session without the token and must get 403, and change nothing.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from accounts.models import Credential
from api.models import ApiToken
from meetings.models import Meeting
from tests.security.routes import concrete_urls
from tests.security.test_access_matrix import POST_ONLY

pytestmark = pytest.mark.django_db

# Endpoints that are meant for requests without a session: Zoom signs its webhooks; the
# unsubscribe link is signed for one person, and mail clients' one-click POST (RFC 8058) has no token.
NOT_SESSION_ENDPOINTS = ("/webhooks/", "/unsubscribe/")


class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []  # {"action", "method", "fields", "has_token"}
        self.htmx: list[tuple[str, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for verb in ("post", "put", "patch", "delete"):
            if attrs.get(f"hx-{verb}"):
                self.htmx.append((verb.upper(), attrs[f"hx-{verb}"]))
        if tag == "form":
            self._open = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "has_token": False,
            }
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea", "button") and self._open is not None:
            name = attrs.get("name")
            if name == "csrfmiddlewaretoken":
                self._open["has_token"] = True
            elif name and attrs.get("type") not in ("submit", "button"):
                self._open["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _crawl_post_targets(world) -> tuple[dict[str, str], list[str]]:
    """{target path: page it was found on}, and forms that post without a CSRF token field."""
    targets: dict[str, str] = {}
    tokenless: list[str] = []
    for user in (world.staff, world.superuser):
        client = Client()
        client.force_login(user)
        for route in concrete_urls(world):
            response = client.get(route.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(response.content.decode("utf-8", "replace"))
            for form in parser.forms:
                if form["method"] != "post":
                    continue
                action = urlsplit(urljoin(route.url, form["action"])).path
                targets.setdefault(action, route.url)
                if not form["has_token"]:
                    tokenless.append(f"{route.url} → {action}")
            for _verb, url in parser.htmx:
                targets.setdefault(urlsplit(urljoin(route.url, url)).path, route.url)
    return targets, tokenless


def test_every_post_a_session_can_make_needs_the_csrf_token(world):
    targets, tokenless = _crawl_post_targets(world)
    # The crawl really found the forms staff use…
    for expected in [
        "/zoom-accounts/add/",
        f"/zoom-accounts/{world.s2s.pk}/edit/",
        "/lessons/new/",
        f"/lessons/{world.lesson.pk}/edit/",
        f"/lessons/{world.lesson.pk}/cancel/",
        f"/lessons/{world.lesson.pk}/start-link/",
        "/accounts/logout/",
        "/admin/accounts/credential/add/",
        f"/admin/meetings/person/{world.teacher.pk}/change/",
    ]:
        assert expected in targets, expected
    assert len(targets) > 40
    # …each of them carries the token (or staff could not use it)…
    assert not tokenless, "\n".join(tokenless)

    # …and without it, every one of them (and every POST-only route) is refused, changing nothing.
    every = set(targets) | {route.url for route in concrete_urls(world) if route.pattern in POST_ONLY}
    before = _state()
    accepted = []
    for user in (world.staff, world.superuser):
        client = Client(enforce_csrf_checks=True)
        for path in sorted(every):
            if path.startswith(NOT_SESSION_ENDPOINTS):
                continue
            client.force_login(user)  # sign-out would end the session otherwise
            response = client.post(path, {"name": "x", "topic": "x", "confirm": "yes"})
            found_on = targets.get(path, "the route list")
            if response.status_code != 403:
                accepted.append(f"{user.username}: POST {path} (from {found_on}) → {response.status_code}")
            elif b"csrf" not in response.content.lower():
                accepted.append(f"{user.username}: POST {path}: 403 but not for CSRF")
    assert not accepted, "\n".join(accepted)
    assert _state() == before


def _state():
    return (
        Credential.objects.count(),
        Meeting.objects.filter(status=Meeting.Status.CANCELED).count(),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
    )


def test_the_api_with_a_session_also_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.delete(f"/api/v1/meetings/{world.lesson.pk}")
    assert response.status_code == 403
    world.lesson.refresh_from_db()
    assert world.lesson.status == Meeting.Status.SCHEDULED
