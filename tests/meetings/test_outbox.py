"""The outbox: every lesson ends up as exactly one Zoom meeting, whatever fails on the way."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from meetings.models import Meeting, MeetingTimelineEvent
from meetings.outbox import meeting_push, meetings_due_for_push
from meetings.services import meeting_cancel, meeting_reschedule, meeting_retry_push
from tests.meetings.conftest import HOST_ZOOM_ID, fixture, tallinn

pytestmark = pytest.mark.django_db

Kind = MeetingTimelineEvent.Kind


def reload(lesson: Meeting) -> Meeting:
    return Meeting.objects.get(pk=lesson.pk)


def make_due(lesson: Meeting) -> None:
    """The back-off has passed (instead of waiting for it)."""
    Meeting.objects.filter(pk=lesson.pk).update(push_next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_new_lesson_is_created_in_zoom_with_its_links(schedule, fake_zoom, pushes):
    lesson = schedule(start=tallinn("2027-02-24", "15:00"))
    assert pushes == [lesson.pk]
    assert reload(lesson).push_state == Meeting.PushState.PENDING

    result = meeting_push(meeting_id=lesson.pk)

    assert result.outcome == "synced"
    [post] = fake_zoom.calls("POST", f"/users/{HOST_ZOOM_ID}/meetings")
    sent = post["json"]
    assert sent["start_time"] == "2027-02-24T13:00:00Z"
    assert sent["timezone"] == "Europe/Tallinn"
    assert sent["agenda"].startswith(f"[ZoomHub lesson {lesson.pk} ")
    lesson = reload(lesson)
    [zoom_meeting] = fake_zoom.meetings.values()
    assert lesson.zoom_meeting_id == zoom_meeting["id"]
    assert lesson.zoom_uuid == zoom_meeting["uuid"]
    assert lesson.join_url == zoom_meeting["join_url"]
    assert lesson.password == zoom_meeting["password"]
    assert lesson.start_url == zoom_meeting["start_url"]
    assert lesson.push_state == Meeting.PushState.SYNCED
    assert lesson.push_error == ""
    assert lesson.timeline.filter(kind=Kind.PUSHED).exists()


def test_a_weekly_series_is_a_type_8_meeting_with_weekly_recurrence(schedule, fake_zoom):
    from meetings.recurrence import WeeklyRecurrence

    lesson = schedule(
        start=tallinn("2027-02-24", "15:00"), recurrence=WeeklyRecurrence(weekdays=(0, 2), count=10)
    )
    meeting_push(meeting_id=lesson.pk)
    [zoom_meeting] = fake_zoom.meetings.values()
    assert zoom_meeting["type"] == 8
    assert zoom_meeting["recurrence"] == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2,4",
        "end_times": 10,
    }


@pytest.mark.parametrize("lost_as", ["timeout", "500"])
def test_a_create_whose_answer_was_lost_is_found_not_created_again(schedule, fake_zoom, lost_as):
    lesson = schedule()
    fake_zoom.lose_next_create_answer(lost_as)

    first = meeting_push(meeting_id=lesson.pk)

    assert first.outcome == "failed"
    lesson = reload(lesson)
    assert lesson.push_state == Meeting.PushState.FAILED
    assert lesson.push_next_attempt_at is not None  # retried on its own
    assert len(fake_zoom.meetings) == 1  # Zoom did create it

    make_due(lesson)
    second = meeting_push(meeting_id=lesson.pk)

    assert second.outcome == "synced"
    assert len(fake_zoom.calls("POST")) == 1
    assert len(fake_zoom.meetings) == 1
    [zoom_meeting] = fake_zoom.meetings.values()
    lesson = reload(lesson)
    assert lesson.zoom_meeting_id == zoom_meeting["id"]
    assert lesson.join_url == zoom_meeting["join_url"]
    assert lesson.start_url == zoom_meeting["start_url"]
    assert lesson.push_state == Meeting.PushState.SYNCED


def test_a_500_before_zoom_created_anything_creates_on_the_retry(schedule, fake_zoom):
    lesson = schedule()
    fake_zoom.refuse_next_create(500, {"code": 500, "message": "Internal server error."})

    assert meeting_push(meeting_id=lesson.pk).outcome == "failed"
    assert "Internal server error" in reload(lesson).push_error
    make_due(lesson)
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"

    assert len(fake_zoom.meetings) == 1
    assert len(fake_zoom.calls("POST")) == 2  # the first never created a meeting
    assert len(fake_zoom.calls("GET", f"/users/{HOST_ZOOM_ID}/meetings")) == 1  # looked before creating again


def test_a_refused_create_is_failed_with_zoom_message_and_waits_for_staff(schedule, fake_zoom):
    lesson = schedule()
    fake_zoom.refuse_next_create(400, fixture("error__validation_failed"))

    meeting_push(meeting_id=lesson.pk)

    lesson = reload(lesson)
    assert lesson.push_state == Meeting.PushState.FAILED
    assert fixture("error__validation_failed")["message"] in lesson.push_error
    assert lesson.push_next_attempt_at is None
    assert lesson.pk not in meetings_due_for_push()
    assert lesson.timeline.filter(kind=Kind.PUSH_FAILED).exists()

    assert meeting_retry_push(meeting=lesson) is True
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"
    assert len(fake_zoom.meetings) == 1


def test_the_daily_meeting_cap_waits_for_the_reset(schedule, fake_zoom):
    lesson = schedule()
    fake_zoom.refuse_next_create(429, fixture("error__daily_meeting_limit"))

    meeting_push(meeting_id=lesson.pk)

    lesson = reload(lesson)
    assert lesson.push_state == Meeting.PushState.FAILED
    assert "daily limit of meeting creates and updates for this host" in lesson.push_error
    next_midnight = dt.datetime.combine(
        timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.UTC
    )
    assert lesson.push_next_attempt_at == next_midnight
    assert lesson.pk not in meetings_due_for_push()
    assert lesson.pk in meetings_due_for_push(now=next_midnight + dt.timedelta(seconds=1))


def test_reschedule_patches_the_same_meeting_and_keeps_the_join_link(
    schedule, fake_zoom, pushes, django_capture_on_commit_callbacks
):
    from meetings.services import LessonPlan

    lesson = schedule(start=tallinn("2027-02-24", "15:00"))
    meeting_push(meeting_id=lesson.pk)
    join_url = reload(lesson).join_url
    pushes.clear()

    plan = LessonPlan(
        host=lesson.host,
        topic="Trial lesson",
        start=tallinn("2027-02-25", "16:30"),
        duration=45,
        timezone="Europe/Tallinn",
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=reload(lesson), plan=plan)
    assert pushes == [lesson.pk]
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"

    [patch] = fake_zoom.calls("PATCH", f"/meetings/{reload(lesson).zoom_meeting_id}")
    sent = patch["json"]
    assert sent["start_time"] == "2027-02-25T14:30:00Z"
    assert sent["duration"] == 45
    assert fake_zoom.calls("DELETE") == []
    assert len(fake_zoom.calls("POST")) == 1
    lesson = reload(lesson)
    assert lesson.join_url == join_url
    assert lesson.push_state == Meeting.PushState.SYNCED
    assert lesson.timeline.filter(kind=Kind.RESCHEDULED).exists()


def test_cancel_deletes_the_zoom_meeting(schedule, fake_zoom, django_capture_on_commit_callbacks):
    lesson = schedule()
    meeting_push(meeting_id=lesson.pk)
    zoom_id = reload(lesson).zoom_meeting_id

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=reload(lesson))
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"

    assert fake_zoom.meetings == {}
    assert len(fake_zoom.calls("DELETE", f"/meetings/{zoom_id}")) == 1
    lesson = reload(lesson)
    assert lesson.status == Meeting.Status.CANCELED
    assert lesson.push_state == Meeting.PushState.SYNCED


def test_a_meeting_already_gone_from_zoom_counts_as_deleted(schedule, fake_zoom):
    lesson = schedule()
    meeting_push(meeting_id=lesson.pk)
    fake_zoom.delete_behind_our_back(reload(lesson).zoom_meeting_id)  # DELETE answers 404 code 3001

    meeting_cancel(meeting=reload(lesson))
    result = meeting_push(meeting_id=lesson.pk)

    assert result.outcome == "synced"
    assert reload(lesson).push_state == Meeting.PushState.SYNCED
    assert "Already gone" in reload(lesson).timeline.filter(kind=Kind.PUSHED).last().message


def test_canceling_a_lesson_whose_create_answer_was_lost_deletes_what_zoom_made(schedule, fake_zoom):
    lesson = schedule()
    fake_zoom.lose_next_create_answer("timeout")
    meeting_push(meeting_id=lesson.pk)
    assert len(fake_zoom.meetings) == 1

    meeting_cancel(meeting=reload(lesson))
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"
    assert fake_zoom.meetings == {}


@pytest.mark.django_db(transaction=True)
def test_an_edit_during_a_push_is_sent_after_it(schedule, fake_zoom, pushes):
    lesson = schedule()
    pushes.clear()
    hold = fake_zoom.hold_next_create()
    results = []

    def worker():
        try:
            results.append(meeting_push(meeting_id=lesson.pk))
        finally:
            connection.close()

    pushing = threading.Thread(target=worker)
    pushing.start()
    # Staff save a change while the create is on its way to Zoom.
    assert fake_zoom.wait_until_held(hold)
    Meeting.objects.filter(pk=lesson.pk).update(push_revision=F("push_revision") + 1)
    fake_zoom.release(hold)
    pushing.join(timeout=30)

    [result] = results
    assert result.outcome == "pending"
    assert pushes == [lesson.pk]  # queued again (on commit, at once outside a test transaction)
    assert meeting_push(meeting_id=lesson.pk).outcome == "synced"
    assert len(fake_zoom.calls("POST")) == 1
    assert len(fake_zoom.calls("PATCH")) == 1


def test_a_push_nobody_needs_does_nothing(schedule, fake_zoom):
    lesson = schedule()
    meeting_push(meeting_id=lesson.pk)
    assert meeting_push(meeting_id=lesson.pk).outcome == "skipped"
    assert len(fake_zoom.calls()) == 1


def test_the_sweep_finds_due_failures_lost_tasks_and_dead_workers(schedule):
    now = timezone.now()
    due_failure, later_failure, lost_task, dead_worker, fresh = (
        schedule(start=tallinn("2027-02-24", f"{h:02d}:00")) for h in (9, 10, 11, 12, 13)
    )
    Meeting.objects.filter(pk=due_failure.pk).update(
        push_state="failed", push_next_attempt_at=now - dt.timedelta(minutes=1)
    )
    Meeting.objects.filter(pk=later_failure.pk).update(
        push_state="failed", push_next_attempt_at=now + dt.timedelta(minutes=5)
    )
    Meeting.objects.filter(pk=lost_task.pk).update(updated_at=now - dt.timedelta(minutes=10))
    Meeting.objects.filter(pk=dead_worker.pk).update(
        push_state="syncing", push_claimed_at=now - dt.timedelta(hours=1)
    )
    Meeting.objects.filter(pk=fresh.pk).update(updated_at=now)

    assert set(meetings_due_for_push(now=now)) == {due_failure.pk, lost_task.pk, dead_worker.pk}


@pytest.mark.django_db(transaction=True)
def test_two_workers_pushing_one_lesson_create_one_meeting(schedule, fake_zoom):
    lesson = schedule()
    start = threading.Barrier(2)
    loser_done = threading.Event()
    outcomes: list[str] = []

    # The winner's POST waits inside Zoom until the other worker has tried and given up.
    hold = fake_zoom.hold_next_create()

    def worker():
        try:
            start.wait(timeout=10)
            outcome = meeting_push(meeting_id=lesson.pk).outcome
            outcomes.append(outcome)
            if outcome == "skipped":
                loser_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert fake_zoom.wait_until_held(hold)
    assert loser_done.wait(timeout=10)
    fake_zoom.release(hold)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["skipped", "synced"]
    assert len(fake_zoom.calls("POST")) == 1
    assert len(fake_zoom.meetings) == 1
    assert loser_done.is_set()
