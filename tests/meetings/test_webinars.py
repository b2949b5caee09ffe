"""Webinars beside lessons: created, rescheduled, repeated and cancelled in Zoom's webinar
endpoints, with panelists and registration; the host's licence checked before anything is sent and
Zoom's own refusal explained; registrants approved and denied from ZoomHub. Zoom is the sandbox,
and its webinar.* events come back signed through the real intake."""

import datetime as dt
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Person, WebinarRegistrant
from meetings.outbox import meeting_push
from meetings.recurrence import WeeklyRecurrence
from meetings.services import LessonPlan, meeting_cancel, meeting_reschedule, meeting_schedule
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)
TALLINN = "Europe/Tallinn"


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


@pytest.fixture
def panelist(db):
    return Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)


def webinar_plan(school, panelist=None, **changes) -> LessonPlan:
    values = {
        "host": school.host(school.WEBINAR_HOST),
        "topic": "Open day",
        "start": (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0),
        "duration": 90,
        "timezone": TALLINN,
        "kind": Meeting.Kind.WEBINAR,
        "registration": Meeting.Registration.MANUAL,
        "panelists": (panelist,) if panelist else (),
    }
    values.update(changes)
    return LessonPlan(**values)


def in_zoom(school, webinar: Meeting) -> dict:
    return next(w for w in school.control.webinars() if w["id"] == webinar.zoom_meeting_id)


def test_a_webinar_is_created_with_its_panelists_and_registration(school, panelist, admin_client):
    webinar = meeting_schedule(plan=webinar_plan(school, panelist))
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    zoom = in_zoom(school, webinar)
    assert zoom["type"] == 5 and zoom["topic"] == "Open day" and zoom["duration"] == 90
    assert zoom["settings"]["approval_type"] == 1  # staff approve each registrant
    assert webinar.zoom_reference in zoom["agenda"]
    assert [p["email"] for p in zoom["panelists"]] == ["mari@school.example"]
    assert webinar.join_url == zoom["join_url"]
    assert school.control.calls().get("POST /v2/users/{userId}/meetings") is None  # never a meeting

    # Zoom announces it; ZoomHub knows it by id and makes nothing new.
    school.deliver_and_process(["webinar.created"])
    assert Meeting.objects.count() == 1

    page = admin_client.get(reverse("meetings:lesson_detail", args=[webinar.pk])).content.decode()
    assert 'id="webinar-badge"' in page and "Mari Tamm" in page and 'id="webinar-registrants"' in page
    listed = admin_client.get(reverse("meetings:lesson_list")).content.decode()
    assert "webinar-badge" in listed


def test_reschedule_repeat_and_cancel_go_to_zoom_s_webinar_endpoints(school, panelist):
    webinar = meeting_schedule(plan=webinar_plan(school))
    meeting_push(meeting_id=webinar.pk)
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])

    later = webinar.start_at + dt.timedelta(days=1)
    meeting_reschedule(
        meeting=webinar,
        plan=webinar_plan(
            school,
            panelist,
            start=later,
            # The weekday in the webinar's own timezone (after 22:00 UTC Tallinn is a day ahead).
            recurrence=WeeklyRecurrence(
                weekdays=(later.astimezone(zoneinfo.ZoneInfo(TALLINN)).weekday(),), count=3
            ),
            registration=Meeting.Registration.AUTOMATIC,
        ),
    )
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    zoom = in_zoom(school, webinar)
    assert zoom["type"] == 9 and len(zoom["occurrences"]) == 3
    assert zoom["settings"]["approval_type"] == 0
    assert [p["email"] for p in zoom["panelists"]] == ["mari@school.example"]
    school.deliver_and_process(["webinar.updated"])  # our own change coming back: nothing moves
    webinar.refresh_from_db()
    assert webinar.start_at == later and webinar.push_state == Meeting.PushState.SYNCED

    meeting_cancel(meeting=webinar)
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    assert school.control.webinars() == []
    school.deliver_and_process(["webinar.deleted"])
    webinar.refresh_from_db()
    assert webinar.status == Meeting.Status.CANCELED


def test_a_webinar_deleted_in_zoom_is_cancelled_here(school):
    webinar = meeting_schedule(plan=webinar_plan(school))
    meeting_push(meeting_id=webinar.pk)
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])
    school.control.clear_calls()
    token_school_api_delete(school, webinar.zoom_meeting_id)
    school.deliver_and_process(["webinar.deleted"])
    webinar.refresh_from_db()
    assert webinar.status == Meeting.Status.CANCELED


