"""Rate-limit headers and 429s per account and plan; scripted faults and latency."""

import pytest
import requests

from tests.sandbox.conftest import Api, fixture, s2s_grant


@pytest.fixture
def frozen_api(zoom):
    """A frozen clock keeps every call in the same one-second window."""
    zoom.control.clock(freeze=True)
    return Api(zoom, s2s_grant(zoom).json()["access_token"])


def test_answers_carry_rate_limit_headers(frozen_api):
    first = frozen_api.get("/users")  # Medium: 20/s on Pro
    assert first.headers["X-RateLimit-Category"] == "Medium"
    assert first.headers["X-RateLimit-Type"] == "QPS"
    assert first.headers["X-RateLimit-Limit"] == "20"
    assert first.headers["X-RateLimit-Remaining"] == "19"
    assert frozen_api.get("/users").headers["X-RateLimit-Remaining"] == "18"
    light = frozen_api.get("/users/me")
    assert (light.headers["X-RateLimit-Category"], light.headers["X-RateLimit-Limit"]) == ("Light", "30")


def test_per_second_limit_answers_429_with_retry_after_and_recovers(zoom, frozen_api):
    for _ in range(20):
        assert frozen_api.get("/users").status_code == 200
    limited = frozen_api.get("/users")
    assert limited.status_code == 429
    assert limited.json() == fixture("error__per_second_limit.json")
    assert limited.headers["Retry-After"] == "1"
    assert limited.headers["X-RateLimit-Type"] == "QPS"
    assert frozen_api.get("/users/me").status_code == 200  # another category has its own budget
    zoom.control.clock(advance_seconds=1)
    assert frozen_api.get("/users").status_code == 200


def test_the_budget_is_per_account_and_per_plan(zoom, frozen_api):
    for _ in range(20):
        frozen_api.get("/users")
    sub_api = Api(zoom, s2s_grant(zoom, account_id="branchAcct01").json()["access_token"])
    assert sub_api.get("/users").status_code == 200  # the sub-account spends its own budget
    zoom.control.add_account(id="freeAcct01", plan="free")
    zoom.control.add_user(account_id="freeAcct01", email="free@example.com")
    zoom.control.add_app(
        client_id="freeApp01", client_secret="free-secret-0123456789", account_id="freeAcct01"
    )
    free = Api(
        zoom,
        s2s_grant(
            zoom, account_id="freeAcct01", client_id="freeApp01", client_secret="free-secret-0123456789"
        ).json()["access_token"],
    )
    first = free.get("/users")
    assert (first.headers["X-RateLimit-Type"], first.headers["X-RateLimit-Limit"]) == ("Daily-limit", "2000")
    assert free.get("/users").status_code == 200
    assert free.get("/users").status_code == 429  # Free: Medium is 2 a second


def test_a_daily_limit_answers_with_a_date_in_retry_after(zoom):
    zoom.control.add_account(id="freeAcct01", plan="free")
    zoom.control.add_user(account_id="freeAcct01", email="free@example.com")
    zoom.control.add_app(
        client_id="freeApp01", client_secret="free-secret-0123456789", account_id="freeAcct01"
    )
    zoom.control.clock(now="2030-05-30T10:00:00Z", freeze=True)
    api = Api(
        zoom,
        s2s_grant(
            zoom, account_id="freeAcct01", client_id="freeApp01", client_secret="free-secret-0123456789"
        ).json()["access_token"],
    )
    meeting = api("POST", "/users/me/meetings", json={"topic": "x", "type": 2}).json()
    for n in range(1000):  # Heavy on Free: 1 a second, 1,000 a day
        if n:
            zoom.control.clock(advance_seconds=1)
        # Refused (no report API on Free), but each call still spends the budget.
        assert api.get(f"/report/meetings/{meeting['id']}/participants").status_code == 400
    zoom.control.clock(advance_seconds=1)
    limited = api.get(f"/report/meetings/{meeting['id']}/participants")
    assert limited.status_code == 429
    assert limited.headers["X-RateLimit-Type"] == "Daily-limit"
    assert limited.headers["Retry-After"] == "2030-05-31T00:00:00Z"
    assert limited.json()["message"].startswith("You have reached the maximum daily rate limit")


