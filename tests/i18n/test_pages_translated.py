"""Every staff page and ZoomHub's admin pages, read in Russian and Estonian: no English left.

A page fails when it shows a word that only ZoomHub's English texts use (a word of a msgid that
none of the language's translations contains): an untranslated string, a raw code printed
instead of its label, a label built in code without gettext. What the school typed (names,
topics, emails) is taken out of the page first: it is data, not ZoomHub's wording.
"""

import functools

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse

from meetings.timezones import timezone_label, timezone_names
from tests.i18n.catalogue import english_only_words, visible_text, words
from tests.security.routes import concrete_urls
from tests.security.world import build_world, secret_settings
from zoomhub.zoom import ratelimit

ZOOMHUB_APPS = ("accounts", "meetings", "recordings", "attendance", "webhooks", "api")
NOT_STAFF_PAGES = ("/admin/", "/api/", "/webhooks/", "/accounts/", "/static/", "/language/", "/healthz")


@pytest.fixture(autouse=True)
def _nowhere_zoom(settings, tmp_path):
    settings.ZOOM_API_BASE_URL = "http://127.0.0.1:9/v2"
    settings.ZOOM_OAUTH_BASE_URL = "http://127.0.0.1:9/oauth"
    settings.ZOOM_MAX_RETRIES = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    ratelimit.reset_local_state()
    yield
    ratelimit.reset_local_state()


@pytest.fixture
def world(db, settings, staff_user, superuser, outsider):
    secret_settings(settings)
    return build_world(staff=staff_user, superuser=superuser, outsider=outsider)


def _school_data_words() -> set[str]:
    """Every word the school's own rows hold (topics, names, emails, notes…), not choice codes."""
    found = set()
    for model in apps.get_models():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not text_fields:
            continue
        for row in model._default_manager.values_list(*text_fields):
            for value in row:
                if value:
                    found |= words(str(value))
    return found


@functools.cache
def _time_zone_words() -> frozenset[str]:
    """Words of the IANA zone names the time zone lists offer ("Swift Current", "New York"):
    names of places, which no catalogue translates."""
    return frozenset().union(*(words(timezone_label(name)) for name in timezone_names()))


def _english_left(html: str, language: str, data_words: set[str], *, only_id: str | None = None) -> set[str]:
    return (
        (words(visible_text(html, only_id=only_id)) & english_only_words(language))
        - data_words
        - _time_zone_words()
    )


def _staff_pages(world) -> list[str]:
    return [route.url for route in concrete_urls(world) if not route.url.startswith(NOT_STAFF_PAGES)]


def _admin_pages() -> list[str]:
    pages = []
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in ZOOMHUB_APPS:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{prefix}_change", args=[first.pk]))
    return sorted(pages)


@pytest.mark.parametrize("language", ["ru", "et"])
def test_every_staff_page_is_in_the_staff_members_language(client, world, language):
    world.superuser.language = language
    world.superuser.save()
    client.force_login(world.superuser)
    data_words = _school_data_words() | words(world.superuser.username)
    shown, untranslated = [], {}
    for url in _staff_pages(world):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # actions (POST only, redirects) and downloads have no page
        assert response["Content-Language"] == language, url
        shown.append(url)
        left = _english_left(response.content.decode(), language, data_words)
        if left:
            untranslated[url] = sorted(left)
    # The dashboard, lesson, attendance, recording and account pages, lists and details.
    assert len(shown) >= 15, shown
    assert untranslated == {}


@pytest.mark.parametrize("language", ["ru", "et"])
def test_zoomhubs_admin_pages_are_in_the_staff_members_language(client, world, language):
    world.superuser.language = language
    world.superuser.save()
    client.force_login(world.superuser)
    data_words = _school_data_words() | words(world.superuser.username)
    pages = _admin_pages()
    assert len(pages) >= 2 * 10, pages
    untranslated = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # The admin's own frame (menus of every app) is Django's; ZoomHub's part is #content.
        left = _english_left(response.content.decode(), language, data_words, only_id="content")
        if left:
            untranslated[url] = sorted(left)
    assert untranslated == {}
