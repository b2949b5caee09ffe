"""A webinar a host makes in Zoom itself becomes a webinar marked "made in Zoom", and a
registration cancelled in Zoom shows as cancelled. Zoom is the sandbox, called here with the
school's own app as a person in Zoom would act; its events come back through the real intake."""

import pytest
import requests

from meetings.models import Meeting, WebinarRegistrant
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


def zoom_api(school, method: str, path: str, **kwargs) -> requests.Response:
    """Zoom's API with the school's app, as someone working in Zoom (not ZoomHub) would use it."""
    token = requests.post(
        f"{school.zoom.oauth_url}/token",
        params={"grant_type": "account_credentials", "account_id": school.credential.account_id},
        auth=(school.credential.client_id, school.credential.client_secret),
        timeout=10,
    ).json()["access_token"]
    return requests.request(
        method,
        f"{school.zoom.api_url}{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        **kwargs,
    )


def test_a_webinar_made_in_zoom_becomes_a_webinar_marked_made_in_zoom(school):
    made = zoom_api(
        school,
        "POST",
        f"/users/{school.WEBINAR_HOST}/webinars",
        json={
            "topic": "Exam briefing (made in Zoom)",
            "type": 5,
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 45,
            "settings": {"approval_type": 1},
        },
    )
    assert made.status_code == 201
    school.deliver_and_process(["webinar.created"])
    webinar = Meeting.objects.get(zoom_meeting_id=made.json()["id"])
    assert (webinar.kind, webinar.made_in_zoom, webinar.registration, webinar.duration) == (
        "webinar",
        True,
        "manual",
        45,
    )
    assert webinar.host == school.host(school.WEBINAR_HOST)
    assert webinar.push_state == Meeting.PushState.SYNCED

    # Someone registers, then their registration is cancelled in Zoom.
    registered = school.control.register_for_webinar(
        webinar.zoom_meeting_id, email="dad@example.com", first_name="Peeter"
    )
    school.deliver_and_process(["webinar.registration_created"])
    assert WebinarRegistrant.objects.get().status == "pending"
    cancelled = zoom_api(
        school,
        "PUT",
        f"/webinars/{webinar.zoom_meeting_id}/registrants/status",
        json={"action": "cancel", "registrants": [{"id": registered["id"], "email": "dad@example.com"}]},
    )
    assert cancelled.status_code == 204
    school.deliver_and_process(["webinar.registration_cancelled"])
    assert WebinarRegistrant.objects.get().status == "cancelled"
