"""Webhooks signed and delivered as Zoom does, redelivered on 5xx only; a lesson played on a
simulated clock, and the participants APIs that read what happened."""

import json
import time
from datetime import UTC, datetime

import pytest

from tests.sandbox.conftest import (
    OAUTH_ID,
    S2S_ID,
    Api,
    assert_shape,
    consent,
    exchange,
    fixture,
    pkce_pair,
    s2s_grant,
)
from tests.sandbox.receiver import receiving
from zoomhub.zoom.webhooks import verify_signature

SECRET = "s2s-webhook-secret"
LESSON = {
    "host": "anna@school.example",
    "topic": "English B1",
    "start_time": "2030-03-04T15:00:00Z",
    "duration_minutes": 60,
    "participants": [
        {
            "name": "Ivan Petrov",
            "email": "ivan@student.example",
            "guest": True,
            "segments": [[2, 20], [22, 58]],
        },
        {"name": "Olga Owner", "email": "owner@school.example", "segments": [[5, 50]]},
        {"name": "Ваня", "guest": True, "segments": [[30, 40]]},
    ],
}


@pytest.fixture
def receiver(zoom):
    with receiving(SECRET) as running:
        zoom.control.update_app(S2S_ID, webhook_urls=[running.url])
        yield running


def test_a_lesson_plays_fast_with_simulated_times_and_signed_events(zoom, receiver):
    started = time.monotonic()
    played = zoom.control.play_lesson(**LESSON, speed=3600, wait=True)
    assert played["finished"] is True
    assert time.monotonic() - started < 10  # 65 simulated minutes, about a second of real time
    # start, host join, 4 joins/leaves of Ivan, 2 of Olga, 2 of Ваня, host leave, end, recording
    assert zoom.control.deliveries(wait_for=13, timeout=10)
    bodies = receiver.bodies()
    assert [b["event"] for b in bodies] == [
        "meeting.started",
        "meeting.participant_joined",  # the host
        "meeting.participant_joined",  # Ivan, minute 2
        "meeting.participant_joined",  # Olga, minute 5
        "meeting.participant_left",  # Ivan, minute 20
        "meeting.participant_joined",  # Ivan again, minute 22
        "meeting.participant_joined",  # Ваня, minute 30
        "meeting.participant_left",  # Ваня, minute 40
        "meeting.participant_left",  # Olga, minute 50
        "meeting.participant_left",  # Ivan, minute 58
        "meeting.participant_left",  # the host, minute 60
        "meeting.ended",
        "recording.completed",
    ]
    assert bodies[2]["payload"]["object"]["participant"]["join_time"] == "2030-03-04T15:02:00Z"
    assert bodies[11]["event_ts"] == int(datetime(2030, 3, 4, 16, 0, tzinfo=UTC).timestamp() * 1000)
    for headers, raw in receiver.received:
        assert verify_signature(
            SECRET, headers["x-zm-request-timestamp"], raw, headers["x-zm-signature"], now=time.time()
        )
        assert headers["x-zm-request-id"]
        # Compact JSON with raw UTF-8, as Zoom's JSON.stringify sends it.
        assert raw == json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()
    assert_shape(bodies[0], fixture("meeting.started__scheduled.json"))
    assert_shape(bodies[2], fixture("meeting.participant_joined__guest.json"))
    assert_shape(bodies[10], fixture("meeting.participant_left__signed_in.json"))
    assert_shape(bodies[11], fixture("meeting.ended__scheduled.json"))
    assert_shape(bodies[12], fixture("recording.completed__two_files.json"))
    assert bodies[2]["payload"]["object"]["participant"]["id"] == ""  # guests' ids are hidden
    assert bodies[0]["payload"]["account_id"] == "schoolAcct01"


def test_participants_report_has_one_row_per_interval(zoom):
    played = zoom.control.play_lesson(**LESSON, speed=0)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    report = api.get(
        f"/report/meetings/{played['meeting_id']}/participants", params={"page_size": 300}
    ).json()
    assert_shape(report, fixture("report_meeting_participants__rejoin_and_guest.json"))
    ivan = [p for p in report["participants"] if p["name"] == "Ivan Petrov"]
    assert [(p["join_time"], p["leave_time"], p["duration"]) for p in ivan] == [
        ("2030-03-04T15:02:00Z", "2030-03-04T15:20:00Z", 1080),
        ("2030-03-04T15:22:00Z", "2030-03-04T15:58:00Z", 2160),
    ]
    assert all(p["id"] == "" and p["participant_user_id"] == "" for p in ivan)
    olga = next(p for p in report["participants"] if p["name"] == "Olga Owner")
    assert olga["id"] == "ownerUser01"
    assert report["total_records"] == 5
    paged = api.get(f"/report/meetings/{played['meeting_id']}/participants", params={"page_size": 3}).json()
    assert len(paged["participants"]) == 3 and paged["next_page_token"]
    past = api.get(f"/past_meetings/{played['uuid']}/participants").json()
    assert_shape(past, fixture("past_meeting_participants__guest_without_email.json"))
    assert past["total_records"] == 5
    instances = api.get(f"/past_meetings/{played['meeting_id']}/instances").json()
    assert instances == {"meetings": [{"uuid": played["uuid"], "start_time": "2030-03-04T15:00:00Z"}]}


