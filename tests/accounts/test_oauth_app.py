"""Which OAuth app "Connect with Zoom" uses: the admin's, else the environment's, else
config/oauth_zoom.json; a broken file is named, never a crash; the admin never shows the secret."""

import json

import pytest

from accounts.models import ZoomOAuthApp
from accounts.services import OAuthConnectError, oauth_connect_start, oauth_is_configured
from accounts.services.oauth_app import oauth_app

pytestmark = pytest.mark.django_db

ADMIN_SECRET = "admin-app-secret-0123456789"


@pytest.fixture
def config_file(settings, tmp_path):
    path = tmp_path / "config" / "oauth_zoom.json"
    path.parent.mkdir()
    settings.OAUTH_ZOOM_CONFIG_FILE = path
    return path


@pytest.fixture
def everywhere(settings, config_file):
    settings.OAUTH_ZOOM_CLIENT_ID = "envClientId01"
    settings.OAUTH_ZOOM_CLIENT_SECRET = "env-client-secret-0123"
    settings.OAUTH_ZOOM_REDIRECT_URI = "https://env.example/cb"
    config_file.write_text(
        json.dumps({"client_id": "fileClientId01", "client_secret": "file-secret-0123", "redirect_uri": ""})
    )
    ZoomOAuthApp.objects.create(
        client_id="adminClientId01", client_secret=ADMIN_SECRET, redirect_uri="https://admin.example/cb"
    )


def test_the_admin_wins_then_the_environment_then_the_file(everywhere, settings):
    app = oauth_app()
    assert (app.client_id, app.client_secret, app.redirect_uri, app.origin) == (
        "adminClientId01",
        ADMIN_SECRET,
        "https://admin.example/cb",
        "admin",
    )
    ZoomOAuthApp.objects.all().delete()
    assert (oauth_app().client_id, oauth_app().redirect_uri) == ("envClientId01", "https://env.example/cb")
    settings.OAUTH_ZOOM_CLIENT_SECRET = ""  # half an app in the environment is no app
    assert (
        oauth_app().client_id,
        oauth_app().redirect_uri,
        oauth_app().origin.endswith("oauth_zoom.json"),
    ) == (
        "fileClientId01",
        "",
        True,
    )


def test_the_flow_uses_the_winning_app(everywhere):
    url = oauth_connect_start(session={}, user_id=1, redirect_uri="http://testserver/fallback")
    assert "client_id=adminClientId01" in url


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"client_id": "x"', "is not valid JSON"),
        ("[1, 2]", "must hold one JSON object"),
        ('{"client_id": "fileClientId01"}', "has no client_secret"),
        ('{"client_id": 5, "client_secret": "file-secret-0123"}', "client_id must be a string"),
    ],
)
def test_a_broken_file_is_named_and_nothing_is_configured(config_file, content, problem):
    config_file.write_text(content)

    assert oauth_app() is None and not oauth_is_configured()
    with pytest.raises(OAuthConnectError) as refused:
        oauth_connect_start(session={}, user_id=1, redirect_uri="http://testserver/cb")
    assert "oauth_zoom.json" in str(refused.value) and problem in str(refused.value)


def test_nothing_configured_says_where_to_configure_it(config_file):
    with pytest.raises(OAuthConnectError) as refused:
        oauth_connect_start(session={}, user_id=1, redirect_uri="http://testserver/cb")
    assert "OAUTH_ZOOM_CLIENT_ID" in str(refused.value) and str(config_file) in str(refused.value)


def test_the_admin_form_never_shows_the_secret_and_a_blank_box_keeps_it(admin_client):
    add = admin_client.post(
        "/admin/accounts/zoomoauthapp/add/",
        {"client_id": "adminClientId01", "client_secret": ADMIN_SECRET, "redirect_uri": ""},
    )
    assert add.status_code == 302, add.content
    row = ZoomOAuthApp.objects.get()

    page = admin_client.get(f"/admin/accounts/zoomoauthapp/{row.pk}/change/").content.decode()
    assert ADMIN_SECRET not in page and ADMIN_SECRET[:-4] not in page
    assert "Stored: ••••" in page
    kept = admin_client.post(
        f"/admin/accounts/zoomoauthapp/{row.pk}/change/",
        {"client_id": "adminClientId02", "client_secret": "", "redirect_uri": "https://school.example/cb"},
    )
    assert kept.status_code == 302
    row.refresh_from_db()
    assert (row.client_id, row.client_secret) == ("adminClientId02", ADMIN_SECRET)
    # One app: a second cannot be added.
    assert admin_client.get("/admin/accounts/zoomoauthapp/add/").status_code == 403


def test_the_admin_form_refuses_an_app_without_a_secret(admin_client):
    refused = admin_client.post(
        "/admin/accounts/zoomoauthapp/add/", {"client_id": "adminClientId01", "client_secret": ""}
    )
    assert refused.status_code == 200 and "Paste the Client Secret" in refused.content.decode()
    assert not ZoomOAuthApp.objects.exists()
