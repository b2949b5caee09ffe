"""Which language a person gets: their stored choice, the header's switcher, or their browser."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting
from meetings.timezones import local_to_utc
from zoomhub.viewer import viewer_zone_name

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_follows_the_browsers_language(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert page["Content-Language"] == "ru"
    assert "Вход в ZoomHub" in page.content.decode()
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="et")
    assert "Sisselogimine ZoomHubi" in page.content.decode()
    assert "Accept-Language" in page["Vary"]


def test_a_visitor_switches_the_sign_in_page_from_the_header(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="language-switcher"' in page.content.decode()
    answer = client.post(
        "/language/", {"language": "et", "next": "/accounts/login/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "et"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sisselogimine ZoomHubi" in page.content.decode()


def test_the_switcher_stores_the_choice_on_the_staff_member(staff_client, staff_user):
    answer = staff_client.post("/language/", {"language": "ru", "next": "/lessons/"})
    assert answer["Location"] == "/lessons/"
    staff_user.refresh_from_db()
    assert staff_user.language == "ru"
    # Another browser (no cookie, an English Accept-Language) still gets Russian once signed in.
    staff_client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    page = staff_client.get("/lessons/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ru"
    assert "<h1>Уроки</h1>" in page.content.decode()


def test_the_stored_choice_applies_from_the_moment_of_signing_in(client, staff_user, password):
    staff_user.language = "ru"
    staff_user.save()
    answer = client.post(
        "/accounts/login/",
        {"login": staff_user.username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    text = answer.content.decode()
    assert answer.redirect_chain[-1][0] == reverse("dashboard")
    assert "<h1>Обзор</h1>" in text
    # allauth's "Signed in as …" was written while signing in: in the user's language too.
    assert f"Успешный вход под именем {staff_user.username}." in text


def test_an_unknown_language_or_a_foreign_next_changes_nothing(staff_client, staff_user):
    answer = staff_client.post("/language/", {"language": "de", "next": "https://evil.example/"}, follow=True)
    assert answer.redirect_chain[0][0] == reverse("dashboard")
    assert "This language is not available." in answer.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.language == ""
    assert staff_client.get("/language/").status_code == 405


def test_the_api_answers_in_the_callers_accept_language(client):
    answer = client.get("/api/v1/meetings", HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 401
    assert answer["Content-Language"] == "ru"
    message = answer.json()["error"]["message"]
    assert message.startswith("Отправьте действующий")
    assert "Authorization: Bearer <token>" in message
    assert "на странице" in message
    answer = client.get("/api/v1/meetings", HTTP_ACCEPT_LANGUAGE="et")
    assert answer.json()["error"]["message"].startswith("Saada kehtiv API-võti")


def test_a_staff_member_in_another_zone_sees_their_clock_beside_the_schools(
    staff_client, staff_user, settings
):
    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"
    credential = Credential.objects.create(kind=Credential.Kind.OAUTH, name="teacher@school.example")
    host = ZoomUser.objects.create(credential=credential, zoom_id="host01", email="host@school.example")
    start = local_to_utc(dt.date(2027, 2, 23), dt.time(15, 0), "Europe/Tallinn")
    lesson = Meeting.objects.create(
        topic="Урок 1", start_at=start, duration=60, host=host, timezone="Europe/Tallinn"
    )
    staff_user.language, staff_user.time_zone = "ru", "Europe/Moscow"
    staff_user.save()
    page = staff_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    assert "вторник, 23 февраля 2027, 15:00 (по Таллину; 16:00 по Москве)" in page
    assert viewer_zone_name() is None  # nothing leaks into the next request on this thread


def test_the_attendance_export_has_column_titles_in_the_staff_members_language(staff_client, staff_user):
    staff_user.language = "et"
    staff_user.save()
    response = staff_client.get(reverse("attendance:session_export"))
    header = b"".join(response.streaming_content).decode().splitlines()[0]
    assert header.startswith(
        "tunnikord,kuupäev,kellaaeg,tund,õpetaja,olek,määras töötaja,arvutatud olek,põhjus"
    )
    assert header.endswith("esimene liitumine,viimane lahkumine")


def test_a_staff_member_sets_their_language_and_time_zone_on_their_preferences_page(staff_client, staff_user):
    page = staff_client.get(reverse("preferences"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'href="/preferences/"' in page.content.decode()
    answer = staff_client.post(
        reverse("preferences"), {"language": "et", "time_zone": "Europe/Helsinki"}, follow=True
    )
    assert "Eelistused on salvestatud." in answer.content.decode()
    staff_user.refresh_from_db()
    assert (staff_user.language, staff_user.time_zone) == ("et", "Europe/Helsinki")
    refused = staff_client.post(reverse("preferences"), {"language": "de", "time_zone": "Mars/Olympus"})
    assert refused.status_code == 200
    assert refused.context["form"].errors.keys() == {"language", "time_zone"}
    staff_user.refresh_from_db()
    assert (staff_user.language, staff_user.time_zone) == ("et", "Europe/Helsinki")
