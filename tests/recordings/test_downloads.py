"""Downloads: streamed into storage, size-checked, sha256 recorded, resumed with Range, memory flat."""

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from recordings.models import Recording, RecordingFile, Source
from recordings.services import recording_file_download
from tests.processes import child_database_url
from tests.recordings.school_zoom import expected_sha256


def serve(school_zoom, *, size: int) -> dict:
    """An MP4 of `size` bytes in Zoom's cloud (a teacher's recording in the sandbox)."""
    teacher = school_zoom.add_user("teacher@school.example")
    [recording] = school_zoom.add_recordings(
        teacher,
        start=datetime(2024, 3, 1, 9, tzinfo=UTC),
        count=1,
        every=timedelta(0),
        file_types=["MP4"],
        sizes={"MP4": size},
    )
    return recording["files"][0]


def make_file(source, *, url, size, file_id="file-1"):
    recording = Recording.objects.create(
        uuid=f"uuid-{file_id}",
        zoom_meeting_id=123,
        source=source,
        start_time=datetime(2024, 3, 1, 9, tzinfo=UTC),
    )
    return RecordingFile.objects.create(
        recording=recording,
        zoom_file_id=file_id,
        file_type="MP4",
        file_extension="MP4",
        file_size=size,
        download_url=url,
        download_state=RecordingFile.Download.PENDING,
    )


@pytest.mark.django_db
def test_a_file_lands_in_storage_checked_and_hashed(school_zoom, source):
    served = serve(school_zoom, size=3 * (1 << 20) + 123)
    file = make_file(source, url=served["download_url"], size=served["file_size"])

    done = recording_file_download(file_id=file.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert done.sha256 == expected_sha256(served)
    assert default_storage.size(done.storage_name) == served["file_size"]
    first = school_zoom.downloads()[0]
    assert (first["auth"], first["token_kind"], first["account_id"]) == ("bearer", "access", "MASTERacct1")
    assert not list((settings.RECORDINGS_PARTIAL_DIR).glob("*.part"))


@pytest.mark.django_db
def test_a_cut_download_keeps_its_partial_copy_and_resumes_with_range(school_zoom, source, settings):
    settings.ZOOM_MAX_RETRIES = 0  # the client gives up at once: the service must resume later
    served = serve(school_zoom, size=5 * (1 << 20))
    # The connection breaks 2 MiB into the file, then storage answers 503 for a while.
    storage_path = f"/storage/{served['id']}"
    school_zoom.control.add_fault(path=storage_path, kind="truncate", after_bytes=2 * (1 << 20) + 17)
    school_zoom.control.add_fault(path=storage_path, status=503)
    file = make_file(source, url=served["download_url"], size=served["file_size"])

    first = recording_file_download(file_id=file.pk)
    assert first.download_state == RecordingFile.Download.PENDING  # retried later, with back-off
    assert first.next_attempt_at is not None and first.download_error
    kept = first.bytes_downloaded
    assert 0 < kept < served["file_size"]

    # The retry time comes; Zoom answers again.
    school_zoom.control.clear_faults()
    second = recording_file_download(file_id=file.pk)

    assert second.download_state == RecordingFile.Download.DONE
    assert school_zoom.storage_requests()[-1]["range"] == f"bytes={kept}-"
    assert second.sha256 == expected_sha256(served)
    assert default_storage.size(second.storage_name) == served["file_size"]


@pytest.mark.django_db
def test_a_short_file_is_not_accepted(school_zoom, source):
    served = serve(school_zoom, size=1000)
    file = make_file(source, url=served["download_url"], size=2000)

    result = recording_file_download(file_id=file.pk)

    assert result.download_state == RecordingFile.Download.PENDING
    assert "1000 of 2000" in result.download_error
    assert not result.storage_name
    assert school_zoom.storage_requests()


MEASURE = textwrap.dedent(
    """
    import json, os, sys
    import django
    django.setup()
    from recordings.services import recording_file_download

    def status(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    before = status("VmRSS")
    result = recording_file_download(file_id=int(sys.argv[1]))
    print(json.dumps({"before": before, "peak": status("VmHWM"), "state": result.download_state,
                      "sha256": result.sha256, "name": result.storage_name}))
    """
)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_1_gb_file_downloads_with_flat_memory(school_zoom, credential, tmp_path):
    served = serve(school_zoom, size=1 << 30)
    source = Source.objects.create(name="big", credential=credential, download_files=True)
    file = make_file(source, url=served["download_url"], size=served["file_size"])
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": child_database_url(),
        "ZOOM_API_BASE_URL": school_zoom.running.api_url,
        "ZOOM_OAUTH_BASE_URL": school_zoom.running.oauth_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "RECORDINGS_PARTIAL_DIR": str(tmp_path / "partial"),
        "PATH": "/usr/bin:/bin",
    }
    import os

    env = {**os.environ, **env}
    answer = subprocess.run(
        [sys.executable, "-c", MEASURE, str(file.pk)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures = json.loads(answer.stdout.strip().splitlines()[-1])
    assert figures["state"] == RecordingFile.Download.DONE
    assert figures["sha256"] == expected_sha256(served)
    assert (tmp_path / "media" / figures["name"]).stat().st_size == 1 << 30
    growth = figures["peak"] - figures["before"]
    print(f"1 GiB download: peak RSS growth {growth / (1 << 20):.1f} MiB")
    assert growth < 100 * (1 << 20), f"peak memory grew by {growth / (1 << 20):.0f} MiB"
