"""The daily jobs against moto's S3 server: retention with legal hold, the multipart sweep, freeing Zoom's cloud."""

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from accounts.scopes import missing_scopes
from recordings import tasks
from recordings.models import Recording, RecordingFile, Source, ZoomCloudDeletion
from recordings.services import recording_set_legal_hold
from recordings.services.freeing import recordings_free_zoom_cloud
from recordings.services.retention import multipart_uploads_sweep
from recordings.services.transfer import recording_file_transfer

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
TRASH_CALL = "DELETE /v2/meetings/{meetingId}/recordings"


def use(source, destination, **values):
    source.destination = destination
    source.download_files = True
    for name, value in values.items():
        setattr(source, name, value)
    source.save()


def exists(client, bucket, key) -> bool:
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        assert error.response["Error"]["Code"] in ("404", "NoSuchKey")
        return False
    return True


def store_all(recording):
    return [recording_file_transfer(file_id=f.pk) for f in recording.files.order_by("pk")]


def test_retention_deletes_old_copies_but_never_those_on_legal_hold(
    sandbox_school, s3_destination, s3_server
):
    s3_destination.retention_days = 30
    s3_destination.save()
    use(sandbox_school.source, s3_destination)
    kept = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Held")
    expiring = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Old")
    recent = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Recent")
    for recording in (kept, expiring, recent):
        store_all(recording)
    long_ago = timezone.now() - timedelta(days=31)
    RecordingFile.objects.filter(recording__in=[kept, expiring]).update(downloaded_at=long_ago)
    recording_set_legal_hold(recording=kept, hold=True)
    client = s3_server.client()
    keys = {f.pk: f.storage_name for f in RecordingFile.objects.all()}

    assert tasks.apply_retention() == 2  # the two files of the expired recording

    for file in RecordingFile.objects.all():
        held_or_recent = file.recording_id in (kept.pk, recent.pk)
        assert file.download_state == ("done" if held_or_recent else "expired")
        assert exists(client, s3_destination.bucket, keys[file.pk]) is held_or_recent

    recording_set_legal_hold(recording=kept, hold=False)
    assert tasks.apply_retention() == 2
    assert not exists(client, s3_destination.bucket, keys[kept.files.first().pk])


def test_a_sources_retention_wins_over_its_destinations(sandbox_school, s3_destination):
    s3_destination.retention_days = 0  # forever
    s3_destination.save()
    use(sandbox_school.source, s3_destination, retention_days=7)
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)
    store_all(recording)
    RecordingFile.objects.update(downloaded_at=timezone.now() - timedelta(days=8))

    assert tasks.apply_retention() == 2


def test_the_sweep_aborts_abandoned_uploads_and_spares_running_ones(
    sandbox_school, s3_destination, s3_server
):
    use(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)
    client = s3_server.client()
    bucket = s3_destination.bucket
    client.create_multipart_upload(Bucket=bucket, Key="zoom/lost/MP4.mp4")["UploadId"]
    outside_prefix = client.create_multipart_upload(Bucket=bucket, Key="other-app/file.bin")["UploadId"]
    running = client.create_multipart_upload(Bucket=bucket, Key="zoom/running/MP4.mp4")["UploadId"]
    RecordingFile.objects.filter(pk=recording.files.first().pk).update(
        download_state="downloading",
        destination=s3_destination,
        storage_name="zoom/running/MP4.mp4",
        upload_id=running,
        updated_at=timezone.now(),
    )

    assert multipart_uploads_sweep(older_than=timedelta(0)) == 1

    left = {u["UploadId"] for u in client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])}
    assert left == {running, outside_prefix}
    # Young uploads are left alone by the daily job's default age.
    assert tasks.sweep_multipart_uploads() == 0


def test_zoom_trash_is_called_only_after_every_file_is_verified(sandbox_school, s3_destination, staff_user):
    use(sandbox_school.source, s3_destination, free_zoom_cloud=Source.FreeZoomCloud.TRASH)
    recording = sandbox_school.record_lesson(mp4_size=6 * MIB)
    video, audio = recording.files.get(file_type="MP4"), recording.files.get(file_type="M4A")
    zoom = sandbox_school.zoom

    recording_file_transfer(file_id=video.pk)
    assert zoom.control.calls().get(TRASH_CALL, 0) == 0  # the audio is not stored yet
    assert recordings_free_zoom_cloud() == []
    assert zoom.control.calls().get(TRASH_CALL, 0) == 0

    recording_file_transfer(file_id=audio.pk)

    assert zoom.control.calls()[TRASH_CALL] == 1
    recording.refresh_from_db()
    assert recording.state == Recording.State.TRASHED
    assert zoom.sandbox.state.recordings[recording.uuid].trashed_at is not None
    audit = ZoomCloudDeletion.objects.get()
    assert audit.outcome == ZoomCloudDeletion.Outcome.TRASHED and audit.trigger == "transfer"
    assert audit.source == sandbox_school.source and "School" in audit.policy
    assert {f["zoom_file_id"] for f in audit.files} == {video.zoom_file_id, audio.zoom_file_id}
    assert all(len(f["sha256"]) == 64 and f["destination"] == s3_destination.name for f in audit.files)
    # Again: nothing more is sent to Zoom.
    assert recordings_free_zoom_cloud() == []
    assert zoom.control.calls()[TRASH_CALL] == 1


