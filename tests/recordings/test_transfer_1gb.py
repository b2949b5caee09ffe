"""One gigabyte from the Zoom sandbox into moto's S3 server: flat memory, the same SHA-256 on both sides.

About a minute on a loaded laptop, so it has its own marker: `make test` runs it; a quick local
loop may leave it out with `-m "not big_transfer"`.
"""

import pytest

from recordings.models import RecordingFile
from recordings.services.transfer import recording_file_transfer
from tests.recordings.storage_fixtures import object_sha256, sandbox_sha256

pytestmark = [pytest.mark.django_db, pytest.mark.big_transfer]

GIB = 1024 * 1024 * 1024
MIB = 1024 * 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def reset_peak_rss() -> int:
    """Start a new peak (Linux: writing 5 to clear_refs resets VmHWM); return the RSS now, in bytes."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    return _status_kib("VmRSS") * 1024


def peak_rss() -> int:
    return _status_kib("VmHWM") * 1024


def test_a_one_gigabyte_recording_streams_into_s3_with_flat_memory(
    sandbox_school, s3_destination, s3_server, record_property
):
    source = sandbox_school.source
    source.destination = s3_destination
    source.download_files = True
    source.save()
    s3_destination.part_size_mb = 8
    s3_destination.save()
    recording = sandbox_school.record_lesson(mp4_size=GIB)
    video = recording.files.get(file_type="MP4")
    assert video.file_size == GIB

    before = reset_peak_rss()
    done = recording_file_transfer(file_id=video.pk)
    growth = peak_rss() - before
    record_property("peak_rss_growth_mib", round(growth / MIB, 1))

    assert done.download_state == RecordingFile.Download.DONE
    assert growth < 100 * MIB, f"peak RSS grew by {growth / MIB:.1f} MiB"
    client = s3_server.client()
    assert client.head_object(Bucket=s3_destination.bucket, Key=done.storage_name)["ContentLength"] == GIB
    expected = sandbox_sha256(sandbox_school.zoom, video.zoom_file_id)
    assert done.sha256 == expected == object_sha256(client, s3_destination.bucket, done.storage_name)