def token_school_api_delete(school, webinar_id: int) -> None:
    """Someone deletes the webinar in Zoom (through Zoom's API, with the school's own app)."""
    import requests

    token = requests.post(
        f"{school.zoom.oauth_url}/token",
        params={"grant_type": "account_credentials", "account_id": school.credential.account_id},
        auth=(school.credential.client_id, school.credential.client_secret),
        timeout=10,
    ).json()["access_token"]
    answer = requests.delete(
        f"{school.zoom.api_url}/webinars/{webinar_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 204


def test_a_host_without_the_webinar_licence_is_refused_before_anything_is_sent(school):
    webinar = meeting_schedule(plan=webinar_plan(school, host=school.host(school.TEACHER)))
    result = meeting_push(meeting_id=webinar.pk)
    assert result.outcome == "failed"
    webinar.refresh_from_db()
    assert webinar.push_state == Meeting.PushState.FAILED
    assert "no Zoom webinar licence" in webinar.push_error and "anna@school.example" in webinar.push_error
    assert webinar.push_next_attempt_at is None  # only a person can fix it
    calls = school.control.calls()
    assert calls.get("GET /v2/users/{userId}/settings") == 1
    assert "POST /v2/users/{userId}/webinars" not in calls
    assert school.control.webinars() == []


def test_zoom_s_own_licence_refusal_is_read_and_explained(school):
    """The app cannot read the host's settings, so Zoom's answer to the create decides."""
    app = next(a for a in school.control.state()["apps"] if a["client_id"] == school.credential.client_id)
    school.control.update_app(
        school.credential.client_id,
        scopes=[s for s in app["scopes"] if not s.startswith("user:read:settings")],
    )
    cache.clear()  # the next token carries the new grant (S2S tokens are shared through the cache)
    webinar = meeting_schedule(plan=webinar_plan(school, host=school.host(school.TEACHER)))
    assert meeting_push(meeting_id=webinar.pk).outcome == "failed"
    webinar.refresh_from_db()
    assert "no Zoom webinar licence" in webinar.push_error
    assert "Webinar plan is missing" in webinar.push_error  # Zoom's own words, kept
    assert school.control.calls().get("POST /v2/users/{userId}/webinars") == 1


def test_a_basic_user_cannot_be_chosen_to_host_a_webinar(school):
    host = school.host(school.TEACHER)
    host.user_type = 1
    host.save()
    with pytest.raises(Exception, match="no Zoom webinar licence"):
        meeting_schedule(plan=webinar_plan(school, host=host))


def test_registrants_arrive_by_event_and_are_approved_or_denied_from_zoomhub(school, admin_client):
    webinar = meeting_schedule(plan=webinar_plan(school))
    meeting_push(meeting_id=webinar.pk)
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])
    school.control.register_for_webinar(
        webinar.zoom_meeting_id, email="parent@example.com", first_name="Liis", last_name="Kuusk"
    )
    school.control.register_for_webinar(webinar.zoom_meeting_id, email="spam@example.com", first_name="Spam")
    school.deliver_and_process(["webinar.registration_created", "webinar.registration_created"])
    parent = WebinarRegistrant.objects.get(email="parent@example.com")
    spam = WebinarRegistrant.objects.get(email="spam@example.com")
    assert (parent.status, spam.status, parent.webinar) == ("pending", "pending", webinar)

    detail = reverse("meetings:lesson_detail", args=[webinar.pk])
    assert f'id="approve-registrant-{parent.pk}"' in admin_client.get(detail).content.decode()
    approve = reverse("meetings:webinar_registrant_approve", args=[parent.pk])
    assert admin_client.post(approve).status_code == 302
    deny = reverse("meetings:webinar_registrant_deny", args=[spam.pk])
    assert admin_client.post(deny).status_code == 302

    in_zoom_now = {r["email"]: r for r in in_zoom(school, webinar)["registrants"]}
    assert in_zoom_now["parent@example.com"]["status"] == "approved"
    assert in_zoom_now["spam@example.com"]["status"] == "denied"
    parent.refresh_from_db()
    assert parent.status == "approved" and parent.join_url == in_zoom_now["parent@example.com"]["join_url"]
    assert parent.decided_at is not None
    # Zoom's events about our decisions change nothing more; a late "created" does not undo them.
    school.deliver_and_process(["webinar.registration_approved", "webinar.registration_denied"])
    parent.refresh_from_db()
    spam.refresh_from_db()
    assert (parent.status, spam.status) == ("approved", "denied")
    page = admin_client.get(detail).content.decode()
    assert f'id="registrant-{parent.pk}" data-status="approved"' in page

    # Denying the approved one again in Zoom works; an unknown registrant is a 404, never a 500.
    assert admin_client.post(reverse("meetings:webinar_registrant_deny", args=[999999])).status_code == 404


def test_registrants_can_be_read_from_zoom_on_demand(school, admin_client):
    webinar = meeting_schedule(plan=webinar_plan(school, registration=Meeting.Registration.AUTOMATIC))
    meeting_push(meeting_id=webinar.pk)
    webinar.refresh_from_db()
    school.control.register_for_webinar(
        webinar.zoom_meeting_id, email="guest@example.com", first_name="Guest"
    )
    admin_client.post(reverse("meetings:webinar_registrants_refresh", args=[webinar.pk]))
    guest = WebinarRegistrant.objects.get(email="guest@example.com")
    assert guest.status == "approved" and guest.join_url  # Zoom approved automatically