def test_a_recording_with_files_zoomhub_does_not_keep_is_never_trashed(sandbox_school, s3_destination):
    use(
        sandbox_school.source,
        s3_destination,
        free_zoom_cloud=Source.FreeZoomCloud.TRASH,
        recording_type=Source.RecordingType.MEDIA,  # video and audio only: the transcript stays in Zoom
    )
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB, transcript=True)
    assert recording.recording_count == 3 and recording.files.count() == 2

    store_all(recording)

    assert sandbox_school.zoom.control.calls().get(TRASH_CALL, 0) == 0
    assert not ZoomCloudDeletion.objects.exists()


def test_a_dry_run_lists_what_would_be_trashed_and_calls_nothing(sandbox_school, s3_destination):
    use(sandbox_school.source, s3_destination, free_zoom_cloud=Source.FreeZoomCloud.DRY_RUN)
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)

    store_all(recording)
    recordings_free_zoom_cloud()

    audit = ZoomCloudDeletion.objects.get()
    assert audit.outcome == ZoomCloudDeletion.Outcome.WOULD_TRASH and audit.recording == recording
    assert sandbox_school.zoom.control.calls().get(TRASH_CALL, 0) == 0
    recording.refresh_from_db()
    assert recording.state == Recording.State.AVAILABLE


def test_a_missing_delete_scope_is_named_in_the_audit_and_by_the_scope_check(sandbox_school, s3_destination):
    zoom = sandbox_school.zoom
    granted = [
        s for s in zoom.sandbox.state.apps["sbxStorageApp01"].scopes if ":delete:meeting_recording" not in s
    ]
    granted = [s for s in granted if not s.startswith("recording:write")]
    zoom.control.update_app("sbxStorageApp01", scopes=granted)
    use(sandbox_school.source, s3_destination, free_zoom_cloud=Source.FreeZoomCloud.TRASH)
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)

    store_all(recording)

    audit = ZoomCloudDeletion.objects.get()
    assert audit.outcome == ZoomCloudDeletion.Outcome.FAILED
    assert "cloud_recording:delete:meeting_recording:admin" in audit.error
    recording.refresh_from_db()
    assert recording.state == Recording.State.AVAILABLE
    kind = sandbox_school.source.credential.kind
    assert "cloud_recording:delete:meeting_recording:admin" in missing_scopes(
        granted=set(granted), kind=kind, capabilities=("deleting_recordings",)
    )
    assert "cloud_recording:delete:meeting_recording:admin" not in missing_scopes(
        granted={*granted, "recording:write:admin"}, kind=kind, capabilities=("deleting_recordings",)
    )
    assert "cloud_recording:delete:meeting_recording:admin" not in missing_scopes(
        granted=set(granted), kind=kind, capabilities=("recordings",)
    )


def test_the_command_lists_in_a_dry_run_and_trashes_without_one(sandbox_school, s3_destination):
    import io

    from django.core.management import call_command

    use(sandbox_school.source, s3_destination)  # freeing off while the files are stored
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Geometry")
    store_all(recording)
    Source.objects.filter(pk=sandbox_school.source.pk).update(free_zoom_cloud=Source.FreeZoomCloud.TRASH)
    calls = sandbox_school.zoom.control.calls

    listed = io.StringIO()
    call_command("free_zoom_cloud", "--source", "School", "--dry-run", stdout=listed)
    assert "Geometry" in listed.getvalue() and "1 recording would be moved" in listed.getvalue()
    assert calls().get(TRASH_CALL, 0) == 0

    done = io.StringIO()
    call_command("free_zoom_cloud", "--source", "School", stdout=done)
    assert "1 recording moved to Zoom's trash." in done.getvalue()
    assert calls()[TRASH_CALL] == 1
    assert list(ZoomCloudDeletion.objects.values_list("outcome", "trigger").order_by("id")) == [
        ("would_trash", "command"),
        ("trashed", "command"),
    ]


def test_the_credential_check_names_the_delete_scope_once_a_source_frees_zoom(sandbox_school):
    from accounts.services.checks import credential_check

    zoom = sandbox_school.zoom
    granted = [
        s
        for s in zoom.sandbox.state.apps["sbxStorageApp01"].scopes
        if ":delete:meeting_recording" not in s and not s.startswith("recording:write")
    ]
    zoom.control.update_app("sbxStorageApp01", scopes=granted)
    credential = sandbox_school.source.credential

    assert (
        "cloud_recording:delete:meeting_recording:admin"
        not in credential_check(credential=credential).missing_scopes
    )
    Source.objects.filter(pk=sandbox_school.source.pk).update(free_zoom_cloud=Source.FreeZoomCloud.DRY_RUN)
    result = credential_check(credential=credential)

    assert "cloud_recording:delete:meeting_recording:admin" in result.missing_scopes
    assert "free Zoom's cloud" in result.summary
