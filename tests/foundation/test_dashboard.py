"""The dashboard is the office's morning page: today's and tomorrow's lessons, what needs a person
(each with a link to where it is fixed), this week's lessons, and the last 8 weeks."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from attendance.models import Segment, Session
from meetings.models import Meeting, Person
from recordings.models import Source, SyncRun
from zoomhub import workers

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Wednesday 2 December 2026, 08:00 in Tallinn (UTC+2).
NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _school(settings):
    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"
    cache.delete(workers.LAST_TASK_KEY)


class Clock:
    def __init__(self):
        self.now = NOW

    def shift(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    """A fixed "now" for the code under test (it reads django.utils.timezone.now)."""
    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def host(db):
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER, name="School", account_id="acc-12345", client_id="cli-12345"
    )
    Credential.objects.create(
        kind=Credential.Kind.OAUTH, name="t@school.example", status=Credential.Status.RECONNECT_NEEDED
    )
    return ZoomUser.objects.create(credential=credential, zoom_id="u1", email="host@school.example")


def _lesson(host, start, *, topic="Lesson", push_state=Meeting.PushState.SYNCED, **extra):
    return Meeting.objects.create(
        host=host, topic=topic, start_at=start, duration=60, push_state=push_state, **extra
    )


def test_todays_and_tomorrows_lessons_in_school_time_with_links(staff_client, host, clock):
    teacher = Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER)
    algebra = _lesson(
        host,
        dt.datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
        topic="Algebra",
        teacher=teacher,
        join_url="https://example.com/j/1?pwd=x",
    )
    # A weekly series that began a month ago and has an occurrence tomorrow (Thursday).
    _lesson(
        host,
        dt.datetime(2026, 11, 5, 16, 30, tzinfo=UTC),
        topic="Russian A1",
        recurrence_weekdays="3",
        recurrence_count=10,
    )
    _lesson(host, dt.datetime(2026, 12, 5, 9, 0, tzinfo=UTC), topic="Saturday lesson")
    page = staff_client.get("/").content.decode()
    today, tomorrow = page.split('id="agenda-2026-12-03"')
    assert "Algebra" in today and "15:00\u201316:00" in today and "Mari Tamm" in today
    assert "https://example.com/j/1?pwd=x" in today
    assert reverse("meetings:lesson_start_link", args=[algebra.pk]) in today
    assert "Russian A1" in tomorrow and "18:30\u201319:30" in tomorrow
    assert "Saturday lesson" not in page.split('id="dashboard-weeks"')[0]


def test_lessons_this_week_counts_monday_to_sunday_including_tomorrow(staff_client, host, clock):
    _lesson(host, dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday, held
    _lesson(host, dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC))  # tomorrow
    _lesson(host, dt.datetime(2026, 12, 6, 20, 0, tzinfo=UTC))  # Sunday 22:00 in Tallinn
    _lesson(host, dt.datetime(2026, 12, 6, 22, 30, tzinfo=UTC))  # Monday 00:30 in Tallinn: next week
    _lesson(host, dt.datetime(2026, 12, 4, 8, 0, tzinfo=UTC), status=Meeting.Status.CANCELED)
    # Mondays and Fridays from 9 November: this week's Monday and Friday count.
    _lesson(host, dt.datetime(2026, 11, 9, 7, 0, tzinfo=UTC), recurrence_weekdays="0,4", recurrence_count=20)
    cards = {card.label: card for card in staff_client.get("/").context["dashboard_cards"]}
    assert cards["Lessons this week (Monday to Sunday)"].value == 5
    assert "Lessons held or due this week" not in cards


def test_what_needs_a_person_links_to_where_it_is_fixed(staff_client, host, clock):
    refused = _lesson(host, dt.datetime(2026, 12, 10, 8, 0, tzinfo=UTC), push_state=Meeting.PushState.FAILED)
    held = _lesson(host, dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    session = Session.objects.create(
        meeting=held, scheduled_start=held.start_at, scheduled_end=held.end_at, needs_review=True
    )
    Segment.objects.create(
        session=session,
        participant_key="name:anna",
        name="Anna",
        source="report",
        identity="name:anna",
        join_at=held.start_at,
        leave_at=held.end_at,
        match=Segment.Match.AMBIGUOUS,
    )
    source = Source.objects.create(name="School recordings", credential=host.credential)
    window = {"from_date": dt.date(2026, 11, 1), "to_date": dt.date(2026, 12, 1)}
    SyncRun.objects.create(source=source, state=SyncRun.State.SUCCEEDED, **window)
    SyncRun.objects.create(source=source, state=SyncRun.State.FAILED, **window)
    Credential.objects.filter(pk=host.credential_id).update(
        missing_scopes=["cloud_recording:read:list_user_recordings"]
    )
    cache.set(workers.LAST_TASK_KEY, time.time() - settings.WORKER_STALL_MINUTES * 60 - 60)
    response = staff_client.get("/")
    attention = {card.label: card for card in response.context["attention"]}
    assert attention["Lessons Zoom refused"].url == reverse("meetings:lesson_detail", args=[refused.pk])
    assert attention["Lessons whose attendance needs a look"].value == 1
    assert attention["Lessons with participants ZoomHub could not tell apart"].value == 1
    assert attention["Recording sources whose last sync failed"].url == reverse(
        "recordings:source_edit", args=[source.pk]
    )
    assert attention["Zoom accounts needing attention"].value == 1
    assert attention["Zoom accounts missing permissions"].value == 1
    assert any(label.startswith("No worker has taken a task") for label in attention)
    page = response.content.decode()
    for card in attention.values():
        assert card.detail and card.detail in page.replace("&#x27;", "'")


def test_a_worker_that_ran_a_task_recently_is_not_reported(staff_client, host, settings):
    def worker_cards():
        attention = staff_client.get("/").context["attention"]
        return [card for card in attention if card.label.startswith("No worker has taken a task")]

    cache.set(workers.LAST_TASK_KEY, time.time())
    assert worker_cards() == []
    cache.set(workers.LAST_TASK_KEY, time.time() - settings.WORKER_STALL_MINUTES * 60 - 60)
    [card] = worker_cards()
    assert card.detail


def test_an_account_whose_webhooks_went_silent_is_reported(staff_client, host, clock):
    Credential.objects.filter(pk=host.credential_id).update(created_at=NOW - dt.timedelta(days=30))
    credential = Credential.objects.get(pk=host.credential_id)
    credential.webhook_secret_token = "secret-token-1234"
    credential.save()
    labels = {card.label: card for card in staff_client.get("/").context["attention"]}
    assert labels["Zoom accounts whose webhooks are silent"].url == reverse(
        "accounts:credential_detail", args=[credential.pk]
    )


def test_the_last_8_weeks_as_a_chart(staff_client, host, clock):
    for days_ago, status in [(1, "completed"), (2, "completed"), (9, "no_show"), (20, "never_took_place")]:
        lesson = _lesson(host, NOW - dt.timedelta(days=days_ago))
        session = Session.objects.create(
            meeting=lesson, scheduled_start=lesson.start_at, scheduled_end=lesson.end_at
        )
        Session.objects.filter(pk=session.pk).update(status=status)
    response = staff_client.get("/")
    chart = next(s for s in response.context["sections"] if s.key == "weeks").data
    totals = [bar.total for bar in chart.bars]
    assert len(totals) == 8
    # This week (from Monday 30 November), the week of 23 November, the week of 9 November.
    assert (totals[-1], totals[-2], totals[-3], totals[-4], sum(totals)) == (2, 1, 0, 1, 4)
    page = response.content.decode()
    assert page.count('class="series-completed"') == 1 and 'class="series-no_show"' in page
    assert "<svg" in page


def test_the_dashboard_queries_do_not_grow_with_lessons(
    staff_client, host, clock, django_assert_max_num_queries
):
    def add(count, offset):
        for n in range(count):
            lesson = _lesson(
                host,
                NOW + dt.timedelta(hours=n + offset),
                teacher=Person.objects.create(name=f"T{n}{offset}"),
            )
            Session.objects.create(
                meeting=lesson, scheduled_start=NOW - dt.timedelta(days=n + 1), scheduled_end=NOW
            )

    add(2, 0)
    with django_assert_max_num_queries(30) as few:
        staff_client.get("/")
    add(30, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get("/")
    assert response.status_code == 200
