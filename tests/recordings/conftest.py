"""Fixtures of the recordings tests: credentials, sources and the Zoom sandbox seeded for them."""

import pytest

from accounts.models import Credential
from recordings.models import Source
from tests.recordings.school_zoom import S2S_SECRET, SchoolZoom
from tests.recordings.storage_fixtures import s3_destination, sandbox_school  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _recordings_settings(settings, tmp_path):
    settings.RECORDINGS_SYNC_THREADS = 1  # tests in one DB transaction; the threaded path has its own tests
    settings.RECORDINGS_PARTIAL_DIR = tmp_path / "partial"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZOOM_RETRY_BASE_DELAY = 0.01
    settings.ZOOM_RETRY_MAX_DELAY = 0.02
    settings.ZOOM_MAX_RETRIES = 1


@pytest.fixture
def school_zoom(zoom_sandbox_settings):
    """The Zoom sandbox with the school's master account and apps; ZoomHub's settings point at it."""
    return SchoolZoom(zoom_sandbox_settings)


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School Zoom",
        account_id="MASTERacct1",
        client_id="Tex0m1WATNWdFfnbBmwjSg",
        client_secret=S2S_SECRET,
        plan=Credential.Plan.BUSINESS,
    )


@pytest.fixture
def master_credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Company master",
        account_id="MASTERacct1",
        client_id="MasterClientId1",
        client_secret=S2S_SECRET,
        is_master_account=True,
        plan=Credential.Plan.BUSINESS,
    )


@pytest.fixture
def oauth_credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="teacher@school.example",
        access_token="oauth-access-token-value-123",
        refresh_token="oauth-refresh-token-value-456",
        zoom_user_id="oauthuser1",
    )


@pytest.fixture
def source(credential):
    return Source.objects.create(name="School recordings", credential=credential)
