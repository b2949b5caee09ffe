"""Control operations tests use instead of hand-written fakes: recordings at exact times, granted
tokens, meetings changed behind the client's back, faults with Zoom's own body, holds."""

import hashlib
import threading

import pytest
import requests

from sandbox import storage
from sandbox.control_client import SandboxControlError
from tests.sandbox.conftest import ACCOUNT, OAUTH_ID, Api


def test_a_recording_seeded_at_an_exact_time_is_listed_and_downloadable(zoom, api):
    [seeded] = zoom.control.add_recordings(
        [
            {
                "host": "anna@school.example",
                "start_time": "2024-03-05T09:30:00Z",
                "duration": 45,
                "file_types": ["MP4", "CHAT"],
                "sizes": {"MP4": 70_000},
            }
        ]
    )
    listed = api.get("/users/annaUser01/recordings", params={"from": "2024-03-01", "to": "2024-03-31"}).json()
    [meeting] = listed["meetings"]
    assert (meeting["uuid"], meeting["start_time"], meeting["duration"]) == (
        seeded["uuid"],
        "2024-03-05T09:30:00Z",
        45,
    )
    assert [f["file_type"] for f in meeting["recording_files"]] == ["MP4", "CHAT"]
    mp4 = seeded["files"][0]
    assert mp4["file_size"] == 70_000

    # The event's download token works as ?access_token=, and the bytes follow from the file's seed.
    answer = requests.get(mp4["download_url"], params={"access_token": seeded["download_token"]}, timeout=5)
    assert answer.status_code == 200
    assert (
        hashlib.sha256(answer.content).digest()
        == hashlib.sha256(storage.content(mp4["seed"], 0, 70_000)).digest()
    )
    ranged = requests.get(
        mp4["download_url"],
        headers={"Authorization": f"Bearer {api.token}", "Range": "bytes=69000-"},
        timeout=5,
    )
    assert ranged.status_code == 206 and ranged.content == storage.content(mp4["seed"], 69_000, 1000)
    log = {e["route"]: e for e in zoom.control.requests()}
    storage_entry = [e for e in zoom.control.requests() if e["route"] == "GET /storage/{fileId}"][-1]
    assert storage_entry["range"] == "bytes=69000-"
    first_download = next(e for e in zoom.control.requests() if e["route"] == "GET /rec/download/{fileId}")
    assert (first_download["auth"], first_download["token_kind"]) == ("query", "download")
    assert log["GET /v2/users/{userId}/recordings"]["account_id"] == ACCOUNT

    zoom.control.delete_recording(seeded["uuid"])
    listed = api.get("/users/annaUser01/recordings", params={"from": "2024-03-01", "to": "2024-03-31"}).json()
    assert listed["meetings"] == []


def test_bad_recording_specs_are_refused_and_add_nothing(zoom):
    good = {"host": "anna@school.example", "start_time": "2024-03-05T09:30:00Z"}
    for bad in (
        {"host": "nobody@example.com", "start_time": "2024-03-05T09:30:00Z"},
        {**good, "file_types": ["MOV"]},
        {**good, "duration": 0},
        {**good, "start_time": "yesterday"},
    ):
        with pytest.raises(SandboxControlError) as refused:
            zoom.control.add_recordings([good, bad])  # all or none
        assert refused.value.status == 400
    assert zoom.control.state()["recordings"] == 0


def test_a_granted_token_works_and_sees_only_its_user(zoom):
    zoom.control.grant_token(
        client_id=OAUTH_ID, user_id="annaUser01", access_token="anna-token-1", refresh_token="r1"
    )
    api = Api(zoom, "anna-token-1")
    assert api.get("/users/me").json()["id"] == "annaUser01"
    assert api.get("/users/ownerUser01").json()["code"] == 200  # another user: no permission
    with pytest.raises(SandboxControlError):
        zoom.control.grant_token(client_id=OAUTH_ID, user_id="annaUser01", access_token="anna-token-1")


def test_meetings_are_listed_and_deleted_behind_the_clients_back(zoom, api):
    made = api("POST", "/users/annaUser01/meetings", json={"topic": "Algebra", "type": 2}).json()
    assert [m["id"] for m in zoom.control.meetings()] == [made["id"]]
    zoom.control.delete_meeting(made["id"])
    gone = api.get(f"/meetings/{made['id']}")
    assert gone.status_code == 404 and gone.json()["code"] == 3001


def test_a_status_fault_carries_zooms_own_body_and_can_skip_and_repeat(zoom, api):
    body = {"code": 1010, "message": "User does not belong to this account: anna@school.example."}
    zoom.control.add_fault(
        path="/v2/users/anna@school.example/recordings", status=400, body=body, count=None, skip=1
    )
    path = "/users/anna@school.example/recordings"
    assert api.get(path).status_code == 200  # skipped
    for _ in range(3):
        answer = api.get(path)
        assert (answer.status_code, answer.json()) == (400, body)
    assert api.get("/users/annaUser01/recordings").status_code == 200  # another path


def test_a_hold_stops_a_request_until_the_test_releases_it(zoom, api):
    hold = zoom.control.add_fault(path="/v2/users/*/meetings", method="POST", kind="hold")
    answers = []
    client = threading.Thread(
        target=lambda: answers.append(api("POST", "/users/annaUser01/meetings", json={"topic": "Held"}))
    )
    client.start()
    assert zoom.control.wait_for_hold(hold["id"], timeout=10)
    assert zoom.control.meetings() == [] and not answers  # nothing made yet: it waits before handling
    assert zoom.control.release_hold(hold["id"]) == {"released": True, "finished": True}
    client.join(timeout=10)
    assert answers[0].status_code == 201
    assert [m["topic"] for m in zoom.control.meetings()] == ["Held"]


def test_a_hold_nobody_reached_says_so(zoom):
    hold = zoom.control.add_fault(path="/v2/users", kind="hold")
    assert zoom.control.wait_for_hold(hold["id"], timeout=0) is False
    with pytest.raises(SandboxControlError):
        zoom.control.wait_for_hold(9999, timeout=0)


def test_a_tighter_range_cut_is_applied_silently(zoom, api):
    zoom.control.settings(recording_range_days=15)
    listed = api.get("/users/annaUser01/recordings", params={"from": "2024-03-01", "to": "2024-03-20"}).json()
    assert (listed["from"], listed["to"]) == ("2024-03-05", "2024-03-20")
