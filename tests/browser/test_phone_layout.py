"""Every staff page fits a 390 px phone (and 1366 px) without sideways scrolling; the menu folds."""

import pytest

from tests.security.routes import concrete_urls
from tests.security.test_access_matrix import POST_ONLY
from tests.security.world import build_world, secret_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


# The sign-in library's pages a signed-in staff member opens from the header (Security and its
# forms); its other pages are for people not signed in, or only redirect.
ACCOUNT_PAGES = {"mfa_index", "account_email", "account_change_password", "account_logout"}


def staff_pages(world) -> list[str]:
    # /calendar/ answers calendar files (text/calendar), which a browser downloads: not pages.
    skip = ("/admin", "/api/", "/webhooks/", "/accounts/", "/static/", "/calendar/")
    return [
        route.url
        for route in concrete_urls(world)
        if (not route.url.startswith(skip) or route.name in ACCOUNT_PAGES)
        and not route.pattern.endswith(("/download/", "export.csv", "/progress/", "/push-status/"))
        and "files/" not in route.pattern
        and route.pattern not in POST_ONLY
        and route.name not in {"oauth_connect", "person_quick_add", "person_picker"}
    ]


@pytest.mark.parametrize("width", [390, 1366])
def test_no_staff_page_scrolls_sideways_logs_an_error_or_misses_an_asset(
    live_server, page, screenshot, settings, staff_user, superuser, outsider, password, width
):
    secret_settings(settings)
    world = build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    page.set_viewport_size({"width": width, "height": 900})
    console_errors: list[str] = []
    missing: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and missing.append(f"{response.status} {response.url}")
        ),
    )
    sign_in(page, live_server, staff_user, password)
    too_wide, problems = [], []
    visited = 0
    for path in staff_pages(world):
        console_errors.clear()
        missing.clear()
        response = page.goto(live_server.url + path)
        if response.status != 200:
            continue
        page.wait_for_load_state("load")
        visited += 1
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{path}: {scroll_width}px")
            screenshot(f"too-wide-{width}-{path.strip('/').replace('/', '-') or 'dashboard'}")
        problems += [f"{path}: console: {text}" for text in console_errors]
        problems += [f"{path}: asset {line}" for line in missing]
    assert visited > 20
    assert not too_wide, "\n".join(too_wide)
    assert not problems, "\n".join(problems)


def test_the_menu_folds_on_a_phone(live_server, page, screenshot, staff_user, password):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server, staff_user, password)
    assert not page.locator("#main-nav").is_visible()
    page.click("#menu-toggle")
    assert page.locator("#main-nav").is_visible()
    assert page.locator("#menu-toggle").get_attribute("aria-expanded") == "true"
    screenshot("menu-open-390")


def test_no_admin_list_or_form_logs_an_error_or_misses_an_asset(
    live_server, page, settings, staff_user, superuser, outsider, password
):
    """The admin is Django's own layout (not made for phones), but it too must load cleanly."""
    from django.contrib import admin
    from django.urls import reverse

    secret_settings(settings)
    build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and problems.append(f"{response.status} {response.url}")
        ),
    )
    sign_in(page, live_server, superuser, password)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    failed = []
    for url in urls:
        problems.clear()
        response = page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        if response.status >= 500:
            failed.append(f"{url}: {response.status}")
        if response.status == 403:  # an add form the admin refuses on purpose (Zoom creates those)
            continue
        failed += [f"{url}: {problem}" for problem in problems]
    assert len(urls) > 20
    assert not failed, "\n".join(failed)
