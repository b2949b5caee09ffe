"""The API tokens page, the docs page and OpenAPI document, and GET /api/v1/recordings."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.models import Credential
from api.models import ApiToken
from recordings.models import Recording, RecordingFile, Source
from tests.api.conftest import ApiClient, assert_error, make_token

pytestmark = pytest.mark.django_db

PAGE = "/zoom-accounts/api-tokens/"


def test_staff_make_a_token_that_is_shown_once_and_works(staff_client, client):
    response = staff_client.post(PAGE, {"name": "trial-lesson bot", "scope": "read_write"})

    html = response.content.decode()
    raw = re.search(r'id="new-token-value" readonly value="(zh_[^"]+)"', html).group(1)
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.user.username) == ("trial-lesson bot", "read_write", "staff")
    assert raw not in staff_client.get(PAGE).content.decode()  # never again
    assert token.prefix in staff_client.get(PAGE).content.decode()
    assert ApiClient(client, raw).get("/api/v1/credentials/").status_code == 200


def test_a_nameless_token_is_refused(staff_client):
    response = staff_client.post(PAGE, {"name": " ", "scope": "read"})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_staff_revoke_their_own_tokens_only(staff_client, superuser, client):
    mine, raw = make_token(staff_client.get(PAGE).wsgi_request.user)
    theirs, _ = make_token(superuser)

    staff_client.post(f"{PAGE}{mine.pk}/revoke/")
    assert staff_client.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert_error(ApiClient(client, raw).get("/api/v1/credentials/"), 401)
    assert "revoked" in staff_client.get(PAGE).content.decode()


def test_the_page_is_for_staff_only(client, outsider):
    assert client.get(PAGE).status_code == 302
    client.force_login(outsider)
    assert client.get(PAGE).status_code == 403


def test_the_header_links_the_page(staff_client):
    assert PAGE in staff_client.get("/").content.decode()


def test_the_openapi_document_needs_a_token_or_a_staff_session(read_token, staff_client):
    client = Client()
    assert_error(client.get("/api/v1/openapi.json"), 401)
    document = ApiClient(client, read_token).get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/sources/{source_id}/sync" in document["paths"]
    assert staff_client.get("/api/v1/openapi.json").status_code == 200


def test_the_docs_page_loads_swagger_from_zoomhub_not_a_cdn(staff_client):
    html = staff_client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    # collectstatic (production) and `make run` (debug, finders) serve it from ZoomHub.
    assert finders.find("ninja/swagger-ui-bundle.js")
    assert Client().get("/api/v1/docs").status_code == 302  # to sign in


def test_recordings_are_filtered_and_paged_newest_first_without_zoom_urls(
    read_api, django_assert_max_num_queries
):
    credential = Credential.objects.create(
        kind="server_to_server", name="c", account_id="acct1", client_id="client1", client_secret="s" * 20
    )
    source = Source.objects.create(name="s", credential=credential)
    other = Source.objects.create(name="t", credential=credential)
    for day in range(1, 7):
        recording = Recording.objects.create(
            uuid=f"uuid{day}==",
            zoom_meeting_id=100 + day,
            source=source if day != 6 else other,
            topic=f"Lesson {day}",
            start_time=dt.datetime(2025, 1, day, 12, tzinfo=dt.UTC),
            duration=60,
        )
        for kind in ("MP4", "M4A"):
            RecordingFile.objects.create(
                recording=recording,
                zoom_file_id=f"{kind}{day}",
                file_type=kind,
                file_size=1000,
                download_url=f"https://zoom.us/rec/download/{kind}{day}?access_token=zoomsecret{day}",
            )

    with django_assert_max_num_queries(5):
        response = read_api.get(
            "/api/v1/recordings", {"from": "2025-01-02", "to": "2025-01-05", "source": source.pk, "limit": 3}
        )
    body = response.json()
    assert [r["topic"] for r in body["items"]] == ["Lesson 5", "Lesson 4", "Lesson 3"]
    assert [f["file_type"] for f in body["items"][0]["files"]] == ["MP4", "M4A"]
    assert body["items"][0]["files"][0]["url"].startswith("http://testserver/recordings/files/")
    assert "zoomsecret" not in response.content.decode() and "zoom.us/rec" not in response.content.decode()
    rest = read_api.get(
        "/api/v1/recordings",
        {
            "from": "2025-01-02",
            "to": "2025-01-05",
            "source": source.pk,
            "limit": 3,
            "cursor": body["next_cursor"],
        },
    ).json()
    assert [r["topic"] for r in rest["items"]] == ["Lesson 2"]
    assert [r["topic"] for r in read_api.get("/api/v1/recordings", {"source": other.pk}).json()["items"]] == [
        "Lesson 6"
    ]
    assert_error(read_api.get("/api/v1/recordings", {"from": "not a date"}), 400)
