"""Classic scopes open the endpoints as Zoom still honours them; the page-size cap gives several pages."""

from tests.sandbox.conftest import S2S_ID, Api, s2s_grant


def _held_meeting(zoom, people: int) -> int:
    meeting = zoom.control.play_lesson(
        host="annaUser01",
        speed=0,
        recording=False,
        participants=[
            {"name": f"Guest {n}", "email": f"guest{n}@example.com", "guest": True, "segments": [[1, 50]]}
            for n in range(people)
        ],
    )
    return meeting["meeting_id"]


def test_an_app_with_classic_scopes_reads_past_participants_and_one_without_is_told_the_granular_ones(zoom):
    meeting_id = _held_meeting(zoom, 1)
    zoom.control.update_app(S2S_ID, scopes=["meeting:read:admin", "user:read:admin"])
    classic = Api(zoom, s2s_grant(zoom).json()["access_token"])

    assert classic.get(f"/past_meetings/{meeting_id}/participants").status_code == 200
    assert classic.get("/users").status_code == 200

    zoom.control.update_app(S2S_ID, scopes=["user:read:user:admin"])
    bare = Api(zoom, s2s_grant(zoom).json()["access_token"])
    refused = bare.get(f"/past_meetings/{meeting_id}/participants")
    assert refused.status_code == 400 and refused.json()["code"] == 4711
    assert "meeting:read:list_past_participants:admin" in refused.json()["message"]
    assert "meeting:read:admin" not in refused.json()["message"]


def test_the_page_size_cap_splits_a_list_into_pages_that_follow_each_other(zoom, api):
    meeting_id = _held_meeting(zoom, 4)  # the host and four guests
    zoom.control.settings(max_page_size=2)

    first = api.get(f"/past_meetings/{meeting_id}/participants", params={"page_size": 300}).json()
    assert (first["page_size"], first["total_records"], len(first["participants"])) == (2, 5, 2)
    names = [p["name"] for p in first["participants"]]
    token = first["next_page_token"]
    while token:
        page = api.get(
            f"/past_meetings/{meeting_id}/participants", params={"page_size": 300, "next_page_token": token}
        ).json()
        names += [p["name"] for p in page["participants"]]
        token = page["next_page_token"]
    assert sorted(names) == ["Anna Teacher", "Guest 0", "Guest 1", "Guest 2", "Guest 3"]
