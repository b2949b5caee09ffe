"""Zoom's user events keep the account's Zoom users current at once, and a deactivated host's
future lessons are flagged on the dashboard. Every event comes from the sandbox (an admin acting in
Zoom), signed, through the real intake."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ZoomUser
from meetings.models import Meeting
from tests.webhooks.live_school import ACCOUNT, LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


def test_a_user_added_in_zoom_is_a_host_at_once(school):
    school.control.add_user(
        id="newUser01", account_id=ACCOUNT, email="mart@school.example", first_name="Mart"
    )
    school.deliver_and_process(["user.created"])
    added = ZoomUser.objects.get(credential=school.credential, zoom_id="newUser01")
    assert (added.email, added.first_name, added.is_active, added.account_id) == (
        "mart@school.example",
        "Mart",
        True,
        ACCOUNT,
    )


def test_a_change_in_zoom_shows_at_once_and_only_the_changed_fields_move(school):
    school.control.change_user(school.TEACHER, last_name="Kask", email="anna.kask@school.example")
    school.deliver_and_process(["user.updated"])
    host = school.host()
    assert (host.first_name, host.last_name, host.email, host.timezone) == (
        "Anna",
        "Kask",
        "anna.kask@school.example",
        "Europe/Tallinn",
    )


def test_a_deactivated_host_s_future_lessons_are_flagged_on_the_dashboard(school, admin_client):
    host = school.host()
    upcoming = Meeting.objects.create(
        host=host,
        topic="Future lesson",
        start_at=timezone.now() + dt.timedelta(days=2),
        duration=60,
        push_state=Meeting.PushState.SYNCED,
    )
    Meeting.objects.create(
        host=host,
        topic="Held last week",
        start_at=timezone.now() - dt.timedelta(days=7),
        duration=60,
        status=Meeting.Status.ENDED,
        push_state=Meeting.PushState.SYNCED,
    )
    page = admin_client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-inactive-hosts"' not in page

    school.control.change_user(school.TEACHER, status="inactive")
    school.deliver_and_process(["user.deactivated"])

    host.refresh_from_db()
    assert (host.status, host.is_active) == ("inactive", False)
    page = admin_client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-inactive-hosts"' in page
    assert f'id="inactive-host-lesson-{upcoming.pk}"' in page
    assert "Held last week" not in page
    assert "Lessons whose Zoom host was deactivated" in page  # under "Needs a person"

    school.control.change_user(school.TEACHER, status="active")
    school.deliver_and_process(["user.activated"])
    host.refresh_from_db()
    assert (host.status, host.is_active) == ("active", True)
    assert 'id="dashboard-inactive-hosts"' not in admin_client.get(reverse("dashboard")).content.decode()


def test_a_user_deleted_in_zoom_is_kept_for_its_lessons_but_inactive(school):
    school.control.delete_user(school.TEACHER)
    school.deliver_and_process(["user.deleted"])
    host = school.host()
    assert (host.status, host.is_active) == ("deleted", False)
    assert host.status_label == "deleted"


def test_a_redelivered_or_unknown_user_event_changes_nothing_else(school):
    school.control.send_event(
        account_id=ACCOUNT, event="user.deactivated", payload={"object": {"id": "someoneElse", "email": ""}}
    )
    school.deliver_and_process(["user.deactivated"])
    assert set(ZoomUser.objects.values_list("is_active", flat=True)) == {True}
    assert not ZoomUser.objects.filter(zoom_id="someoneElse").exists()


def test_two_registrations_in_the_same_millisecond_are_two_events():
    from webhooks.events import fingerprint

    def registration(registrant_id: str) -> dict:
        return {
            "event": "webinar.registration_created",
            "event_ts": 1700000000000,
            "payload": {"account_id": ACCOUNT, "object": {"id": 9, "registrant": {"id": registrant_id}}},
        }

    assert fingerprint(registration("a")) != fingerprint(registration("b"))
    assert fingerprint(registration("a")) == fingerprint(registration("a"))
