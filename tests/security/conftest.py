import pytest

from tests.security.world import build_world, secret_settings
from zoomhub.zoom import ratelimit


@pytest.fixture(autouse=True)
def _nowhere_zoom(settings, tmp_path):
    """Zoom is a closed port: nothing in the security suite may depend on reaching it."""
    settings.ZOOM_API_BASE_URL = "http://127.0.0.1:9/v2"
    settings.ZOOM_OAUTH_BASE_URL = "http://127.0.0.1:9/oauth"
    settings.ZOOM_MAX_RETRIES = 0
    settings.ZOOM_RATE_LIMIT_RETRIES = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECORDINGS_PARTIAL_DIR = tmp_path / "partial"
    ratelimit.reset_local_state()
    yield
    ratelimit.reset_local_state()


@pytest.fixture
def world(db, settings, staff_user, superuser, outsider):
    secret_settings(settings)
    return build_world(staff=staff_user, superuser=superuser, outsider=outsider)
