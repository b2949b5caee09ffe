"""Users, sub-accounts and meetings answer with Zoom's shapes, codes and error bodies."""

from tests.sandbox.conftest import SUB_ACCOUNT, Api, assert_shape, fixture, s2s_grant
from zoomhub.zoom.limits import DAILY_MEETING_LIMIT_MESSAGE


def test_users_are_paged_with_next_page_token(zoom, api):
    for n in range(5):
        zoom.control.add_user(account_id="schoolAcct01", email=f"t{n}@school.example")
    first = api.get("/users", params={"page_size": 3})
    assert first.status_code == 200
    body = first.json()
    assert_shape(body, fixture("users__page_1.json"))
    assert (body["page_size"], body["total_records"], body["page_count"]) == (3, 7, 3)
    seen = [u["email"] for u in body["users"]]
    token = body["next_page_token"]
    while token:
        page = api.get("/users", params={"page_size": 3, "next_page_token": token}).json()
        seen += [u["email"] for u in page["users"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) == 7


def test_a_made_up_page_token_is_refused(api):
    response = api.get("/users", params={"next_page_token": "made-up"})
    assert response.status_code == 400
    assert response.json()["code"] == 300


def test_user_by_id_email_and_me(api):
    by_email = api.get("/users/anna@school.example")
    assert by_email.status_code == 200
    assert_shape(by_email.json(), fixture("users_me__ok.json"))
    assert by_email.json()["id"] == "annaUser01"
    assert api.get("/users/annaUser01").json()["email"] == "anna@school.example"
    assert api.get("/users/me").json()["id"] == "ownerUser01"


def test_unknown_user_is_1001(api):
    response = api.get("/users/nobody@school.example")
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": "User does not exist: nobody@school.example."}


def test_master_reads_sub_account_users_by_email_and_lists_sub_accounts(zoom, api):
    assert api.get("/users/bea@branch.example").status_code == 200
    assert api.get("/users/tom@tutor.example").status_code == 404  # another account entirely
    accounts = api.get("/accounts").json()
    assert [a["id"] for a in accounts["accounts"]] == [SUB_ACCOUNT]
    sub_api = Api(zoom, s2s_grant(zoom, account_id=SUB_ACCOUNT).json()["access_token"])
    assert sub_api.get("/accounts").status_code == 400


def _create(api, **fields):
    body = {"topic": "English B1", "type": 2, "start_time": "2030-03-05T10:00:00Z", "duration": 60, **fields}
    return api("POST", "/users/anna@school.example/meetings", json=body)


def test_create_meeting_answers_201_with_zoom_shape(api):
    response = _create(api, agenda="Past simple", settings={"waiting_room": True, "auto_recording": "cloud"})
    assert response.status_code == 201
    meeting = response.json()
    assert_shape(meeting, fixture("meetings_create__scheduled.json"))
    assert isinstance(meeting["id"], int) and meeting["id"] > 10**9
    assert meeting["host_id"] == "annaUser01"
    assert meeting["host_email"] == "anna@school.example"
    assert meeting["start_time"] == "2030-03-05T10:00:00Z"
    assert meeting["timezone"] == "Europe/Tallinn"  # the host's, when none is given
    assert meeting["settings"]["waiting_room"] is True
    fetched = api.get(f"/meetings/{meeting['id']}").json()
    assert fetched["agenda"] == "Past simple"
    assert fetched["join_url"] == meeting["join_url"]


def test_local_start_time_with_timezone_is_stored_in_utc(api):
    meeting = _create(api, start_time="2030-07-01T12:00:00", timezone="Europe/Tallinn").json()
    assert meeting["start_time"] == "2030-07-01T09:00:00Z"


def test_recurring_meeting_lists_its_occurrences(api):
    meeting = _create(
        api,
        type=8,
        start_time="2030-03-04T16:00:00Z",
        recurrence={"type": 2, "weekly_days": "2,4", "end_times": 4},
    ).json()
    documented = fixture("meetings_get__recurring_weekly.json")
    assert_shape(meeting["occurrences"], documented["occurrences"])
    # Monday 4 March 2030 is the first day: Mondays (2) and Wednesdays (4).
    assert [o["start_time"] for o in meeting["occurrences"]] == [
        "2030-03-04T16:00:00Z",
        "2030-03-06T16:00:00Z",
        "2030-03-11T16:00:00Z",
        "2030-03-13T16:00:00Z",
    ]
    assert all(o["occurrence_id"].isdigit() for o in meeting["occurrences"])


def test_bad_input_is_validation_failed_and_creates_nothing(api):
    response = _create(api, start_time="next tuesday")
    assert response.status_code == 400
    assert response.json() == fixture("error__validation_failed.json")
    assert api.get("/users/anna@school.example/meetings").json()["total_records"] == 0


def test_patch_answers_204_and_keeps_the_join_url(api):
    meeting = _create(api).json()
    response = api(
        "PATCH", f"/meetings/{meeting['id']}", json={"start_time": "2030-03-06T11:00:00Z", "duration": 45}
    )
    assert response.status_code == 204
    assert response.content == b""
    fetched = api.get(f"/meetings/{meeting['id']}").json()
    assert (fetched["start_time"], fetched["duration"]) == ("2030-03-06T11:00:00Z", 45)
    assert fetched["join_url"] == meeting["join_url"]


def test_delete_answers_204_then_3001(api):
    meeting = _create(api).json()
    assert api("DELETE", f"/meetings/{meeting['id']}").status_code == 204
    again = api("DELETE", f"/meetings/{meeting['id']}")
    assert again.status_code == 404
    assert again.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting['id']}."}
    assert api.get(f"/meetings/{meeting['id']}").status_code == 404


