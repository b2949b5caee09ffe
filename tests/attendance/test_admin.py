"""The admin: sessions filtered by status and override; segments are what Zoom said, read-only."""

import pytest
from django.urls import reverse

from attendance.models import Segment, Session
from tests.attendance.test_pages import make_sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(host, people):
    made = make_sessions(host, people["anna"], [people["ivan"]], 3)
    Session.objects.filter(pk=made[0].pk).update(
        override_status="no_show", override_reason="camera off", status="no_show"
    )
    Segment.objects.create(
        session=made[1],
        source="report",
        join_at=made[1].scheduled_start,
        identity="16779264",
        participant_key="email:ivan.petrov@gmail.com|ivan petrov",
        name="Ivan Petrov",
        email="ivan.petrov@gmail.com",
    )
    return made


def test_sessions_are_filtered_by_status_and_by_override(admin_client, sessions):
    url = reverse("admin:attendance_session_changelist")
    assert admin_client.get(url).context["cl"].result_count == 3
    assert admin_client.get(url, {"status__exact": "no_show"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"overridden": "yes"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"overridden": "no"}).context["cl"].result_count == 2
    page = admin_client.get(
        reverse("admin:attendance_session_change", args=[sessions[1].pk])
    ).content.decode()
    assert "Ivan Petrov" in page  # the segment inline


def test_segments_are_read_only(admin_client, sessions):
    segment = Segment.objects.get()
    assert admin_client.get(reverse("admin:attendance_segment_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:attendance_segment_change", args=[segment.pk]))
    assert change.status_code == 200 and 'name="name"' not in change.content.decode()
    assert (
        admin_client.post(
            reverse("admin:attendance_segment_change", args=[segment.pk]), {"name": "x"}
        ).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:attendance_segment_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:attendance_segment_delete", args=[segment.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Segment.objects.get().name == "Ivan Petrov"
