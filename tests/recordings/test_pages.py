"""The recordings pages as staff see them: sources, Sync now, live progress, lists, files."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from recordings.models import DEFAULT_PATH_TEMPLATE, Recording, RecordingFile, Source, SyncRun, SyncStep
from tests.recordings.conftest import S2S_SECRET

pytestmark = pytest.mark.django_db

PAGES = ["/recordings/", "/recordings/sources/", "/recordings/sources/new/"]


@pytest.mark.parametrize("url", PAGES)
def test_only_staff_see_the_pages(client, outsider, url):
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def source_post(credential, **values):
    data = {
        "name": "Company",
        "credential": credential.pk,
        "recording_type": "cloud",
        "user_id": "",
        "user_emails": "",
        "account_ids": "",
        "retention_days": "",
        "active": "on",
        "destination": "",
        "path_template": DEFAULT_PATH_TEMPLATE,
        "free_zoom_cloud": "off",
    }
    data.update(values)
    return data


def test_a_master_source_with_emails_is_created(staff_client, master_credential):
    response = staff_client.post(
        "/recordings/sources/new/",
        source_post(
            master_credential,
            is_master_account="on",
            user_emails="A@school.example\nb@school.example, a@school.example",
        ),
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.user_emails == ["a@school.example", "b@school.example"]
    assert source.variant == "user_emails"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"is_master_account": "on", "user_emails": "a@x.example", "account_ids": "SUBacct0001"}, "not both"),
        ({"is_master_account": "on"}, "needs user emails or sub-account IDs"),
        ({"user_emails": "a@x.example"}, "for master accounts only"),
        ({"is_master_account": "on", "user_emails": "not-an-email"}, "is not an email address"),
        ({"is_master_account": "on", "account_ids": "a b"}, "is not a Zoom account ID"),
        ({"is_master_account": "on", "user_emails": "a@x.example", "user_id": "u1"}, "not both"),
        ({"retention_days": "0"}, "at least 1 day"),
    ],
)
def test_each_rule_has_a_clear_message_and_saves_nothing(staff_client, master_credential, values, message):
    response = staff_client.post("/recordings/sources/new/", source_post(master_credential, **values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_a_master_source_needs_a_master_credential(staff_client, credential):
    response = staff_client.post(
        "/recordings/sources/new/", source_post(credential, is_master_account="on", user_emails="a@x.example")
    )
    assert "needs a master account" in response.content.decode()
    assert not Source.objects.exists()


def test_an_oauth_source_cannot_name_another_user(staff_client, oauth_credential):
    response = staff_client.post(
        "/recordings/sources/new/", source_post(oauth_credential, user_id="someone@x.example")
    )
    assert "sees only its own user" in response.content.decode()


def test_the_service_applies_the_same_rules(master_credential):
    from django.core.exceptions import ValidationError

    from recordings.services import source_create

    with pytest.raises(ValidationError) as error:
        source_create(
            name="x",
            credential=master_credential,
            is_master_account=True,
            user_emails=["a@x.example"],
            account_ids=["SUBacct0001"],
        )
    assert "not both" in str(error.value)
    assert not Source.objects.exists()


def test_editing_shows_the_lists_one_per_line(staff_client, master_credential):
    source = Source.objects.create(
        name="m",
        credential=master_credential,
        is_master_account=True,
        account_ids=["SUBacct0001", "SUBacct0002"],
    )
    page = staff_client.get(f"/recordings/sources/{source.pk}/").content.decode()
    assert "SUBacct0001\nSUBacct0002" in page


def test_sync_now_queues_a_run_from_the_given_date(staff_client, source, django_capture_on_commit_callbacks):
    with (
        mock.patch("recordings.tasks.sync_run_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post(f"/recordings/sources/{source.pk}/sync/", {"from_date": "2024-01-15"})
    run = SyncRun.objects.get()
    assert response.status_code == 302 and response.url == f"/recordings/runs/{run.pk}/"
    # Today as the staff member's request sees it: the school's day (Tallinn's starts at 22:00 UTC).
    school_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.SCHOOL_TIMEZONE))
    assert run.from_date == date(2024, 1, 15) and run.to_date == school_today
    delay.assert_called_once_with(run_id=run.pk)

    # A second click while it runs goes to the running one.
    with mock.patch("recordings.tasks.sync_run_task.delay") as delay:
        again = staff_client.post(f"/recordings/sources/{source.pk}/sync/", {})
    assert again.url == f"/recordings/runs/{run.pk}/"
    assert SyncRun.objects.count() == 1 and not delay.called


def test_sync_now_refuses_impossible_dates(staff_client, source):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(f"/recordings/sources/{source.pk}/sync/", {"to_date": future}, follow=True)
    assert "cannot be in the future" in response.content.decode()
    response = staff_client.post(
        f"/recordings/sources/{source.pk}/sync/",
        {"from_date": "2024-05-01", "to_date": "2024-04-01"},
        follow=True,
    )
    assert "must not be after" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_the_progress_fragment_polls_until_the_run_finishes(staff_client, source):
    run = SyncRun.objects.create(
        source=source,
        from_date=date(2024, 1, 1),
        to_date=date(2024, 1, 31),
        state=SyncRun.State.RUNNING,
        steps_total=8,
        steps_done=2,
    )
    fragment = staff_client.get(f"/recordings/runs/{run.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'aria-valuenow="25"' in fragment

    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.PARTIAL, steps_done=8)
    SyncStep.objects.create(
        run=run,
        target="gone@school.example",
        window_from=run.from_date,
        window_to=run.to_date,
        state="skipped",
        error="HTTP 404, Zoom code 1001: User does not exist",
    )
    fragment = staff_client.get(f"/recordings/runs/{run.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment
    assert "gone@school.example" in fragment and "User does not exist" in fragment


def make_recordings(source, count):
    for n in range(count):
        recording = Recording.objects.create(
            uuid=f"u{source.pk}-{n}",
            zoom_meeting_id=1000 + n,
            source=source,
            topic=f"Algebra {n}" if n % 2 else f"Physics {n}",
            host_email=f"host{n % 3}@school.example",
            start_time=datetime(2024, 3, 1, 9, tzinfo=UTC) + timedelta(days=n),
        )
        RecordingFile.objects.create(
            recording=recording, zoom_file_id=f"f{source.pk}-{n}-a", file_type="MP4", file_size=10
        )
        RecordingFile.objects.create(
            recording=recording, zoom_file_id=f"f{source.pk}-{n}-b", file_type="CHAT", file_size=1
        )


def test_the_recording_list_runs_a_fixed_number_of_queries(
    staff_client, source, django_assert_max_num_queries
):
    make_recordings(source, 3)
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/recordings/")
    make_recordings(Source.objects.create(name="other", credential=source.credential), 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get("/recordings/")
    assert response.content.decode().count('id="recording-row-') == 48


def test_the_recording_list_never_groups_or_joins_every_recording(staff_client, source):
    """At 50,000 recordings a GROUP BY over recordings x files cost ~0.3 s a page: counting and
    paging work on bare recordings, and only the page's own rows are loaded with their files."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_recordings(source, 3)
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get("/recordings/?file_type=MP4&date_from=2024-03-01")
    assert response.content.decode().count('id="recording-row-') == 3
    recording_queries = [q["sql"] for q in captured.captured_queries if "recordings_recording" in q["sql"]]
    assert recording_queries
    assert not [sql for sql in recording_queries if "GROUP BY" in sql]
    assert not [sql for sql in recording_queries if "JOIN" in sql and "recordings_recordingfile" in sql]
    # Date bounds compare start_time itself, so its index serves them (no cast of every row).
    assert not [sql for sql in recording_queries if "::date" in sql or "AT TIME ZONE" in sql]