def test_list_meetings_scheduled_and_upcoming_paged(zoom):
    zoom.control.clock(now="2030-03-10T00:00:00Z", freeze=True)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    past = _create(api, start_time="2030-03-01T10:00:00Z").json()
    future = [_create(api, start_time=f"2030-03-{day}T10:00:00Z").json() for day in (11, 12, 13)]
    scheduled = api.get(
        "/users/anna@school.example/meetings", params={"type": "scheduled", "page_size": 2}
    ).json()
    assert scheduled["total_records"] == 4
    assert len(scheduled["meetings"]) == 2 and scheduled["next_page_token"]
    rest = api.get(
        "/users/anna@school.example/meetings",
        params={"type": "scheduled", "page_size": 2, "next_page_token": scheduled["next_page_token"]},
    ).json()
    assert [m["id"] for m in scheduled["meetings"] + rest["meetings"]] == [past["id"]] + [
        m["id"] for m in future
    ]
    upcoming = api.get("/users/anna@school.example/meetings", params={"type": "upcoming"}).json()
    assert [m["id"] for m in upcoming["meetings"]] == [m["id"] for m in future]


def test_daily_meeting_cap_is_100_per_host_and_resets_at_midnight_utc(zoom):
    zoom.control.settings(rate_limits=False)
    zoom.control.clock(now="2030-03-10T23:00:00Z", freeze=True)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    meeting = _create(api).json()
    for _ in range(99):
        assert api("PATCH", f"/meetings/{meeting['id']}", json={"duration": 30}).status_code == 204
    capped = _create(api)
    assert capped.status_code == 429
    assert capped.json() == {"code": 429, "message": DAILY_MEETING_LIMIT_MESSAGE}
    assert capped.json() == fixture("error__daily_meeting_limit.json")
    assert "Retry-After" not in capped.headers
    assert not any(name.lower().startswith("x-ratelimit") for name in capped.headers)
    # Another host is not affected; the next UTC day the host may write again.
    other = api("POST", "/users/owner@school.example/meetings", json={"topic": "x", "type": 2})
    assert other.status_code == 201
    zoom.control.clock(advance_seconds=3600)  # 00:00 UTC; the hour-old token has expired too
    assert _create(Api(zoom, s2s_grant(zoom).json()["access_token"])).status_code == 201