def test_report_not_ready_for_a_while_and_not_allowed_per_app(zoom):
    zoom.control.settings(report_delay_seconds=600)
    played = zoom.control.play_lesson(**LESSON, speed=0)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    path = f"/report/meetings/{played['meeting_id']}/participants"
    not_ready = api.get(path)
    assert not_ready.status_code == 404
    assert not_ready.json()["code"] == 3001
    assert api.get(f"/past_meetings/{played['uuid']}/participants").status_code == 200  # the fallback works
    zoom.control.clock(advance_seconds=601)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    assert api.get(path).status_code == 200
    zoom.control.update_app(S2S_ID, report_allowed=False)
    refused = api.get(path)
    assert refused.status_code == 400
    assert refused.json()["code"] == 200


def test_failed_deliveries_are_retried_on_5xx_only(zoom):
    zoom.control.settings(webhook_retry_scale=0.001)  # 5/20/60 minutes become 0.3/1.2/3.6 seconds
    with receiving(SECRET, statuses=[500, 503, 200]) as flaky, receiving(SECRET, statuses=[401]) as refusing:
        zoom.control.update_app(S2S_ID, webhook_urls=[flaky.url, refusing.url])
        zoom.control.send_event(
            account_id="schoolAcct01", event="meeting.deleted", payload={"object": {"id": 1}}
        )
        attempts = zoom.control.deliveries(wait_for=4, timeout=15)
    to_flaky = [a for a in attempts if a["url"] == flaky.url]
    assert [(a["attempt"], a["status"], a["will_retry"]) for a in to_flaky] == [
        (1, 500, True),
        (2, 503, True),
        (3, 200, False),
    ]
    to_refusing = [a for a in attempts if a["url"] == refusing.url]
    assert [(a["status"], a["will_retry"]) for a in to_refusing] == [(401, False)]
    bodies = {body for _, body in flaky.received}
    assert len(bodies) == 1  # the same event, redelivered


def test_connection_failures_are_retried_three_times_then_dropped(zoom):
    zoom.control.settings(webhook_retry_scale=0.0001)
    with receiving(SECRET) as gone:
        url = gone.url
    zoom.control.update_app(S2S_ID, webhook_urls=[url])
    zoom.control.send_event(
        account_id="schoolAcct01", event="meeting.started", payload={"object": {"id": "1"}}
    )
    attempts = zoom.control.deliveries(wait_for=4, timeout=15)
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]
    assert all(a["status"] is None and a["error"] for a in attempts)
    assert attempts[-1]["will_retry"] is False


def test_endpoint_url_validation(zoom):
    with receiving(SECRET) as good, receiving("another-secret") as wrong_secret:
        zoom.control.update_app(S2S_ID, webhook_urls=[good.url, wrong_secret.url])
        results = zoom.control.validate_webhook(S2S_ID)["results"]
        assert results[good.url]["validated"] is True
        assert results[wrong_secret.url]["validated"] is False
        assert_shape(good.bodies()[0], fixture("endpoint.url_validation__zoom_docs.json"))


def test_deauthorization_revokes_tokens_and_tells_the_oauth_app(zoom):
    verifier, challenge = pkce_pair()
    tokens = exchange(zoom, consent(zoom, challenge=challenge)["code"], verifier=verifier).json()
    with receiving("oauth-webhook-secret") as oauth_endpoint:
        zoom.control.update_app(OAUTH_ID, webhook_urls=[oauth_endpoint.url])
        zoom.control.deauthorize(client_id=OAUTH_ID, user_id="annaUser01")
        zoom.control.deliveries(wait_for=1, timeout=10)
        body = oauth_endpoint.bodies()[0]
    assert_shape(body, fixture("app_deauthorized__user.json"))
    assert body["payload"]["user_id"] == "annaUser01"
    assert body["payload"]["client_id"] == OAUTH_ID
    assert Api(zoom, tokens["access_token"]).get("/users/me").status_code == 401


def test_meeting_changes_through_the_api_send_created_updated_and_deleted(zoom, receiver, api):
    meeting = api(
        "POST", "/users/me/meetings", json={"topic": "x", "type": 2, "start_time": "2030-01-01T10:00:00Z"}
    ).json()
    api("PATCH", f"/meetings/{meeting['id']}", json={"topic": "y"})
    api("DELETE", f"/meetings/{meeting['id']}")
    zoom.control.deliveries(wait_for=3, timeout=10)
    created, updated, deleted = receiver.bodies()
    assert created["event"] == "meeting.created"
    assert created["payload"]["object"]["id"] == meeting["id"]
    assert created["payload"]["object"]["join_url"] == meeting["join_url"]
    assert "start_url" not in str(created)
    assert updated["event"] == "meeting.updated"
    assert updated["payload"]["object"] == {"id": meeting["id"], "topic": "y"}
    assert updated["payload"]["old_object"] == {"id": meeting["id"], "topic": "x"}
    assert_shape(deleted, fixture("meeting.deleted__scheduled.json"))
    assert "start_url" not in str(updated)
