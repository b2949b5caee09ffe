"""Zoom sandbox → S3 server (moto, its own process): streamed in parts, verified, resumed, nothing left behind."""

from unittest import mock

import pytest

from recordings.models import RecordingFile
from recordings.services import transfer
from recordings.services.transfer import DestinationBusy, recording_file_transfer
from tests.recordings.storage_fixtures import object_sha256, sandbox_sha256

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def stored_in(source, destination):
    source.destination = destination
    source.download_files = True  # every synced file is queued for its destination
    source.save()


def counting_part_uploads(calls: list):
    """s3_client wrapped so each UploadPart request the transfer sends is counted."""
    real = transfer.s3_client

    def client_for(destination, **kwargs):
        client = real(destination, **kwargs)
        client.meta.events.register("before-call.s3.UploadPart", lambda **_: calls.append(1))
        return client

    return mock.patch.object(transfer, "s3_client", client_for)


def test_a_recording_is_streamed_into_the_bucket_in_parts_and_verified(
    sandbox_school, s3_destination, s3_server
):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=12 * MIB + 12345, topic="Алгебра: дроби / 7 класс")
    video = recording.files.get(file_type="MP4")
    parts: list = []

    with counting_part_uploads(parts):
        done = recording_file_transfer(file_id=video.pk)

    client = s3_server.client()
    assert done.download_state == RecordingFile.Download.DONE
    assert done.destination == s3_destination and not done.upload_id
    head = client.head_object(Bucket=s3_destination.bucket, Key=done.storage_name)
    assert head["ContentLength"] == video.file_size
    assert head["ETag"].strip('"').endswith("-3")  # a multipart object of three 5 MiB parts
    assert len(parts) == 3
    expected = sandbox_sha256(sandbox_school.zoom, video.zoom_file_id)
    assert done.sha256 == expected == object_sha256(client, s3_destination.bucket, done.storage_name)
    # The source's path template, with the prefix; Cyrillic kept, the topic's slash made harmless.
    assert done.storage_name.startswith("zoom/")
    assert done.storage_name.endswith("Алгебра: дроби - 7 класс/MP4.mp4")
    assert "teacher@school.example" in done.storage_name
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []


def test_a_file_smaller_than_a_part_is_one_put(sandbox_school, s3_destination, s3_server):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=3 * MIB)
    audio = recording.files.get(file_type="M4A")  # a tenth of the video: 300 KiB

    done = recording_file_transfer(file_id=audio.pk)

    head = s3_server.client().head_object(Bucket=s3_destination.bucket, Key=done.storage_name)
    assert done.download_state == "done" and head["ContentLength"] == audio.file_size
    assert "-" not in head["ETag"]
    assert done.sha256 == sandbox_sha256(sandbox_school.zoom, audio.zoom_file_id)


def test_two_files_that_the_template_names_alike_get_two_keys(sandbox_school, s3_destination):
    source = sandbox_school.source
    source.path_template = "{topic}/{file_type}.{ext}"
    source.save()
    stored_in(source, s3_destination)
    first = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Same")
    second = sandbox_school.record_lesson(mp4_size=1 * MIB, topic="Same")

    one = recording_file_transfer(file_id=first.files.get(file_type="MP4").pk)
    two = recording_file_transfer(file_id=second.files.get(file_type="MP4").pk)

    assert one.storage_name == "zoom/Same/MP4.mp4"
    assert two.storage_name != one.storage_name and two.storage_name.startswith("zoom/Same/MP4-")
    assert one.sha256 != two.sha256


