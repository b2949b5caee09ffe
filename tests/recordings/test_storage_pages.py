"""Destinations on the sources page, the Test button's messages, and files handed out without streaming."""

import hashlib

import pytest
import requests
from botocore.exceptions import ClientError
from django.urls import reverse

from recordings.models import Destination, RecordingFile
from recordings.services.destinations import destination_test, explain_s3_error
from recordings.services.transfer import recording_file_transfer
from tests.recordings.storage_fixtures import sandbox_sha256
from tests.s3_server import ACCESS_KEY, SECRET_KEY, free_port

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def stored_file(sandbox_school, destination, *, size=2 * MIB):
    source = sandbox_school.source
    source.destination = destination
    source.download_files = True
    source.save()
    recording = sandbox_school.record_lesson(mp4_size=size)
    video = recording.files.get(file_type="MP4")
    return recording_file_transfer(file_id=video.pk)


def test_a_bucket_file_is_handed_out_as_a_presigned_link_that_works_with_requests(
    sandbox_school, s3_destination, staff_client
):
    file = stored_file(sandbox_school, s3_destination)

    response = staff_client.get(reverse("recordings:file_serve", args=[file.pk]) + "?download=1")

    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(s3_destination.endpoint_url) and "X-Amz-Signature=" in link
    assert SECRET_KEY not in link and "access_token" not in link
    fetched = requests.get(link, timeout=30)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == file.sha256
    assert fetched.headers["Content-Disposition"].startswith("attachment;")


def test_a_local_file_is_served_with_range_support(sandbox_school, staff_client):
    file = stored_file(sandbox_school, None, size=300_000)
    assert file.download_state == "done" and file.destination is None
    url = reverse("recordings:file_serve", args=[file.pk])

    whole = staff_client.get(url)
    part = staff_client.get(url, HTTP_RANGE="bytes=1000-1999")
    tail = staff_client.get(url, HTTP_RANGE="bytes=-10")
    beyond = staff_client.get(url, HTTP_RANGE=f"bytes={file.file_size}-")

    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert (
        hashlib.sha256(body).hexdigest()
        == file.sha256
        == sandbox_sha256(sandbox_school.zoom, file.zoom_file_id)
    )
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 1000-1999/{file.file_size}"
    assert b"".join(part.streaming_content) == body[1000:2000]
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == body[-10:]
    assert beyond.status_code == 416


def test_behind_nginx_a_local_file_is_handed_over_with_x_accel_redirect(
    sandbox_school, staff_client, settings
):
    settings.RECORDINGS_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    file = stored_file(sandbox_school, None, size=300_000)

    response = staff_client.get(reverse("recordings:file_serve", args=[file.pk]))

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/protected-media/recordings/")
    assert response["X-Accel-Redirect"].endswith("/MP4.mp4")


def test_the_test_button_writes_reads_and_deletes(s3_destination, s3_server, staff_client):
    response = staff_client.post(
        reverse("recordings:destination_test", args=[s3_destination.pk]), follow=True
    )

    s3_destination.refresh_from_db()
    assert s3_destination.last_test_ok is True
    assert "Wrote, read back and deleted" in response.content.decode()
    assert s3_server.client().list_objects_v2(Bucket=s3_destination.bucket).get("KeyCount") == 0


def storage_requests(event: str, handler):
    """destination_storage wrapped so `handler` sees every request of `event` its client sends."""
    from unittest import mock

    from recordings.services import destinations

    real = destinations.destination_storage

    def storage_for(destination, **kwargs):
        storage = real(destination, **kwargs)
        storage.connection.meta.client.meta.events.register(event, handler)
        return storage

    return mock.patch.object(destinations, "destination_storage", storage_for)


@pytest.mark.parametrize("checksums", [True, False])
def test_the_test_object_is_written_with_a_crc32_as_recordings_are(s3_destination, checksums):
    s3_destination.part_checksums = checksums
    s3_destination.save()
    written = []

    with storage_requests("before-send.s3.PutObject", lambda request, **_: written.append(request.headers)):
        result = destination_test(destination=s3_destination)

    assert result.ok
    [headers] = written
    assert ("x-amz-checksum-crc32" in headers) is checksums


