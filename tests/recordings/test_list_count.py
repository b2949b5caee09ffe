"""The recordings list's pager without `COUNT(*)` over every recording (zoomhub/counts.py).

The unfiltered list takes its count from the cache; these tests commit for real (transaction=True)
so the sync's on-commit invalidation runs as it does in production.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recordings.models import Recording
from recordings.services.upsert import recordings_upsert

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = datetime(2024, 3, 1, 9, tzinfo=UTC)


def listed(uuids: range) -> list[dict]:
    """Zoom's list recordings items, as the sync and the recording.completed webhook store them."""
    return [
        {
            "uuid": f"count-{n}==",
            "id": 7000 + n,
            "topic": f"Lesson {n}",
            "start_time": (FIRST + timedelta(hours=n)).isoformat().replace("+00:00", "Z"),
            "duration": 45,
            "recording_files": [
                {"id": f"count-file-{n}", "file_type": "MP4", "file_size": 10, "status": "completed"}
            ],
        }
        for n in uuids
    ]


def get_list(client, query: str = "") -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/recordings/" + query)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def counts_recordings(queries: list[str]) -> bool:
    return any("COUNT(" in sql.upper() and "recordings_recording" in sql for sql in queries)


def rows(page: str) -> int:
    return page.count('id="recording-row-')


def test_the_count_is_right_after_a_sync_adds_recordings(staff_client, source):
    recordings_upsert(meetings=listed(range(30)), source=source)
    page, queries = get_list(staff_client)
    assert rows(page) == 30 and "Page 1 of" not in page
    page, queries = get_list(staff_client)
    assert rows(page) == 30
    assert not counts_recordings(queries), "the second page view counted the recordings again"

    recordings_upsert(meetings=listed(range(30, 70)), source=source)  # the next sync finds 40 more
    page, queries = get_list(staff_client)
    assert "Page 1 of 2" in page and rows(page) == 50
    assert 'href="?page=2"' in page
    second, _ = get_list(staff_client, "?page=2")
    assert "Page 2 of 2" in second and rows(second) == 20
    assert 'href="?page=1"' in second

    # A re-listing of recordings already stored adds nothing and keeps the cached count.
    recordings_upsert(meetings=listed(range(60, 70)), source=source)
    _, queries = get_list(staff_client)
    assert not counts_recordings(queries)

    # Removed through the ORM (the admin): the pager follows.
    Recording.objects.filter(uuid__in=[f"count-{n}==" for n in range(25)]).delete()
    page, _ = get_list(staff_client)
    assert rows(page) == 45 and "Page 1 of" not in page


def test_the_unfiltered_list_runs_the_same_queries_at_two_sizes_and_no_count(staff_client, source):
    recordings_upsert(meetings=listed(range(3)), source=source)
    get_list(staff_client)  # the count is cached
    page, few = get_list(staff_client)
    assert rows(page) == 3
    recordings_upsert(meetings=listed(range(3, 120)), source=source)
    get_list(staff_client)
    page, more = get_list(staff_client)
    assert rows(page) == 50 and "Page 1 of 3" in page
    assert len(more) == len(few)
    assert not counts_recordings(few) and not counts_recordings(more)


def test_a_filtered_list_counts_exactly(staff_client, source):
    recordings_upsert(meetings=listed(range(60)), source=source)
    get_list(staff_client)  # the whole table's count is cached; a filter must not use it
    page, queries = get_list(staff_client, "?q=Lesson%205")  # Lesson 5 and Lessons 50 to 59
    assert rows(page) == 11 and "Page 1 of" not in page
    assert counts_recordings(queries)
    page, _ = get_list(staff_client, "?meeting_id=7005")
    assert rows(page) == 1
