"""Recording lists follow Zoom's rules (the one-month cut, today by default, paging, trash);
downloads redirect to storage, which serves byte ranges of files of any size."""

from urllib.parse import quote

import pytest
import requests

from tests.sandbox.conftest import Api, assert_shape, fixture, s2s_grant


@pytest.fixture
def history(zoom):
    """One teacher with four recordings a month for a year, up to 30 June 2030 (clock frozen then)."""
    zoom.control.clock(now="2030-06-30T12:00:00Z", freeze=True)
    seeded = zoom.control.seed_history(
        account_id="schoolAcct01", users=1, months=12, per_month=4, end="2030-06-30"
    )
    return seeded["emails"][0]


@pytest.fixture
def api_now(zoom, history):
    return Api(zoom, s2s_grant(zoom).json()["access_token"])


def test_list_has_zoom_shape(api_now, history):
    body = api_now.get(
        f"/users/{history}/recordings", params={"from": "2030-06-01", "to": "2030-06-30"}
    ).json()
    assert_shape(body, fixture("list_recordings__zoom_docs.json"))
    assert body["total_records"] == 4
    starts = [m["start_time"] for m in body["meetings"]]
    assert starts == sorted(starts, reverse=True)  # newest first, as Zoom lists them


def test_a_range_longer_than_a_month_is_cut_to_the_month_ending_at_to(api_now, history):
    body = api_now.get(
        f"/users/{history}/recordings", params={"from": "2030-01-01", "to": "2030-06-15"}
    ).json()
    assert (body["from"], body["to"]) == ("2030-05-15", "2030-06-15")
    days = sorted(m["start_time"][:10] for m in body["meetings"])
    assert days == ["2030-05-16", "2030-05-24", "2030-06-01", "2030-06-08"]


def test_without_from_only_today_is_listed(zoom, history):
    zoom.control.clock(now="2030-06-08T20:00:00Z", freeze=True)
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    body = api.get(f"/users/{history}/recordings").json()
    assert (body["from"], body["to"]) == ("2030-06-08", "2030-06-08")
    assert [m["start_time"][:10] for m in body["meetings"]] == ["2030-06-08"]


def test_page_size_defaults_to_30_caps_at_300_and_tokens_reach_every_recording(zoom):
    zoom.control.clock(now="2030-06-30T12:00:00Z", freeze=True)
    zoom.control.settings(rate_limits=False)
    email = zoom.control.seed_history(
        account_id="schoolAcct01", users=1, months=1, per_month=400, end="2030-06-30"
    )["emails"][0]
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    window = {"from": "2030-06-01", "to": "2030-06-30"}
    assert len(api.get(f"/users/{email}/recordings", params=window).json()["meetings"]) == 30
    first = api.get(f"/users/{email}/recordings", params={**window, "page_size": 1000}).json()
    assert first["page_size"] == 300 and len(first["meetings"]) == 300
    uuids = [m["uuid"] for m in first["meetings"]]
    token = first["next_page_token"]
    while token:
        page = api.get(
            f"/users/{email}/recordings", params={**window, "page_size": 300, "next_page_token": token}
        ).json()
        uuids += [m["uuid"] for m in page["meetings"]]
        token = page["next_page_token"]
    assert len(uuids) == len(set(uuids)) == first["total_records"] == 400


def _lesson(zoom, **spec):
    spec.setdefault("host", "anna@school.example")
    spec.setdefault("start_time", "2030-06-30T09:00:00Z")
    return zoom.control.play_lesson(speed=0, duration_minutes=45, **spec)


def test_meeting_recordings_by_double_encoded_uuid(zoom, api_now):
    _lesson(zoom, uuid="/ajXp112QmuoKj4854875==")
    once = quote("/ajXp112QmuoKj4854875==", safe="")
    assert api_now.get(f"/meetings/{quote(once, safe='')}/recordings").status_code == 200
    single = api_now.get(f"/meetings/{once}/recordings")
    assert single.status_code == 404
    assert single.json() == {"code": 3301, "message": "This recording does not exist."}


def test_meeting_recordings_by_id_gives_the_latest_instance(zoom, api_now):
    first = _lesson(zoom)
    second = _lesson(zoom, meeting_id=first["meeting_id"], start_time="2030-06-30T11:00:00Z")
    body = api_now.get(f"/meetings/{first['meeting_id']}/recordings").json()
    assert body["uuid"] == second["uuid"] != first["uuid"]
    assert body["recording_count"] == 2


