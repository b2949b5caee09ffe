"""Every page a staff member (and the superuser, in the admin) can open, in Chromium, under the CSP.

The Content-Security-Policy allows no inline script, no inline style attribute and nothing from
other hosts. A page that needs any of those shows a violation in the console and as a
`securitypolicyviolation` event; this test collects both on every page and expects none. htmx
(polling a running sync) and the Swagger UI of /api/v1/docs must still work under it.
"""

import pytest

from tests.security.conftest import _nowhere_zoom  # noqa: F401 - autouse: Zoom is a closed port
from tests.security.routes import concrete_urls
from tests.security.world import build_world, secret_settings
from zoomhub.access import is_public_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
# GET routes that are not pages: downloads, exports, the OpenAPI JSON, sign-out.
NOT_PAGES = ("download", "export", ".csv", "openapi.json", "/logout/", "/admin/r/")


@pytest.fixture
def world(settings, staff_user, superuser, outsider):
    secret_settings(settings)
    return build_world(staff=staff_user, superuser=superuser, outsider=outsider)


def _pages_answering_200(client, user, routes) -> list[str]:
    client.force_login(user)
    pages = []
    for route in routes:
        staff_only = not is_public_path(route.url) or route.url == "/api/v1/docs"
        if not staff_only or any(marker in route.url for marker in NOT_PAGES):
            continue
        response = client.get(route.url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(route.url)
    client.logout()
    return pages


def _sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _visit_all(page, live_server, urls) -> dict[str, list[str]]:
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    found = {}
    for url in urls:
        console.clear()
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"] or (
            "script-src 'self'" in response.headers["content-security-policy"]
        ), url
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations") + console
        if violations:
            found[url] = violations
    return found


def test_no_staff_page_breaks_the_content_security_policy(
    client, live_server, page, world, staff_user, superuser, password
):
    routes = concrete_urls(world)
    staff_pages = _pages_answering_200(client, staff_user, routes)
    admin_pages = [
        url for url in _pages_answering_200(client, superuser, routes) if url.startswith("/admin/")
    ]
    assert len(staff_pages) > 20 and len(admin_pages) > 20
    assert "/api/v1/docs" in staff_pages

    _sign_in(page, live_server, staff_user, password)
    assert _visit_all(page, live_server, staff_pages) == {}

    # The detector detects: an inline event handler on a page is reported.
    page.goto(f"{live_server.url}/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """document.body.insertAdjacentHTML("beforeend", '<img src="data:," onerror="window.ran = 1">')"""
        )
    assert page.evaluate("window.__cspViolations.length") > 0
    assert page.evaluate("window.ran") is None

    page.context.clear_cookies()
    _sign_in(page, live_server, superuser, password)
    assert _visit_all(page, live_server, admin_pages) == {}


def test_htmx_and_swagger_ui_work_under_the_policy(live_server, page, world, staff_user, password):
    from recordings.models import SyncRun

    SyncRun.objects.filter(pk=world.run.pk).update(state=SyncRun.State.RUNNING)
    _sign_in(page, live_server, staff_user, password)
    page.add_init_script(COLLECT_VIOLATIONS)

    # A running sync's progress is polled by htmx every 2 seconds.
    with page.expect_request(
        lambda request: "/progress" in request.url and request.headers.get("hx-request")
    ):
        page.goto(f"{live_server.url}/recordings/runs/{world.run.pk}/")
    assert page.evaluate("window.__cspViolations") == []

    # Swagger UI renders the API from ninja's bundled files.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "ZoomHub" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.evaluate("window.__cspViolations") == []