def test_each_row_shows_its_files_and_the_size_kept_here(staff_client, source):
    make_recordings(source, 2)
    RecordingFile.objects.filter(zoom_file_id=f"f{source.pk}-0-a").update(
        download_state=RecordingFile.Download.DONE, file_size=5 * 1024 * 1024
    )
    page = staff_client.get("/recordings/").content.decode()
    first = Recording.objects.get(uuid=f"u{source.pk}-0")
    row = page.split(f'id="recording-row-{first.pk}"')[1].split("</tr>")[0]
    assert "<td>2<br>" in row and "Video (local)" in row and "Chat" in row
    assert "stored 5.0\xa0MB" in row
    other = page.split(f'id="recording-row-{first.pk + 1}"')[1].split("</tr>")[0]
    assert "local" not in other


def test_the_file_type_filter_offers_each_stored_type_once(staff_client, source):
    make_recordings(source, 4)
    RecordingFile.objects.create(recording=Recording.objects.first(), zoom_file_id="no-type", file_type="")
    page = staff_client.get("/recordings/").content.decode()
    select = page.split('name="file_type"')[1].split("</select>")[0]
    assert [line.split('value="')[1].split('"')[0] for line in select.split("<option")[1:]] == [
        "",
        "CHAT",
        "MP4",
    ]


def test_the_recording_list_filters(staff_client, source):
    make_recordings(source, 10)

    def rows(query):
        return staff_client.get("/recordings/?" + query).content.decode().count('id="recording-row-')

    assert rows("q=algebra") == 5
    assert rows("host=host1@") == 3
    assert rows("date_from=2024-03-03&date_to=2024-03-05") == 3
    assert rows("file_type=CHAT") == 10
    assert rows("meeting_id=1004") == 1
    assert rows("lesson=linked") == 0
    assert rows(f"source={source.pk}") == 10
    assert staff_client.get("/recordings/?date_from=nonsense").status_code == 200


def test_a_local_copy_is_served_through_zoomhub(staff_client, source):
    make_recordings(source, 1)
    file = RecordingFile.objects.get(file_type="MP4")
    name = default_storage.save("recordings/test/a.mp4", ContentFile(b"video-bytes"))
    RecordingFile.objects.filter(pk=file.pk).update(download_state="done", storage_name=name)

    detail = staff_client.get(f"/recordings/{file.recording_id}/").content.decode()
    assert f"/recordings/files/{file.pk}/" in detail
    response = staff_client.get(f"/recordings/files/{file.pk}/?download=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"video-bytes"
    assert "attachment" in response["Content-Disposition"]


def test_no_secret_appears_on_any_page_or_in_the_logs(
    staff_client, admin_client, source, school_zoom, caplog
):
    caplog.set_level("DEBUG")
    school_zoom.add_user("t@school.example")
    from recordings.services import sync_run_create, sync_run_execute

    run = sync_run_execute(
        run_id=sync_run_create(source=source, from_date=date(2024, 1, 1), to_date=date(2024, 1, 9)).pk
    )
    tokens = school_zoom.issued_tokens
    assert tokens
    urls = [
        "/recordings/sources/",
        f"/recordings/sources/{source.pk}/",
        f"/recordings/runs/{run.pk}/",
        "/recordings/",
    ]
    admin_urls = [
        f"/admin/recordings/source/{source.pk}/change/",
        f"/admin/recordings/syncrun/{run.pk}/change/",
    ]
    for client, pages in ((staff_client, urls), (admin_client, admin_urls)):
        for url in pages:
            body = client.get(url).content.decode()
            assert S2S_SECRET not in body, url
            assert not any(token in body for token in tokens), url
    assert S2S_SECRET not in caplog.text and not any(token in caplog.text for token in tokens)
