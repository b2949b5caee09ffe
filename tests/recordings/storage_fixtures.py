"""Fixtures of the destination tests: the Zoom sandbox with one teacher, and an S3 destination on moto."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Credential
from recordings.models import Destination, Recording, Source
from recordings.services import sync_run_create, sync_run_execute
from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY

ACCOUNT, CLIENT_ID, CLIENT_SECRET = "sbxSchool01", "sbxStorageApp01", "sbx-storage-secret-0123456789"
TEACHER = "teacher@school.example"


@dataclass
class SandboxSchool:
    zoom: object  # tests.sandbox_fixtures.RunningSandbox
    source: Source

    def record_lesson(self, *, mp4_size: int, topic: str = "Algebra", transcript: bool = False) -> Recording:
        """A lesson held in the sandbox with a cloud recording, synced into ZoomHub."""
        played = self.zoom.control.play_lesson(
            host=TEACHER,
            topic=topic,
            speed=0,
            duration_minutes=45,
            recording={"delay_minutes": 0, "mp4_size": mp4_size, "transcript": transcript},
        )
        today = timezone.now().date()
        run = sync_run_create(source=self.source, from_date=today - timedelta(days=2), to_date=today)
        sync_run_execute(run_id=run.pk)
        return Recording.objects.get(uuid=played["uuid"])


@pytest.fixture
def sandbox_school(zoom_sandbox_settings, db):
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT, name="School", plan="business")
    control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT
    )
    control.add_user(account_id=ACCOUNT, email=TEACHER, first_name="Анна", last_name="Teacher")
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Sandbox school",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        plan=Credential.Plan.BUSINESS,
    )
    source = Source.objects.create(
        name="School", credential=credential, recording_type=Source.RecordingType.ALL
    )
    return SandboxSchool(zoom_sandbox_settings, source)


@pytest.fixture
def s3_destination(s3_server, s3_bucket, db):
    return Destination.objects.create(
        name="Archive bucket",
        kind=Destination.Kind.S3,
        endpoint_url=s3_server.endpoint_url,
        region=REGION,
        bucket=s3_bucket,
        prefix="zoom",
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        addressing_style=Destination.Addressing.PATH,
        part_size_mb=5,
    )


def object_sha256(client, bucket: str, key: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    for chunk in body.iter_chunks(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def sandbox_sha256(zoom, zoom_file_id: str) -> str:
    """SHA-256 of the bytes the sandbox serves for this file, generated the same way, chunk by chunk."""
    import hashlib

    from sandbox import storage

    sandbox_file = zoom.sandbox.state.files[zoom_file_id]
    digest = hashlib.sha256()
    for chunk in storage.generate(sandbox_file.seed, 0, sandbox_file.file_size):
        digest.update(chunk)
    return digest.hexdigest()
