"""A sync against a Zoom that behaves like Zoom: windows, pages, trash, types, failures, re-syncs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from recordings.models import Recording, RecordingFile, Source, SyncRun, SyncStep
from recordings.services import sync_run_create, sync_run_execute
from tests.recordings.school_zoom import one_month_before

pytestmark = pytest.mark.django_db


def run_sync(source, start, end):
    run = sync_run_create(source=source, from_date=start, to_date=end)
    return sync_run_execute(run_id=run.pk)


def test_every_requested_window_fits_in_a_month_and_nothing_is_lost(school_zoom, source):
    teacher = school_zoom.add_user("teacher@school.example")
    school_zoom.add_recordings(
        teacher, start=datetime(2024, 1, 3, 9, tzinfo=UTC), count=40, every=timedelta(days=9)
    )
    source.user_id = "teacher@school.example"
    source.save()

    run = run_sync(source, date(2024, 1, 1), date(2024, 12, 31))

    asked = [
        (date.fromisoformat(q["from"]), date.fromisoformat(q["to"])) for _, q, _ in school_zoom.list_requests
    ]
    assert len(asked) == 12
    for start, end in asked:
        assert start >= one_month_before(end), (start, end)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.recordings_created == 40 == Recording.objects.count()


def test_pages_are_followed_to_the_end_of_a_busy_window(school_zoom, source):
    teacher = school_zoom.add_user("busy@school.example")
    school_zoom.add_recordings(
        teacher,
        start=datetime(2024, 3, 1, 6, tzinfo=UTC),
        count=650,
        every=timedelta(minutes=50),
        with_chat=False,
    )
    source.user_id = teacher["email"]
    source.save()

    run = run_sync(source, date(2024, 3, 1), date(2024, 3, 28))

    page_tokens = [q.get("next_page_token", "") for _, q, _ in school_zoom.list_requests]
    # The first page is asked without a token, each next one with the token the last answer gave
    # (the sandbox refuses a token from another query or a made-up one).
    assert len(page_tokens) == 3 and page_tokens[0] == "" and all(page_tokens[1:])
    assert len(set(page_tokens)) == 3
    assert all(q["page_size"] == "300" for _, q, _ in school_zoom.list_requests)
    assert run.recordings_seen == 650 == Recording.objects.count()
    assert RecordingFile.objects.count() == 650 * 2


def test_a_window_zoom_cut_short_fails_loudly(school_zoom, source):
    teacher = school_zoom.add_user("teacher@school.example")
    school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 2, tzinfo=UTC), count=3, every=timedelta(days=1)
    )
    school_zoom.control.settings(recording_range_days=15)  # Zoom cuts 03-01..03-20 to 03-05..03-20
    source.user_id = teacher["email"]
    source.save()

    run = run_sync(source, date(2024, 3, 1), date(2024, 3, 20))

    step = run.steps.get()
    assert step.state == SyncStep.State.FAILED
    assert "2024-03-05" in step.error and "2024-03-01" in step.error
    assert run.state == SyncRun.State.FAILED


def test_recording_type_cloud_keeps_every_cloud_file_and_media_only_video_and_audio(school_zoom, credential):
    teacher = school_zoom.add_user("teacher@school.example")
    school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 2, tzinfo=UTC), count=1, every=timedelta(days=1)
    )
    media = Source.objects.create(
        name="media",
        credential=credential,
        user_id=teacher["email"],
        recording_type=Source.RecordingType.MEDIA,
    )
    run_sync(media, date(2024, 3, 1), date(2024, 3, 10))
    assert sorted(RecordingFile.objects.values_list("file_type", flat=True)) == ["M4A", "MP4"]

    # The default, as other recording services mean "cloud": every file of the cloud recording.
    cloud = Source.objects.create(name="cloud", credential=credential, user_id=teacher["email"])
    assert cloud.recording_type == Source.RecordingType.CLOUD
    run_sync(cloud, date(2024, 3, 1), date(2024, 3, 10))
    assert sorted(RecordingFile.objects.values_list("file_type", flat=True)) == [
        "CHAT",
        "M4A",
        "MP4",
        "TRANSCRIPT",
    ]


def test_the_trash_is_listed_only_when_asked_and_marked_not_dropped(school_zoom, source):
    teacher = school_zoom.add_user("teacher@school.example")
    kept = school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 5, tzinfo=UTC), count=2, every=timedelta(days=1)
    )
    binned = school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 8, tzinfo=UTC), count=1, every=timedelta(days=1)
    )
    source.user_id = teacher["email"]
    source.save()
    run_sync(source, date(2024, 3, 1), date(2024, 3, 20))
    assert not any(q.get("trash") == "true" for _, q, _ in school_zoom.list_requests)
    assert Recording.objects.filter(state=Recording.State.AVAILABLE).count() == 3

    # In Zoom, the third recording goes to the trash.
    school_zoom.control.trash(uuid=binned[0]["uuid"])
    source.include_trash = True
    source.save()
    run = run_sync(source, date(2024, 3, 1), date(2024, 3, 20))

    trash_calls = [q for _, q, _ in school_zoom.list_requests if q.get("trash") == "true"]
    assert trash_calls == [
        {"trash": "true", "trash_type": "meeting_recordings", "mc": "false", "page_size": "300"}
    ]
    trashed = Recording.objects.get(uuid=binned[0]["uuid"])
    assert trashed.state == Recording.State.TRASHED
    assert set(trashed.files.values_list("state", flat=True)) == {Recording.State.TRASHED}
    assert (
        Recording.objects.filter(uuid__in=[m["uuid"] for m in kept], state=Recording.State.AVAILABLE).count()
        == 2
    )
    assert run.state == SyncRun.State.SUCCEEDED


def test_a_recording_deleted_in_zoom_is_marked_deleted(school_zoom, source):
    teacher = school_zoom.add_user("teacher@school.example")
    made = school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 10, 12, tzinfo=UTC), count=2, every=timedelta(days=1)
    )
    source.user_id = teacher["email"]
    source.save()
    run_sync(source, date(2024, 3, 1), date(2024, 3, 20))
    school_zoom.control.delete_recording(made[1]["uuid"])

    run_sync(source, date(2024, 3, 1), date(2024, 3, 20))

    assert Recording.objects.get(uuid=made[1]["uuid"]).state == Recording.State.DELETED
    assert Recording.objects.get(uuid=made[0]["uuid"]).state == Recording.State.AVAILABLE


def test_a_second_sync_creates_and_changes_nothing(school_zoom, source):
    for n in range(3):
        user = school_zoom.add_user(f"t{n}@school.example")
        school_zoom.add_recordings(
            user, start=datetime(2024, 1, 5, tzinfo=UTC), count=10, every=timedelta(days=6)
        )
    first = run_sync(source, date(2024, 1, 1), date(2024, 3, 31))
    assert first.recordings_created == 30
    files = RecordingFile.objects.count()

    second = run_sync(source, date(2024, 1, 1), date(2024, 3, 31))

    assert (second.recordings_seen, second.recordings_created, second.recordings_updated) == (30, 0, 0)
    assert Recording.objects.count() == 30 and RecordingFile.objects.count() == files
    assert second.state == SyncRun.State.SUCCEEDED


def test_a_plain_account_syncs_its_active_users(school_zoom, source):
    a = school_zoom.add_user("a@school.example")
    b = school_zoom.add_user("b@school.example")
    school_zoom.add_user("gone@school.example", status="inactive")
    school_zoom.add_user("elsewhere@other.example", account_id="OTHERacct9")
    school_zoom.add_recordings(a, start=datetime(2024, 2, 2, tzinfo=UTC), count=2, every=timedelta(days=1))
    school_zoom.add_recordings(b, start=datetime(2024, 2, 2, tzinfo=UTC), count=3, every=timedelta(days=1))

    run = run_sync(source, date(2024, 2, 1), date(2024, 2, 20))

    assert sorted(seg for seg, _, _ in school_zoom.list_requests) == ["a@school.example", "b@school.example"]
    assert run.recordings_created == 5
    assert run.api_calls == 3  # one users page, one list call per user


def test_a_missing_user_is_skipped_and_reported_and_the_rest_go_on(
    school_zoom, master_credential, staff_client
):
    ok = school_zoom.add_user("ok@school.example", account_id="SUBacct0001")
    school_zoom.add_user("basic@school.example", account_id="SUBacct0001")
    school_zoom.fail_user_recordings(
        "basic@school.example",
        status=400,
        body={"code": 1010, "message": "User does not belong to this account: basic@school.example."},
    )
    school_zoom.add_recordings(
        ok,
        start=datetime(2024, 2, 2, tzinfo=UTC),
        count=4,
        every=timedelta(days=1),
    )
    source = Source.objects.create(
        name="master",
        credential=master_credential,
        is_master_account=True,
        user_emails=["ok@school.example", "left@school.example", "basic@school.example"],
    )

    run = run_sync(source, date(2024, 2, 1), date(2024, 2, 20))

    assert run.state == SyncRun.State.PARTIAL
    assert run.recordings_created == 4
    skipped = {s.target: s.error for s in run.steps.filter(state=SyncStep.State.SKIPPED)}
    assert set(skipped) == {"left@school.example", "basic@school.example"}
    assert "1001" in skipped["left@school.example"]
    page = staff_client.get(f"/recordings/runs/{run.pk}/").content.decode()
    assert "left@school.example" in page and "User does not exist" in page


def test_the_user_emails_variant_uses_one_master_token(school_zoom, master_credential):
    for n in range(6):
        user = school_zoom.add_user(f"user{n}@school.example", account_id=f"SUBacct000{n % 2}")
        school_zoom.add_recordings(
            user, start=datetime(2024, 1, 10, tzinfo=UTC), count=2, every=timedelta(days=20)
        )
    source = Source.objects.create(
        name="emails",
        credential=master_credential,
        is_master_account=True,
        user_emails=[f"user{n}@school.example" for n in range(6)],
    )

    run = run_sync(source, date(2024, 1, 1), date(2024, 2, 29))

    assert school_zoom.token_requests == {"MASTERacct1": 1}
    assert {account for _, _, account in school_zoom.list_requests} == {"MASTERacct1"}
    assert len(school_zoom.list_requests) == 6 * 2  # users x monthly windows, one page each
    assert run.recordings_created == 12


def test_an_unusable_credential_fails_the_run_with_a_clear_message(school_zoom, source, credential):
    credential.status = credential.Status.RECONNECT_NEEDED
    credential.save()

    run = run_sync(source, date(2024, 1, 1), date(2024, 1, 10))

    assert run.state == SyncRun.State.FAILED
    assert "School Zoom" in run.error and "reconnect" in run.error.lower()
    assert school_zoom.list_requests == []


def test_an_oauth_connection_lists_me(school_zoom, oauth_credential):
    oauth_credential.token_expires_at = timezone.now() + timedelta(hours=1)
    oauth_credential.save()
    teacher = school_zoom.add_user("teacher@school.example", user_id="oauthuser1")
    school_zoom.grant(
        teacher, access_token="oauth-access-token-value-123", refresh_token="oauth-refresh-token-value-456"
    )
    school_zoom.add_recordings(
        teacher, start=datetime(2024, 3, 2, tzinfo=UTC), count=3, every=timedelta(days=2)
    )
    source = Source.objects.create(name="mine", credential=oauth_credential)

    run = run_sync(source, date(2024, 3, 1), date(2024, 3, 20))

    assert [seg for seg, _, _ in school_zoom.list_requests] == ["me"]
    assert school_zoom.user_list_requests == 0
    assert run.recordings_created == 3 and run.state == SyncRun.State.SUCCEEDED
