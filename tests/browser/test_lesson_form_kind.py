"""In Chromium at 1366 px: the lesson form shows the webinar-only fields (panelists, registration)
only while the kind is "webinar" (static/js/zoomhub.js, no inline script under the CSP)."""

import pytest

from tests.browser.test_people import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_webinar_fieldset_follows_the_kind(live_server, page, screenshot, staff_user, password):
    page.set_viewport_size({"width": 1366, "height": 900})
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server, staff_user, password)

    page.goto(f"{live_server.url}/lessons/new/")
    webinar_fields = page.locator("#webinar-fields")
    assert page.locator("#id_kind input[value=lesson]").is_checked()
    assert webinar_fields.is_hidden()
    assert page.locator("#id_registration").is_hidden()
    screenshot("lesson-form-lesson")

    page.check("#id_kind input[value=webinar]")
    assert webinar_fields.is_visible() and page.locator("#id_registration").is_visible()
    box = webinar_fields.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    screenshot("lesson-form-webinar")

    page.check("#id_kind input[value=lesson]")
    assert webinar_fields.is_hidden()
    assert violations == []
