"""Downloads: streamed into storage, size-checked, sha256 recorded, resumed with Range, memory flat."""

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from recordings.models import Recording, RecordingFile, Source
from recordings.services import recording_file_download
from tests.processes import child_database_url
from tests.recordings.fakezoom import FakeZoom
from tests.recordings.http_server import ServedFile, running_server


@pytest.fixture
def zoom_server(settings):
    with running_server() as server:
        server.zoom = FakeZoom(api_base=server.url + "/v2", oauth_base=server.url + "/oauth")
        settings.ZOOM_API_BASE_URL = server.url + "/v2"
        settings.ZOOM_OAUTH_BASE_URL = server.url + "/oauth"
        yield server


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
def test_a_file_lands_in_storage_checked_and_hashed(zoom_server, source):
    served = zoom_server.files["a"] = ServedFile(size=3 * (1 << 20) + 123)
    file = make_file(source, url=zoom_server.file_url("a"), size=served.size)

    done = recording_file_download(file_id=file.pk)

    assert done.download_state == RecordingFile.Download.DONE
    assert done.sha256 == served.sha256()
    assert default_storage.size(done.storage_name) == served.size
    assert served.requests[0]["authorization"].startswith("Bearer tok-MASTERacct1-")
    assert not list((settings.RECORDINGS_PARTIAL_DIR).glob("*.part"))


@pytest.mark.django_db
def test_a_cut_download_keeps_its_partial_copy_and_resumes_with_range(zoom_server, source, settings):
    settings.ZOOM_MAX_RETRIES = 0  # the client gives up at once: the service must resume later
    served = zoom_server.files["b"] = ServedFile(
        size=5 * (1 << 20), break_after=2 * (1 << 20) + 17, unavailable=1
    )
    file = make_file(source, url=zoom_server.file_url("b"), size=served.size)

    first = recording_file_download(file_id=file.pk)
    assert first.download_state == RecordingFile.Download.PENDING  # retried later, with back-off
    assert first.next_attempt_at is not None and first.download_error
    kept = first.bytes_downloaded
    assert 0 < kept < served.size

    # The retry time comes; Zoom answers again.
    served.unavailable = 0
    second = recording_file_download(file_id=file.pk)

    assert second.download_state == RecordingFile.Download.DONE
    assert served.requests[-1]["range"] == f"bytes={kept}-"
    assert second.sha256 == served.sha256()
    assert default_storage.size(second.storage_name) == served.size


@pytest.mark.django_db
def test_a_short_file_is_not_accepted(zoom_server, source):
    served = zoom_server.files["c"] = ServedFile(size=1000)
    file = make_file(source, url=zoom_server.file_url("c"), size=2000)

    result = recording_file_download(file_id=file.pk)

    assert result.download_state == RecordingFile.Download.PENDING
    assert "1000 of 2000" in result.download_error
    assert not result.storage_name
    assert served.requests


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
def test_a_1_gb_file_downloads_with_flat_memory(zoom_server, credential, tmp_path):
    served = zoom_server.files["big"] = ServedFile(size=1 << 30)
    source = Source.objects.create(name="big", credential=credential, download_files=True)
    file = make_file(source, url=zoom_server.file_url("big"), size=served.size)
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": child_database_url(),
        "ZOOM_API_BASE_URL": zoom_server.url + "/v2",
        "ZOOM_OAUTH_BASE_URL": zoom_server.url + "/oauth",
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
    assert figures["sha256"] == served.sha256()
    assert (tmp_path / "media" / figures["name"]).stat().st_size == 1 << 30
    growth = figures["peak"] - figures["before"]
    print(f"1 GiB download: peak RSS growth {growth / (1 << 20):.1f} MiB")
    assert growth < 100 * (1 << 20), f"peak memory grew by {growth / (1 << 20):.0f} MiB"
