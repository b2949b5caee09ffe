"""The lesson list and the week calendar: right lessons, right days, and queries that do not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import ZoomUser
from meetings.models import Meeting, Person
from tests.meetings.conftest import tallinn

pytestmark = pytest.mark.django_db


def make_lessons(host, teacher, students, count: int, *, first_day=dt.date(2027, 3, 1)) -> list[Meeting]:
    lessons = []
    for index in range(count):
        lesson = Meeting.objects.create(
            host=host,
            teacher=teacher,
            topic=f"Lesson {index:03d}",
            start_at=tallinn(str(first_day + dt.timedelta(days=index % 7)), f"{8 + index // 7:02d}:00"),
            duration=45,
            recurrence_weekdays=""
            if index % 3
            else str((first_day + dt.timedelta(days=index % 7)).weekday()),
            recurrence_count=None if index % 3 else 4,
        )
        lesson.students.set(students)
        lessons.append(lesson)
    return lessons


@pytest.fixture
def people(db):
    teacher = Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER)
    students = [Person.objects.create(name=f"Student {i}") for i in range(3)]
    return teacher, students


def count_queries(client, url, django_assert_max_num_queries, limit) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_queries_do_not_grow_with_lessons(staff_client, host, people, django_assert_max_num_queries):
    teacher, students = people
    url = reverse("meetings:lesson_list")
    make_lessons(host, teacher, students, 3)
    few = count_queries(staff_client, url, django_assert_max_num_queries, 30)
    make_lessons(host, teacher, students, 20, first_day=dt.date(2027, 4, 5))
    many = count_queries(staff_client, url, django_assert_max_num_queries, few)
    assert many == few


def test_calendar_queries_do_not_grow_with_lessons(staff_client, host, people, django_assert_max_num_queries):
    teacher, students = people
    url = reverse("meetings:lesson_calendar") + "?week=2027-03-01"
    make_lessons(host, teacher, students, 3)
    few = count_queries(staff_client, url, django_assert_max_num_queries, 30)
    make_lessons(host, teacher, students, 30)
    many = count_queries(staff_client, url, django_assert_max_num_queries, few)
    assert many == few


def test_upcoming_and_past_tabs(staff_client, host):
    past = Meeting.objects.create(
        host=host, topic="Lesson of last year", start_at=timezone.now() - dt.timedelta(days=300), duration=60
    )
    upcoming = Meeting.objects.create(
        host=host, topic="Lesson of next week", start_at=timezone.now() + dt.timedelta(days=7), duration=60
    )

    page = staff_client.get(reverse("meetings:lesson_list")).content.decode()
    assert upcoming.topic in page and past.topic not in page
    page = staff_client.get(reverse("meetings:lesson_list") + "?tab=past").content.decode()
    assert past.topic in page and upcoming.topic not in page


def test_filters_by_teacher_host_status_and_date(staff_client, host, credential):
    mari = Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER)
    other_host = ZoomUser.objects.create(credential=credential, zoom_id="other", email="other@example.com")
    by_mari = Meeting.objects.create(
        host=host, teacher=mari, topic="Mari's lesson", start_at=tallinn("2027-03-01", "10:00"), duration=60
    )
    by_other_host = Meeting.objects.create(
        host=other_host, topic="Other host's lesson", start_at=tallinn("2027-03-02", "10:00"), duration=60
    )
    canceled = Meeting.objects.create(
        host=host,
        topic="Canceled lesson",
        start_at=tallinn("2027-03-03", "10:00"),
        duration=60,
        status="canceled",
    )
    url = reverse("meetings:lesson_list")

    def shown(query):
        page = staff_client.get(url + query).content.decode()
        return {m.topic for m in (by_mari, by_other_host, canceled) if m.topic.replace("'", "&#x27;") in page}

    assert shown(f"?teacher={mari.pk}") == {"Mari's lesson"}
    assert shown(f"?host={other_host.pk}") == {"Other host's lesson"}
    assert shown("?status=canceled") == {"Canceled lesson"}
    assert shown("?date=2027-03-02") == {"Other host's lesson"}
    assert staff_client.get(url + "?date=not-a-date&status=bogus").status_code == 200


def test_the_host_filter_offers_each_host_with_lessons_once(staff_client, host, people, credential):
    teacher, students = people
    make_lessons(host, teacher, students, 5)
    idle = ZoomUser.objects.create(credential=credential, zoom_id="idle", email="idle@example.com")
    page = staff_client.get(reverse("meetings:lesson_list")).content.decode()
    select = page.split('name="host"')[1].split("</select>")[0]
    assert select.count(f'value="{host.pk}"') == 1
    assert f'value="{idle.pk}"' not in select


def test_the_list_is_paginated(staff_client, host, people):
    teacher, students = people
    make_lessons(host, teacher, students, 30)
    first = staff_client.get(reverse("meetings:lesson_list")).content.decode()
    assert "Page 1 of 2" in first
    second = staff_client.get(reverse("meetings:lesson_list") + "?page=2").content.decode()
    assert "Page 2 of 2" in second
    assert staff_client.get(reverse("meetings:lesson_list") + "?page=abc").status_code == 200


def test_the_calendar_shows_each_lesson_on_its_tallinn_day(staff_client, host):
    # 00:30 on Tuesday in Tallinn is still Monday in UTC: the grid follows the school's time.
    Meeting.objects.create(
        host=host, topic="Early bird", start_at=tallinn("2027-03-02", "00:30"), duration=30
    )
    Meeting.objects.create(
        host=host,
        topic="Weekly group",
        start_at=tallinn("2027-02-24", "15:00"),
        duration=60,
        recurrence_weekdays="2",
        recurrence_count=3,
    )
    page = staff_client.get(reverse("meetings:lesson_calendar") + "?week=2027-03-03").content.decode()

    tuesday = page.split('id="day-2027-03-02"')[1].split("</section>")[0]
    wednesday = page.split('id="day-2027-03-03"')[1].split("</section>")[0]
    assert "Early bird" in tuesday and "00:30\N{EN DASH}01:00" in tuesday
    assert "Weekly group" in wednesday and "15:00\N{EN DASH}16:00" in wednesday
    assert "1 March \N{EN DASH} 7 March 2027" in page
    assert "?week=2027-02-22" in page and "?week=2027-03-08" in page
    assert "(Tallinn time)" in page
    # The series' fourth week has no lesson.
    later = staff_client.get(reverse("meetings:lesson_calendar") + "?week=2027-03-17").content.decode()
    assert "Weekly group" not in later


def _options(page: str, name: str) -> list[str]:
    select = page.split(f'name="{name}"')[1].split("</select>")[0]
    return [option.split(">", 1)[1].removesuffix("</option>") for option in select.split("<option ")[2:]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are PostgreSQL's")
def test_the_filter_options_follow_the_language_and_the_data(staff_client, host, credential):
    """The options' SQL is compiled once per language (zoomhub.compiled), but their rows are read
    on every page, sorted as the reader's language sorts names."""
    for name in ("Zoja", "Õnne", "Ёлка", "anton"):
        Person.objects.create(name=name, role=Person.Role.TEACHER)
    named = ZoomUser.objects.create(
        credential=credential,
        zoom_id="named",
        email="a-named@example.com",
        first_name="Õie",
        last_name="Mets",
    )
    Meeting.objects.create(host=host, topic="One", start_at=tallinn("2027-03-01", "10:00"), duration=60)
    Meeting.objects.create(host=named, topic="Two", start_at=tallinn("2027-03-01", "12:00"), duration=60)
    url = reverse("meetings:lesson_list")

    def options(language: str, name: str) -> list[str]:
        return _options(staff_client.get(url, headers={"accept-language": language}).content.decode(), name)

    assert options("en", "teacher") == ["anton", "Õnne", "Zoja", "Ёлка"]
    assert options("et", "teacher") == ["anton", "Zoja", "Õnne", "Ёлка"]
    assert options("ru", "teacher") == ["Ёлка", "anton", "Õnne", "Zoja"]
    assert options("en", "teacher") == ["anton", "Õnne", "Zoja", "Ёлка"]
    Person.objects.create(name="Bert", role=Person.Role.TEACHER)
    assert options("en", "teacher") == ["anton", "Bert", "Õnne", "Zoja", "Ёлка"]
    # Zoom users by email, written as str() writes them.
    assert options("en", "host") == [
        "Õie Mets &lt;a-named@example.com&gt;",
        str(host).replace("<", "&lt;").replace(">", "&gt;"),
    ]
