"""manage.py move_recordings: local copies into a bucket, verified, resumable, with progress."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from recordings.models import RecordingFile
from recordings.services import moving
from recordings.services.transfer import recording_file_transfer
from tests.recordings.storage_fixtures import object_sha256

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def test_local_copies_move_into_the_bucket_verified_and_a_rerun_finishes_a_cut_move(
    sandbox_school, s3_destination, s3_server, monkeypatch
):
    source = sandbox_school.source
    source.download_files = True
    source.save()
    recordings = [sandbox_school.record_lesson(mp4_size=6 * MIB, topic=f"Lesson {n}") for n in range(2)]
    for recording in recordings:
        for file in recording.files.all():
            assert recording_file_transfer(file_id=file.pk).download_state == "done"
    local = {f.pk: (f.storage_name, f.sha256) for f in RecordingFile.objects.all()}
    assert all(default_storage.exists(name) for name, _ in local.values())

    # The first run is cut after two files (a lost connection to the bucket, say).
    real_move = moving.recording_file_move
    moved = []

    def cut_after_two(**kwargs):
        if len(moved) == 2:
            raise KeyboardInterrupt
        moved.append(kwargs["file"].pk)
        return real_move(**kwargs)

    monkeypatch.setattr("recordings.management.commands.move_recordings.recording_file_move", cut_after_two)
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("move_recordings", "--source", source.name, "--to", s3_destination.name, stdout=out)
    assert "4 files (13.2\xa0MB) to move" in out.getvalue()
    assert RecordingFile.objects.filter(destination=s3_destination).count() == 2
    monkeypatch.undo()

    out = io.StringIO()
    call_command("move_recordings", "--source", source.name, "--to", s3_destination.name, stdout=out)

    assert "2 files" in out.getvalue() and "100%" in out.getvalue()
    client = s3_server.client()
    for file in RecordingFile.objects.all():
        old_name, sha256 = local[file.pk]
        assert file.destination == s3_destination and file.storage_name.startswith("zoom/")
        assert file.sha256 == sha256 == object_sha256(client, s3_destination.bucket, file.storage_name)
        assert not default_storage.exists(old_name)
    source.refresh_from_db()
    assert source.destination == s3_destination
    again = io.StringIO()
    call_command("move_recordings", "--source", source.name, "--to", s3_destination.name, stdout=again)
    assert "0 files" in again.getvalue()


def test_a_copy_that_no_longer_matches_its_checksum_is_not_moved(sandbox_school, s3_destination, s3_server):
    source = sandbox_school.source
    source.download_files = True
    source.save()
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)
    video = recording_file_transfer(file_id=recording.files.get(file_type="MP4").pk)
    RecordingFile.objects.filter(pk=video.pk).update(sha256="0" * 64)  # the disk copy went bad
    RecordingFile.objects.exclude(pk=video.pk).delete()

    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("move_recordings", "--source", source.name, "--to", s3_destination.name, stderr=err)

    assert "SHA-256 differs" in err.getvalue()
    video.refresh_from_db()
    assert video.destination is None and default_storage.exists(video.storage_name)
    client = s3_server.client()
    assert client.list_objects_v2(Bucket=s3_destination.bucket).get("KeyCount") == 0
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []


def test_unknown_names_are_refused(sandbox_school):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No destination"):
        call_command("move_recordings", "--source", sandbox_school.source.name, "--to", "nowhere")
    with pytest.raises(CommandError, match="No source"):
        call_command("move_recordings", "--source", "nobody", "--to", "local")


def test_a_part_damaged_on_the_way_to_the_new_bucket_fails_the_move_and_leaves_no_upload(
    sandbox_school, s3_destination, s3_server
):
    from botocore.exceptions import ClientError

    from tests.recordings.test_transfer_s3 import damage_part, hooked_clients

    source = sandbox_school.source
    source.download_files = True
    source.save()
    recording = sandbox_school.record_lesson(mp4_size=12 * MIB)
    file = recording_file_transfer(file_id=recording.files.get(file_type="MP4").pk)
    old_name = file.storage_name

    with (
        hooked_clients(moving, "before-send.s3.UploadPart", damage_part(2)),
        pytest.raises(ClientError) as refused,
    ):
        moving.recording_file_move(file=file, to=s3_destination)

    assert refused.value.response["Error"]["Code"] == "BadDigest"
    file.refresh_from_db()
    assert file.destination is None and file.storage_name == old_name and default_storage.exists(old_name)
    client = s3_server.client()
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []
    assert client.list_objects_v2(Bucket=s3_destination.bucket).get("KeyCount") == 0
