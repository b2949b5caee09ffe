import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _lesson(host, *, days, push_state=Meeting.PushState.SYNCED):
    return Meeting.objects.create(
        host=host,
        topic="Lesson",
        start_at=timezone.now() + dt.timedelta(days=days),
        duration=60,
        push_state=push_state,
    )


@pytest.fixture
def host(db):
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER, name="School", account_id="acc-12345", client_id="cli-12345"
    )
    Credential.objects.create(
        kind=Credential.Kind.OAUTH, name="t@school.example", status=Credential.Status.RECONNECT_NEEDED
    )
    return ZoomUser.objects.create(credential=credential, zoom_id="u1", email="host@school.example")


def test_dashboard_counts_what_needs_attention(staff_client, host):
    _lesson(host, days=1)
    _lesson(host, days=2, push_state=Meeting.PushState.FAILED)
    _lesson(host, days=30)
    response = staff_client.get("/")
    cards = {card.label: card for card in response.context["dashboard_cards"]}
    assert cards["Zoom accounts connected"].value == 2
    assert cards["Zoom accounts needing attention"].value == 1
    assert cards["Lessons in the next 7 days"].value == 2
    assert cards["Lessons Zoom refused"].value == 1
    assert cards["Lessons Zoom refused"].attention
    assert cards["Recordings"].value == 0
    assert "Attendance to review" not in cards  # only shown when there is something to do


def test_dashboard_queries_do_not_grow_with_rows(staff_client, host, django_assert_max_num_queries):
    for days in range(1, 4):
        _lesson(host, days=days)
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/")
    for days in range(4, 40):
        _lesson(host, days=days)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get("/")
