"""The control API: call counts, the request log, reset, validation, seeding."""

import pytest
import requests

from sandbox.control_client import SandboxControlError
from sandbox.demo import OAUTH_CLIENT_SECRET, S2S_CLIENT_ID, S2S_CLIENT_SECRET, SCHOOL_ACCOUNT_ID
from tests.sandbox.conftest import S2S_SECRET, Api, s2s_grant


def test_calls_are_counted_per_endpoint_and_the_log_hides_tokens(zoom, api):
    api.get("/users/me")
    api.get("/users/anna@school.example")
    api.get("/users")
    url = f"{zoom.url}/rec/download/00000000-0000-0000-0000-000000000000"
    requests.get(url, params={"access_token": api.token}, timeout=5)
    calls = zoom.control.calls()
    assert calls["POST /oauth/token"] == 1
    assert calls["GET /v2/users/{userId}"] == 2
    assert calls["GET /v2/users"] == 1
    assert calls["GET /rec/download/{fileId}"] == 1
    log = zoom.control.requests()
    assert [entry["status"] for entry in log] == [200, 200, 200, 200, 404]
    assert api.token not in str(log)
    assert S2S_SECRET not in str(log)
    assert log[-1]["query"] == {"access_token": "***"}
    zoom.control.clear_calls()
    assert zoom.control.calls() == {}


def test_bad_control_input_is_a_400_and_changes_nothing(zoom):
    before = zoom.control.state()
    for call in (
        lambda: zoom.control.add_user(account_id="nope", email="x@example.com"),
        lambda: zoom.control.add_account(id="x", plan="platinum"),
        lambda: zoom.control.settings(token_lifetime=-5),
        lambda: zoom.control.settings(token_lifetime=60, no_such_knob=1),
        lambda: zoom.control.add_fault(path="no-slash"),
        lambda: zoom.control.play_lesson(
            host="anna@school.example", participants=[{"name": "x", "segments": [[50, 10]]}]
        ),
        lambda: zoom.control.seed_history(account_id="schoolAcct01", users=0),
        lambda: zoom.control.play_lesson(host="anna@school.example", recording=5),
        lambda: zoom.control.play_lesson(host="anna@school.example", recording={"mp4_size": "big"}),
    ):
        with pytest.raises(SandboxControlError) as raised:
            call()
        assert raised.value.status == 400
        assert "error" in raised.value.body
    assert zoom.control.state() == before
    broken = requests.post(f"{zoom.url}/_sandbox/accounts", data=b"{not json", timeout=5)
    assert broken.status_code == 400


def test_state_lists_apps_without_their_secrets(zoom):
    state = zoom.control.state()
    assert {app["client_id"] for app in state["apps"]} == {"s2sClientId01", "oauthClientId01"}
    assert S2S_SECRET not in str(state)
    assert "s2s-webhook-secret" not in str(state)


def test_reset_forgets_everything_and_can_seed_the_demo(zoom, api):
    zoom.control.add_fault(path="/v2/*", status=500, count=5)
    zoom.control.reset(seed="demo")
    assert zoom.control.call("GET", "/faults") == []
    assert api.get("/users/me").status_code == 401  # the old token is gone with the old world
    demo = Api(
        zoom,
        s2s_grant(
            zoom, account_id=SCHOOL_ACCOUNT_ID, client_id=S2S_CLIENT_ID, client_secret=S2S_CLIENT_SECRET
        ).json()["access_token"],
    )
    users = demo.get("/users").json()
    assert "anna@school.example" in [u["email"] for u in users["users"]]
    state = zoom.control.state()
    assert OAUTH_CLIENT_SECRET not in str(state)
    assert state["instances"] == 1 and state["recordings"] == 1


def test_seeded_history_of_fifty_users_over_two_years_is_complete(zoom):
    zoom.control.clock(now="2030-06-30T12:00:00Z", freeze=True)
    zoom.control.settings(rate_limits=False)
    seeded = zoom.control.seed_history(
        account_id="schoolAcct01", users=50, months=24, per_month=10, end="2030-06-30"
    )
    assert seeded["recordings"] == 12_000
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    total = 0
    for email in (seeded["emails"][0], seeded["emails"][49]):
        for month in ("2028-07", "2029-02", "2030-06"):
            body = api.get(
                f"/users/{email}/recordings", params={"from": f"{month}-01", "to": f"{month}-28"}
            ).json()
            total += body["total_records"]
            first = body["meetings"][0]
            again = api.get(
                f"/meetings/{requests.utils.quote(requests.utils.quote(first['uuid'], safe=''), safe='')}/recordings"
            )
            assert again.status_code == 200
            assert again.json()["recording_files"] == first["recording_files"]
    # Days 1, 4, 7 ... 28 of each month: ten recordings, all within the first 28 days.
    assert total == 2 * 3 * 10
    before = api.get(
        f"/users/{seeded['emails'][0]}/recordings", params={"from": "2028-06-01", "to": "2028-06-28"}
    ).json()
    assert before["total_records"] == 0  # 24 months back from June 2030 begins in July 2028