def test_a_transfer_cut_by_zoom_resumes_from_the_parts_already_in_the_bucket(
    sandbox_school, s3_destination, s3_server, settings
):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=20 * MIB)
    video = recording.files.get(file_type="MP4")
    control = sandbox_school.zoom.control
    # Every download connection breaks after 6 MiB, more often than the client retries.
    control.add_fault(path="/storage/*", method="GET", kind="truncate", after_bytes=6 * MIB, count=20)

    cut = recording_file_transfer(file_id=video.pk)

    assert cut.download_state == RecordingFile.Download.PENDING  # to be retried
    cut.refresh_from_db()
    assert cut.upload_id and cut.bytes_downloaded >= 5 * MIB
    kept_before = cut.bytes_downloaded // (5 * MIB)
    control.clear_faults()
    resumed_from = []
    real_resume_point = transfer.resume_point

    def spy(*args, **kwargs):
        point = real_resume_point(*args, **kwargs)
        resumed_from.append(point)
        return point

    parts: list = []
    with mock.patch.object(transfer, "resume_point", spy), counting_part_uploads(parts):
        done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert resumed_from[0].upload_id == cut.upload_id
    kept = len(resumed_from[0].parts)
    assert kept >= kept_before >= 1
    assert len(parts) == 4 - kept  # only the missing parts were sent again
    client = s3_server.client()
    assert done.sha256 == sandbox_sha256(sandbox_school.zoom, video.zoom_file_id)
    assert done.sha256 == object_sha256(client, s3_destination.bucket, done.storage_name)
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []


def test_a_worker_killed_mid_transfer_is_taken_over_and_resumed(
    sandbox_school, s3_destination, s3_server, settings
):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=16 * MIB)
    video = recording.files.get(file_type="MP4")
    real_write = transfer.MultipartSink.write
    seen = {"bytes": 0}

    class WorkerKilled(BaseException):
        pass

    def write_then_die(self, chunk):
        real_write(self, chunk)
        seen["bytes"] += len(chunk)
        if seen["bytes"] >= 11 * MIB:
            raise WorkerKilled

    with mock.patch.object(transfer.MultipartSink, "write", write_then_die), pytest.raises(WorkerKilled):
        recording_file_transfer(file_id=video.pk)

    video.refresh_from_db()
    assert video.download_state == RecordingFile.Download.DOWNLOADING and video.upload_id
    assert recording_file_transfer(file_id=video.pk) is None  # still claimed: not stale yet
    settings.RECORDINGS_DOWNLOAD_STALE_SECONDS = 0

    done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert done.sha256 == sandbox_sha256(sandbox_school.zoom, video.zoom_file_id)
    client = s3_server.client()
    assert done.sha256 == object_sha256(client, s3_destination.bucket, done.storage_name)
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []


def test_more_bytes_than_zoom_announced_abort_the_upload(sandbox_school, s3_destination, s3_server):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=12 * MIB)
    video = recording.files.get(file_type="MP4")
    RecordingFile.objects.filter(pk=video.pk).update(file_size=7 * MIB)  # Zoom's listing said less

    failed = recording_file_transfer(file_id=video.pk)

    assert failed.download_state == RecordingFile.Download.PENDING
    assert "more than" in failed.download_error
    failed.refresh_from_db()
    assert not failed.upload_id and not failed.sha256
    client = s3_server.client()
    assert client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", []) == []
    assert client.list_objects_v2(Bucket=s3_destination.bucket).get("KeyCount") == 0


def test_a_destination_takes_no_more_parallel_transfers_than_allowed(sandbox_school, s3_destination):
    s3_destination.max_parallel_transfers = 1
    s3_destination.save()
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)
    video, audio = recording.files.get(file_type="MP4"), recording.files.get(file_type="M4A")
    RecordingFile.objects.filter(pk=video.pk).update(download_state="downloading", destination=s3_destination)
    RecordingFile.objects.filter(pk=audio.pk).update(download_state="pending")

    with pytest.raises(DestinationBusy):
        recording_file_transfer(file_id=audio.pk)

    audio.refresh_from_db()
    assert audio.download_state == "pending"
    RecordingFile.objects.filter(pk=video.pk).update(download_state="failed")
    assert recording_file_transfer(file_id=audio.pk).download_state == "done"