def test_download_redirects_to_storage_which_serves_ranges(zoom, api_now):
    played = _lesson(zoom, recording={"mp4_size": 1_000_000})
    meeting = api_now.get(f"/meetings/{quote(quote(played['uuid'], safe=''), safe='')}/recordings").json()
    mp4 = next(f for f in meeting["recording_files"] if f["file_type"] == "MP4")
    redirect = requests.get(
        mp4["download_url"],
        headers={"Authorization": f"Bearer {api_now.token}"},
        allow_redirects=False,
        timeout=5,
    )
    assert redirect.status_code == 302
    storage_url = redirect.headers["Location"]
    assert "/storage/" in storage_url
    whole = requests.get(storage_url, timeout=10)
    assert whole.status_code == 200
    assert len(whole.content) == mp4["file_size"] == 1_000_000
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = requests.get(storage_url, headers={"Range": "bytes=500000-"}, timeout=10)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == "bytes 500000-999999/1000000"
    assert part.content == whole.content[500000:]
    middle = requests.get(storage_url, headers={"Range": "bytes=70000-70009"}, timeout=5)
    assert middle.content == whole.content[70000:70010]
    suffix = requests.get(storage_url, headers={"Range": "bytes=-100"}, timeout=5)
    assert suffix.content == whole.content[-100:]
    beyond = requests.get(storage_url, headers={"Range": "bytes=1000000-"}, timeout=5)
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == "bytes */1000000"


def test_download_needs_a_token_and_accepts_the_webhook_download_token(zoom, api_now):
    played = _lesson(zoom)
    recording = api_now.get(f"/meetings/{played['meeting_id']}/recordings").json()
    url = recording["recording_files"][0]["download_url"]
    assert requests.get(url, allow_redirects=False, timeout=5).status_code == 401
    assert (
        requests.get(url, params={"access_token": "forged"}, allow_redirects=False, timeout=5).status_code
        == 401
    )
    completed = next(e for e in zoom.control.events() if e["event"] == "recording.completed")
    download_token = completed["body"]["download_token"]
    ok = requests.get(url, params={"access_token": download_token}, allow_redirects=False, timeout=5)
    assert ok.status_code == 302


def test_a_one_gigabyte_file_is_served_without_holding_it(zoom, api_now):
    size = 1 << 30
    played = _lesson(zoom, recording={"mp4_size": size})
    files = api_now.get(f"/meetings/{played['meeting_id']}/recordings").json()["recording_files"]
    mp4 = next(f for f in files if f["file_type"] == "MP4")
    assert mp4["file_size"] == size
    storage = requests.get(
        mp4["download_url"], params={"access_token": api_now.token}, allow_redirects=False, timeout=5
    )
    url = storage.headers["Location"]
    head = requests.head(url, timeout=5)
    assert head.headers["Content-Length"] == str(size)
    tail = requests.get(url, headers={"Range": f"bytes={size - 200}-"}, timeout=5)
    assert tail.status_code == 206 and len(tail.content) == 200
    last = requests.get(url, headers={"Range": f"bytes={size - 100}-{size - 1}"}, timeout=5)
    assert last.content == tail.content[100:]
    assert tail.content != requests.get(url, headers={"Range": "bytes=0-199"}, timeout=5).content


def test_trash_is_listed_only_with_trash_true_and_ignores_dates(zoom, api_now):
    kept = _lesson(zoom)
    trashed = _lesson(zoom, start_time="2030-06-30T10:00:00Z")
    zoom.control.trash(uuid=trashed["uuid"])
    listed = api_now.get(
        "/users/anna@school.example/recordings", params={"from": "2030-06-30", "to": "2030-06-30"}
    ).json()
    assert [m["uuid"] for m in listed["meetings"]] == [kept["uuid"]]
    trash = api_now.get(
        "/users/anna@school.example/recordings",
        params={"trash": "true", "from": "2029-01-01", "to": "2029-01-02"},
    ).json()
    assert [m["uuid"] for m in trash["meetings"]] == [trashed["uuid"]]
    gone = api_now.get(f"/meetings/{quote(quote(trashed['uuid'], safe=''), safe='')}/recordings")
    assert gone.status_code == 404
