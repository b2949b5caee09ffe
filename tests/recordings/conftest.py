"""Fixtures of the recordings tests: credentials, sources and a stateful fake Zoom behind `responses`."""

import pytest
import responses
from django.conf import settings

from accounts.models import Credential
from recordings.models import Source
from tests.recordings.fakezoom import FakeZoom
from tests.recordings.storage_fixtures import s3_destination, sandbox_school  # noqa: F401 - fixtures

S2S_SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"


@pytest.fixture(autouse=True)
def _recordings_settings(settings, tmp_path):
    settings.RECORDINGS_SYNC_THREADS = 1  # tests in one DB transaction; the threaded path has its own tests
    settings.RECORDINGS_PARTIAL_DIR = tmp_path / "partial"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZOOM_RETRY_BASE_DELAY = 0.01
    settings.ZOOM_RETRY_MAX_DELAY = 0.02
    settings.ZOOM_MAX_RETRIES = 1


@pytest.fixture
def fake_zoom():
    zoom = FakeZoom(api_base=settings.ZOOM_API_BASE_URL, oauth_base=settings.ZOOM_OAUTH_BASE_URL)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        zoom.install(rsps)
        zoom.rsps = rsps
        yield zoom


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