def test_the_test_button_says_to_turn_off_part_checks_when_the_storage_refuses_checksum_headers(
    s3_destination,
):
    # moto takes the header; a store that does not answers like Backblaze B2.
    def refuse(params, **_):
        if "ChecksumCRC32" in params:
            raise ClientError(
                {
                    "Error": {
                        "Code": "InvalidArgument",
                        "Message": "Unsupported header 'x-amz-checksum-crc32' received for this API call.",
                    },
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                "PutObject",
            )

    with storage_requests("before-parameter-build.s3.PutObject", refuse):
        refused = destination_test(destination=s3_destination)
        s3_destination.part_checksums = False
        s3_destination.save()
        passed = destination_test(destination=s3_destination)

    assert not refused.ok and refused.message.startswith("Failed while writing")
    assert "refuses checksum headers: turn off “Check every part”" in refused.message
    assert passed.ok


def test_the_destination_form_shows_the_part_check_ticked_and_unticking_turns_it_off(
    s3_destination, staff_client
):
    page = staff_client.get(reverse("recordings:destination_edit", args=[s3_destination.pk])).content.decode()
    assert 'name="part_checksums"' in page and "Ask the storage to check every part" in page
    data = {
        "name": s3_destination.name,
        "kind": "s3",
        "endpoint_url": s3_destination.endpoint_url,
        "region": s3_destination.region,
        "bucket": s3_destination.bucket,
        "prefix": "zoom",
        "addressing_style": "path",
        "part_size_mb": "5",
        "max_parallel_transfers": "2",
        "retention_days": "0",
    }
    url = reverse("recordings:destination_edit", args=[s3_destination.pk])

    assert staff_client.post(url, data).status_code == 302
    s3_destination.refresh_from_db()
    assert s3_destination.part_checksums is False
    assert staff_client.post(url, data | {"part_checksums": "on"}).status_code == 302
    s3_destination.refresh_from_db()
    assert s3_destination.part_checksums is True


def test_the_test_button_names_a_missing_bucket_and_an_unreachable_endpoint(s3_destination):
    s3_destination.bucket = "no-such-bucket-here"
    missing = destination_test(destination=s3_destination)
    s3_destination.endpoint_url = f"http://127.0.0.1:{free_port()}"
    unreachable = destination_test(destination=s3_destination)

    assert not missing.ok and "“no-such-bucket-here” does not exist" in missing.message
    assert missing.message.startswith("Failed while writing")
    assert not unreachable.ok and "cannot be reached" in unreachable.message


@pytest.mark.parametrize(
    ("code", "status", "extra", "expected"),
    [
        ("AccessDenied", 403, {}, "Access denied"),
        ("InvalidAccessKeyId", 403, {}, "access key ID is not known"),
        ("SignatureDoesNotMatch", 403, {}, "secret access key is wrong"),
        ("RequestTimeTooSkewed", 403, {}, "clock"),
        ("AuthorizationHeaderMalformed", 400, {"Region": "eu-west-1"}, "is in eu-west-1"),
        ("BadDigest", 400, {}, "differ from those sent"),
        # Stores that take no checksum headers (Backblaze B2's wording, and a NotImplemented one).
        (
            "InvalidArgument",
            400,
            {"Message": "Unsupported header 'x-amz-checksum-crc32'"},
            "Check every part",
        ),
        ("NotImplemented", 501, {"Message": "Header 'x-amz-checksum-algorithm' not implemented"}, "turn off"),
    ],
)
def test_storage_refusals_are_explained(s3_destination, code, status, extra, expected):
    # The error shapes S3 documents (Error.Code, and Region for a wrong-region signature).
    error = ClientError(
        {"Error": {"Code": code, "Message": "x"} | extra, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )
    message = explain_s3_error(error, s3_destination)
    assert expected in message
    assert SECRET_KEY not in message and ACCESS_KEY not in message


def test_keys_are_encrypted_at_rest_and_never_shown_back(s3_destination, staff_client, admin_client):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_access_key FROM recordings_destination WHERE id = %s", [s3_destination.pk]
        )
        (stored,) = cursor.fetchone()
    assert SECRET_KEY not in stored

    page = staff_client.get(reverse("recordings:destination_edit", args=[s3_destination.pk])).content.decode()
    admin_page = admin_client.get(
        reverse("admin:recordings_destination_change", args=[s3_destination.pk])
    ).content.decode()
    listing = staff_client.get(reverse("recordings:source_list")).content.decode()
    for html in (page, admin_page, listing):
        assert SECRET_KEY not in html and ACCESS_KEY not in html
    assert "A key is stored" in page


def test_saving_a_destination_with_empty_key_fields_keeps_the_keys(s3_destination, staff_client):
    data = {
        "name": "Renamed",
        "kind": "s3",
        "endpoint_url": s3_destination.endpoint_url,
        "region": s3_destination.region,
        "bucket": s3_destination.bucket,
        "prefix": "zoom",
        "access_key_id": "",
        "secret_access_key": "",
        "addressing_style": "path",
        "part_size_mb": "16",
        "max_parallel_transfers": "2",
        "retention_days": "0",
    }

    response = staff_client.post(reverse("recordings:destination_edit", args=[s3_destination.pk]), data)

    assert response.status_code == 302
    s3_destination.refresh_from_db()
    assert s3_destination.name == "Renamed" and s3_destination.part_size_mb == 16
    assert s3_destination.secret_access_key == SECRET_KEY and s3_destination.access_key_id == ACCESS_KEY


def test_a_destination_with_bad_input_is_refused_with_reasons(staff_client):
    data = {
        "name": "Broken",
        "kind": "s3",
        "endpoint_url": "",
        "region": "",
        "bucket": "Bad_Bucket!",
        "prefix": "/root",
        "access_key_id": "",
        "secret_access_key": "",
        "addressing_style": "auto",
        "part_size_mb": "1",
        "max_parallel_transfers": "2",
        "retention_days": "0",
    }

    response = staff_client.post(reverse("recordings:destination_create"), data)

    html = response.content.decode()
    assert response.status_code == 200 and not Destination.objects.exists()
    assert "A bucket name has 3 to 63" in html
    assert "Required for object storage." in html
    assert "no leading /" in html
    assert "greater than or equal to 5" in html


def test_pages_show_where_each_file_lives_and_destination_usage(
    sandbox_school, s3_destination, staff_client, django_assert_max_num_queries
):
    file = stored_file(sandbox_school, s3_destination)

    with django_assert_max_num_queries(12):
        detail = staff_client.get(reverse("recordings:recording_detail", args=[file.recording_id]))
    with django_assert_max_num_queries(12):
        listing = staff_client.get(reverse("recordings:recording_list"))
    with django_assert_max_num_queries(12):
        sources = staff_client.get(reverse("recordings:source_list"))

    row = detail.content.decode().split(f'id="file-row-{file.pk}"')[1].split("</tr>")[0]
    assert f"{s3_destination.bucket}/zoom" in row and "Stored and verified" in row
    audio = file.recording.files.get(file_type="M4A")
    audio_row = detail.content.decode().split(f'id="file-row-{audio.pk}"')[1].split("</tr>")[0]
    assert "only in Zoom's cloud" in audio_row
    assert f"Video ({s3_destination.bucket})" in listing.content.decode()
    sources_html = sources.content.decode()
    stored_row = sources_html.split(f'id="destination-row-{s3_destination.pk}"')[1].split("</tr>")[0]
    assert "2.0\xa0MB · 1 file" in stored_row
    assert "not reported by object storage" in stored_row
    local_row = sources_html.split('id="destination-row-local"')[1].split("</tr>")[0]
    assert " of " in local_row  # free space of the server's disk


def test_legal_hold_is_placed_from_the_recording_page(sandbox_school, staff_client):
    recording = sandbox_school.record_lesson(mp4_size=1 * MIB)

    staff_client.post(reverse("recordings:recording_legal_hold", args=[recording.pk]), {"hold": "1"})

    recording.refresh_from_db()
    assert recording.legal_hold is True
    assert RecordingFile.objects.filter(recording=recording).count() == 2


def test_api_clients_get_a_presigned_link_for_a_file_in_a_bucket(
    sandbox_school, s3_destination, staff_user, client
):
    from tests.api.conftest import make_token

    file = stored_file(sandbox_school, s3_destination)
    token = make_token(staff_user)[1]

    body = client.get("/api/v1/recordings", HTTP_AUTHORIZATION=f"Bearer {token}").json()

    files = {f["file_type"]: f for f in body["items"][0]["files"]}
    video, audio = files["MP4"], files["M4A"]
    assert video["stored_in"] == s3_destination.bucket and video["sha256"] == file.sha256
    assert audio["stored_in"] == "zoom" and audio["link"] is None and audio["sha256"] == ""
    assert video["link_expires_in"] == 300 and SECRET_KEY not in video["link"]
    fetched = requests.get(video["link"], timeout=30)  # no session, no token: the link is enough
    assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == file.sha256
