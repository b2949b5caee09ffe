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


def hooked_clients(module, event: str, handler):
    """module.s3_client wrapped so `handler` sees every request of `event` (a botocore event name)."""
    real = module.s3_client

    def client_for(destination, **kwargs):
        client = real(destination, **kwargs)
        client.meta.events.register(event, handler)
        return client

    return mock.patch.object(module, "s3_client", client_for)


def damage_part(number: int):
    """A before-send hook flipping one bit of part `number` after its CRC32 was computed: damage on the way."""

    def damage(request, **_):
        if f"partNumber={number}&" in request.url or request.url.endswith(f"partNumber={number}"):
            body = bytes(request.body.read() if hasattr(request.body, "read") else request.body)
            request.body = body[:-1] + bytes([body[-1] ^ 1])

    return damage


def cut_transfer(sandbox_school, destination):
    """A 20 MiB recording whose transfer into `destination` Zoom cut part-way: every download
    connection breaks after 6 MiB, more often than the client retries. Returns (the file, its
    state after the cut); the faults are cleared again, so the next attempt can finish."""
    stored_in(sandbox_school.source, destination)
    recording = sandbox_school.record_lesson(mp4_size=20 * MIB)
    video = recording.files.get(file_type="MP4")
    control = sandbox_school.zoom.control
    control.add_fault(path="/storage/*", method="GET", kind="truncate", after_bytes=6 * MIB, count=20)
    cut = recording_file_transfer(file_id=video.pk)
    control.clear_faults()
    return video, cut


def no_uploads_left(client, bucket: str) -> bool:
    return client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


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
    video, cut = cut_transfer(sandbox_school, s3_destination)

    assert cut.download_state == RecordingFile.Download.PENDING  # to be retried
    cut.refresh_from_db()
    assert cut.upload_id and cut.bytes_downloaded >= 5 * MIB
    kept_before = cut.bytes_downloaded // (5 * MIB)
    resumed_from = []
    real_resume_point = transfer.resume_point

    def spy(*args, **kwargs):
        point = real_resume_point(*args, **kwargs)
        resumed_from.append(point)
        return point

    parts: list = []
    completions: list = []
    with (
        mock.patch.object(transfer, "resume_point", spy),
        hooked_clients(
            transfer,
            "before-send.s3.CompleteMultipartUpload",
            lambda request, **_: completions.append(bytes(request.body)),
        ),
        counting_part_uploads(parts),
    ):
        done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert resumed_from[0].upload_id == cut.upload_id
    # Every part's CRC32 completes the upload: the kept ones' too (moto lists none; they are computed).
    assert completions[0].count(b"<ChecksumCRC32>") == 4
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


@pytest.mark.parametrize("checksums", [True, False], ids=["part-checksums", "no-checksum-headers"])
def test_every_part_and_single_put_carry_their_crc32_unless_the_destination_turns_it_off(
    sandbox_school, s3_destination, s3_server, checksums
):
    s3_destination.part_checksums = checksums
    s3_destination.save()
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=12 * MIB)
    sent: list[tuple[str, dict, bytes]] = []

    def keep(request, event_name, **_):
        body = request.body if isinstance(request.body, bytes | bytearray) else b""
        operation = event_name.rsplit(".", 1)[-1]
        headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        sent.append((operation, headers, bytes(body) if operation.startswith("Complete") else b""))

    with hooked_clients(transfer, "before-send.s3", keep):
        video = recording_file_transfer(file_id=recording.files.get(file_type="MP4").pk)
        audio = recording_file_transfer(file_id=recording.files.get(file_type="M4A").pk)

    assert video.download_state == audio.download_state == RecordingFile.Download.DONE
    by_operation: dict[str, list] = {}
    for operation, headers, body in sent:
        by_operation.setdefault(operation, []).append((headers, body))
    assert len(by_operation["UploadPart"]) == 3 and len(by_operation["PutObject"]) == 1
    [(create, _)] = by_operation["CreateMultipartUpload"]
    [(_, completion)] = by_operation["CompleteMultipartUpload"]
    if checksums:
        assert create["x-amz-checksum-algorithm"] == "CRC32"
        crcs = [headers["x-amz-checksum-crc32"] for headers, _ in by_operation["UploadPart"]]
        assert all(len(crc) == 8 for crc in crcs)  # base64 of four bytes
        assert all(f"<ChecksumCRC32>{crc}</ChecksumCRC32>".encode() in completion for crc in crcs)
        assert by_operation["PutObject"][0][0]["x-amz-checksum-crc32"]
    else:
        headers = [h for h, _ in by_operation["CreateMultipartUpload"] + by_operation["UploadPart"]]
        headers += [h for h, _ in by_operation["PutObject"]]
        assert not [name for h in headers for name in h if name.startswith("x-amz-checksum")]
        assert b"Checksum" not in completion
    client = s3_server.client()
    assert video.sha256 == object_sha256(client, s3_destination.bucket, video.storage_name)
    assert no_uploads_left(client, s3_destination.bucket)


