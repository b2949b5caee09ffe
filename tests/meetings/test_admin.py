"""Admins filter lessons, retry pushes and cancel lessons; the start link never shows in the admin."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, Person
from tests.meetings.conftest import tallinn

pytestmark = pytest.mark.django_db

START_URL = "https://example.com/s/1?zak=secret-host-key-in-admin"


@pytest.fixture
def lessons(host):
    failed = Meeting.objects.create(
        host=host,
        topic="Failed push",
        start_at=tallinn("2027-02-24", "10:00"),
        duration=60,
        push_state=Meeting.PushState.FAILED,
        push_error="Zoom answered: Invalid field.",
        start_url=START_URL,
    )
    synced = Meeting.objects.create(
        host=host,
        topic="Synced lesson",
        start_at=tallinn("2027-02-24", "12:00"),
        duration=60,
        push_state=Meeting.PushState.SYNCED,
        zoom_meeting_id=123456789,
        start_url=START_URL,
    )
    return failed, synced


def test_changelist_filters(admin_client, lessons):
    url = reverse("admin:meetings_meeting_changelist")
    page = admin_client.get(url).content.decode()
    assert "Failed push" in page and "Synced lesson" in page
    assert "Wednesday, 24 February 2027, 10:00 (Tallinn time)" in page
    filtered = admin_client.get(url + "?push_state__exact=failed").content.decode()
    assert "Failed push" in filtered and "Synced lesson" not in filtered
    for query in (
        "?status__exact=scheduled",
        f"?host__id__exact={lessons[0].host_id}",
        "?start_at__year=2027",
    ):
        assert admin_client.get(url + query).status_code == 200


def test_the_start_link_is_not_in_the_admin(admin_client, lessons):
    page = admin_client.get(reverse("admin:meetings_meeting_change", args=[lessons[1].pk])).content.decode()
    assert "Synced lesson" in page
    assert "secret-host-key-in-admin" not in page


def test_retry_push_action(admin_client, lessons, pushes, django_capture_on_commit_callbacks):
    failed, synced = lessons
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "retry_push", "_selected_action": [failed.pk, synced.pk]},
        )
    assert pushes == [failed.pk]
    assert Meeting.objects.get(pk=failed.pk).push_state == Meeting.PushState.PENDING
    assert Meeting.objects.get(pk=synced.pk).push_state == Meeting.PushState.SYNCED


def test_cancel_action(admin_client, lessons, pushes, django_capture_on_commit_callbacks):
    _failed, synced = lessons
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "cancel_lessons", "_selected_action": [synced.pk]},
        )
    synced.refresh_from_db()
    assert synced.status == Meeting.Status.CANCELED
    assert synced.push_state == Meeting.PushState.PENDING
    assert pushes == [synced.pk]


def test_people_admin(admin_client):
    Person.objects.create(name="Jaan Kask", email="jaan@example.com", other_emails=["jaan.kask@gmail.com"])
    url = reverse("admin:meetings_person_changelist")
    assert "Jaan Kask" in admin_client.get(url + "?q=gmail").content.decode()
    response = admin_client.post(
        reverse("admin:meetings_person_add"),
        {
            "name": "Mari Tamm",
            "email": "mari@school.example",
            "role": "teacher",
            "other_emails": "[]",
            "other_names": "[]",
            "language": "et",
            "time_zone": "Europe/Tallinn",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert Person.objects.filter(name="Mari Tamm", role="teacher").exists()