def test_scripted_status_faults_fire_count_times_on_matching_paths(zoom, api):
    zoom.control.add_fault(path="/v2/users/*", method="GET", status=502, count=2)
    assert api.get("/users/me").status_code == 502
    assert api.get("/users").status_code == 200  # the glob does not match /v2/users
    assert api.get("/users/me").status_code == 502
    assert api.get("/users/me").status_code == 200
    assert zoom.control.call("GET", "/faults") == []


def test_a_fault_after_handling_loses_the_answer_but_keeps_the_write(zoom, api):
    zoom.control.add_fault(path="/v2/users/*/meetings", method="POST", status=500, when="after")
    lost = api("POST", "/users/me/meetings", json={"topic": "Lost answer", "type": 2})
    assert lost.status_code == 500
    listed = api.get("/users/me/meetings").json()
    assert [m["topic"] for m in listed["meetings"]] == ["Lost answer"]


def test_probability_faults(zoom, api):
    zoom.control.add_fault(path="/v2/users/me", probability=1.0, status=503)
    assert [api.get("/users/me").status_code for _ in range(3)] == [503, 503, 503]
    zoom.control.clear_faults()
    zoom.control.add_fault(path="/v2/users/me", probability=0.0, status=503)
    assert api.get("/users/me").status_code == 200


def test_timeout_fault_answers_after_the_clients_timeout(zoom, api):
    zoom.control.add_fault(
        path="/v2/users/*/meetings", method="POST", kind="timeout", seconds=1.0, when="after"
    )
    with pytest.raises(requests.ReadTimeout):
        requests.post(
            f"{zoom.api_url}/users/me/meetings",
            json={"topic": "Slow", "type": 2},
            headers={"Authorization": f"Bearer {api.token}"},
            timeout=(2, 0.2),
        )
    # Zoom created the meeting; only the answer came too late.
    listed = api.get("/users/me/meetings").json()["meetings"]
    assert [m["topic"] for m in listed] == ["Slow"]


def test_hang_and_reset_faults_break_the_connection(zoom, api):
    zoom.control.add_fault(path="/v2/users/me", kind="hang", seconds=0.1)
    with pytest.raises(requests.ConnectionError):
        api.get("/users/me")
    zoom.control.add_fault(path="/v2/users/me", kind="reset")
    with pytest.raises(requests.ConnectionError):
        api.get("/users/me")
    assert api.get("/users/me").status_code == 200


def test_truncate_fault_cuts_a_download(zoom, api):
    played = zoom.control.play_lesson(host="anna@school.example", speed=0, recording={"mp4_size": 300_000})
    files = api.get(f"/meetings/{played['meeting_id']}/recordings").json()["recording_files"]
    location = requests.get(
        files[0]["download_url"], params={"access_token": api.token}, allow_redirects=False, timeout=5
    ).headers["Location"]
    zoom.control.add_fault(path="/storage/*", kind="truncate", after_bytes=1000)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(location, timeout=5).content  # noqa: B018 - reading the body raises
    resumed = requests.get(location, headers={"Range": "bytes=1000-"}, timeout=5)
    assert resumed.status_code == 206 and len(resumed.content) == 299_000


def test_latency_slows_matching_paths(zoom, api):
    zoom.control.latency(ms=0, rules=[{"path": "/v2/users/me", "ms": 300}])
    with pytest.raises(requests.ReadTimeout):
        requests.get(
            f"{zoom.api_url}/users/me", headers={"Authorization": f"Bearer {api.token}"}, timeout=(2, 0.1)
        )
    assert api.get("/users").status_code == 200
