import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_signs_in_and_out_in_a_real_browser(live_server, page, screenshot, staff_user, password):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    screenshot("sign-in")
    page.fill("input[name=login]", staff_user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("header nav").is_visible()
    screenshot("dashboard")
    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/**")


def test_non_staff_member_sees_the_forbidden_page(live_server, page, outsider, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", outsider.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "for the school's staff" in page.content() or "for the school&#x27;s staff" in page.content()