def test_a_part_damaged_on_the_way_is_refused_and_sent_again_on_the_next_attempt(
    sandbox_school, s3_destination, s3_server
):
    stored_in(sandbox_school.source, s3_destination)
    recording = sandbox_school.record_lesson(mp4_size=16 * MIB)
    video = recording.files.get(file_type="MP4")

    with hooked_clients(transfer, "before-send.s3.UploadPart", damage_part(2)):
        failed = recording_file_transfer(file_id=video.pk)

    assert failed.download_state == RecordingFile.Download.PENDING  # tried again later
    assert "differ from those sent" in failed.download_error
    failed.refresh_from_db()
    client = s3_server.client()
    uploads = client.list_multipart_uploads(Bucket=s3_destination.bucket).get("Uploads", [])
    assert [u["UploadId"] for u in uploads] == [failed.upload_id]  # kept for the resume, not orphaned
    stored_parts = client.list_parts(
        Bucket=s3_destination.bucket, Key=failed.storage_name, UploadId=failed.upload_id
    ).get("Parts", [])
    assert 1 in [p["PartNumber"] for p in stored_parts]
    assert 2 not in [p["PartNumber"] for p in stored_parts]  # the damaged part was not kept

    done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert done.sha256 == sandbox_sha256(sandbox_school.zoom, video.zoom_file_id)
    assert done.sha256 == object_sha256(client, s3_destination.bucket, done.storage_name)
    assert no_uploads_left(client, s3_destination.bucket)


def test_a_kept_part_whose_listed_crc32_differs_from_zooms_bytes_restarts_the_upload(
    sandbox_school, s3_destination, s3_server, settings
):
    video, cut = cut_transfer(sandbox_school, s3_destination)
    cut.refresh_from_db()
    assert cut.upload_id and cut.bytes_downloaded >= 5 * MIB
    real_resume_point = transfer.resume_point

    def listed_with_a_wrong_crc(*args, **kwargs):
        point = real_resume_point(*args, **kwargs)
        point.parts[0].checksum_crc32 = "AAAAAA=="  # what the bucket says it holds
        return point

    parts: list = []
    with mock.patch.object(transfer, "resume_point", listed_with_a_wrong_crc), counting_part_uploads(parts):
        done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert len(parts) == 4  # nothing kept: every part was sent again
    client = s3_server.client()
    assert done.sha256 == object_sha256(client, s3_destination.bucket, done.storage_name)
    assert no_uploads_left(client, s3_destination.bucket)  # the first upload was aborted


def test_an_upload_begun_with_part_checks_is_restarted_once_they_are_turned_off(
    sandbox_school, s3_destination, s3_server
):
    video, cut = cut_transfer(sandbox_school, s3_destination)
    cut.refresh_from_db()
    assert cut.upload_id and cut.bytes_downloaded >= 5 * MIB
    s3_destination.part_checksums = False  # staff turned the switch off meanwhile
    s3_destination.save()
    real_resume_point = transfer.resume_point

    def as_aws_lists_it(*args, **kwargs):
        point = real_resume_point(*args, **kwargs)
        point.checksum_algorithm = "CRC32"  # AWS names the upload's algorithm; moto does not
        return point

    parts: list = []
    with mock.patch.object(transfer, "resume_point", as_aws_lists_it), counting_part_uploads(parts):
        done = recording_file_transfer(file_id=video.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert len(parts) == 4  # a new upload, every part sent
    client = s3_server.client()
    assert done.sha256 == object_sha256(client, s3_destination.bucket, done.storage_name)
    assert no_uploads_left(client, s3_destination.bucket)  # the old upload was aborted


def test_resume_point_keeps_the_checksums_the_bucket_lists():
    import boto3
    from botocore.stub import Stubber

    from recordings.services.multipart import resume_point

    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    listed = {
        "ChecksumAlgorithm": "CRC32",
        "IsTruncated": False,
        "Parts": [
            {"PartNumber": 1, "ETag": '"e1"', "Size": 5 * MIB, "ChecksumCRC32": "q83vEg=="},
            {"PartNumber": 2, "ETag": '"e2"', "Size": 5 * MIB, "ChecksumCRC32": "3q2+7w=="},
            {"PartNumber": 3, "ETag": '"e3"', "Size": 1 * MIB, "ChecksumCRC32": "AAAAAQ=="},
        ],
    }
    with Stubber(client) as stub:
        stub.add_response("list_parts", listed)
        point = resume_point(client, bucket="b-1", key="k", upload_id="u", part_size=5 * MIB)

    assert point.checksum_algorithm == "CRC32"
    assert [(p.number, p.checksum_crc32) for p in point.parts] == [(1, "q83vEg=="), (2, "3q2+7w==")]
