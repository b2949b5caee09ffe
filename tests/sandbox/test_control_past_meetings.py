"""Seeding a held meeting's participant lists row for row: what the report and past-meeting APIs
answer, paging over the seeded rows, replacing a report, and bad specs refused."""

from urllib.parse import quote

import pytest

from sandbox.control_client import SandboxControlError
from tests.sandbox.conftest import fixture

UUID = "/Kq3L9aZT2y8vN0q//Ym1w=="
DOUBLE_ENCODED = quote(quote(UUID, safe=""), safe="")
HELD = {
    "host": "anna@school.example",
    "uuid": UUID,
    "meeting_id": 86431910364,
    "start_time": "2024-03-04T14:58:10Z",
    "end_time": "2024-03-04T16:01:30Z",
}


def test_the_seeded_rows_are_answered_exactly_waiting_room_rows_included(zoom, api):
    report = fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]
    past = fixture("past_meeting_participants__guest_without_email.json")["participants"]

    seeded = zoom.control.add_past_meeting(**HELD, report=report, participants=past)

    assert seeded == {"uuid": UUID, "meeting_id": 86431910364, "report_rows": 5, "participants_rows": 3}
    answer = api.get(f"/report/meetings/{DOUBLE_ENCODED}/participants").json()
    assert answer["participants"] == report
    assert "in_waiting_room" in [row["status"] for row in answer["participants"]]
    assert api.get(f"/past_meetings/{DOUBLE_ENCODED}/participants").json()["participants"] == past
    instances = api.get("/past_meetings/86431910364/instances").json()
    assert instances == {"meetings": [{"uuid": UUID, "start_time": "2024-03-04T14:58:10Z"}]}


def test_seeded_rows_are_paged_and_a_second_seed_replaces_the_report(zoom, api):
    report = fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]
    zoom.control.add_past_meeting(**HELD, report=report)
    zoom.control.settings(max_page_size=3)

    first = api.get(f"/report/meetings/{DOUBLE_ENCODED}/participants", params={"page_size": 300}).json()
    rest = api.get(
        f"/report/meetings/{DOUBLE_ENCODED}/participants",
        params={"page_size": 300, "next_page_token": first["next_page_token"]},
    ).json()
    assert first["participants"] + rest["participants"] == report
    assert (first["total_records"], rest["next_page_token"]) == (5, "")

    zoom.control.add_past_meeting(**HELD, report=report[:4])
    assert len(api.get(f"/report/meetings/{DOUBLE_ENCODED}/participants").json()["participants"]) == 4


def test_a_held_meeting_without_report_rows_has_no_report(zoom, api):
    zoom.control.add_past_meeting(**HELD)

    missing = api.get(f"/report/meetings/{DOUBLE_ENCODED}/participants")
    assert missing.status_code == 404 and missing.json()["code"] == 3001
    assert api.get(f"/past_meetings/{DOUBLE_ENCODED}/participants").json()["participants"] == []


@pytest.mark.parametrize(
    "bad",
    [
        {"host": "nobody@example.com"},
        {"uuid": ""},
        {"meeting_id": "86431910364"},
        {"start_time": "yesterday"},
        {"end_time": "2024-03-04T14:00:00Z"},  # before the start
        {"report": {"participants": []}},
        {"report": [{"name": "Ivan", "join_time": "2024-03-04T15:00:00Z", "duration": 60}]},
        {
            "report": [
                {"name": "Ivan", "join_time": "x", "leave_time": "2024-03-04T15:01:00Z", "duration": 60}
            ]
        },
        {
            "participants": [
                {
                    "name": "Ivan",
                    "join_time": "2024-03-04T15:00:00Z",
                    "leave_time": "2024-03-04T15:01:00Z",
                    "duration": -1,
                }
            ]
        },
        {
            "report": [
                {
                    "name": "Ivan",
                    "join_time": "2024-03-04T15:00:00Z",
                    "leave_time": "2024-03-04T15:01:00Z",
                    "duration": 60,
                    "status": "left",
                }
            ]
        },
    ],
)
def test_bad_specs_are_refused_with_400_and_seed_nothing(zoom, api, bad):
    with pytest.raises(SandboxControlError) as refused:
        zoom.control.add_past_meeting(**{**HELD, **bad})

    assert refused.value.status == 400 and '"error"' in refused.value.body
    assert api.get("/past_meetings/86431910364/instances").status_code == 404
