"""Small things every page gets right: the language it declares, its icon, the admin's words."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("accept", "lang"), [("ru", "ru"), ("et,en;q=0.5", "et"), ("en", "en")])
def test_html_lang_follows_the_active_language(staff_client, accept, lang):
    page = staff_client.get(reverse("people:person_list"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{lang}">' in page


def test_every_page_names_an_icon_that_exists(staff_client):
    page = staff_client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    assert finders.find("img/favicon.svg")


def test_the_admin_says_manual_matches(admin_client):
    assert "Manual matches" in admin_client.get(reverse("admin:index")).content.decode()
