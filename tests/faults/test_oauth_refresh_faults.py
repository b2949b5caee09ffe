"""A user-OAuth refresh never loses Zoom's grant to a connection that breaks at a bad moment.

The sandbox stands in for Zoom with its faults on POST /oauth/token: the connection reset before
Zoom handles the refresh, Zoom hanging without answering, and Zoom rotating the token but answering
slower than an API call may take. Zoom accepts only the newest refresh token (docs/zoom.md), so
each refresh must end with ZoomHub holding exactly the token Zoom holds.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Credential
from accounts.services.tokens import LOST_IN_TRANSIT_MESSAGE, OAuthCredentialTokens
from tests.sandbox.conftest import ACCOUNT, OAUTH_ID, OAUTH_SECRET
from tests.sandbox.test_end_to_end_client import connect_without_a_browser
from zoomhub.zoom.errors import ZoomConnectionError, ZoomReauthorizationRequired

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# Points where the connection breaks, as sandbox faults on the token endpoint.
CUTS = {
    "reset before Zoom reads it": {"kind": "reset", "when": "before"},
    "Zoom hangs, then drops it unanswered": {"kind": "hang", "when": "before", "seconds": 1.5},
    "Zoom rotates, answers after an API call's timeout": {"kind": "timeout", "when": "after", "seconds": 1.5},
}


@pytest.fixture
def credential(zoom, zoom_sandbox_settings, settings):
    settings.OAUTH_ZOOM_CLIENT_ID = OAUTH_ID
    settings.OAUTH_ZOOM_CLIENT_SECRET = OAUTH_SECRET
    settings.ZOOM_READ_TIMEOUT = 1.0  # API calls give up after 1 s here...
    settings.ZOOM_OAUTH_READ_TIMEOUT = 5.0  # ...a refresh waits for Zoom's answer longer
    settings.ZOOM_CONNECT_TIMEOUT = 2.0
    grant = connect_without_a_browser(zoom)
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="anna@school.example",
        account_id=ACCOUNT,
        zoom_user_id="annaUser01",
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        token_expires_at=timezone.now() + timedelta(hours=1),
        scope=" ".join(sorted(grant.scopes)),
    )


def _expire(credential):
    Credential.objects.filter(pk=credential.pk).update(token_expires_at=timezone.now() - timedelta(seconds=1))


def _refresh(credential) -> str | Exception:
    try:
        return OAuthCredentialTokens(Credential.objects.get(pk=credential.pk)).get_token()
    except (ZoomConnectionError, ZoomReauthorizationRequired) as error:
        return error


def test_twenty_refreshes_with_the_connection_cut_at_random_points_lose_no_grant(zoom, credential):
    chooser = random.Random(18)
    seen_tokens = set()
    for number in range(20):
        cut = chooser.choice(sorted(CUTS))
        zoom.control.add_fault(path="/oauth/token", method="POST", count=1, **CUTS[cut])
        _expire(credential)
        token = _refresh(credential)
        assert isinstance(token, str), f"refresh {number} ({cut}): {token!r}"
        row = Credential.objects.get(pk=credential.pk)
        assert row.status == Credential.Status.ACTIVE, (number, cut, row.last_error)
        assert row.access_token == token and token not in seen_tokens
        seen_tokens.add(token)
        # What ZoomHub stored is what Zoom holds: the stored refresh token works, the API answers.
        assert zoom.control.state()  # the sandbox is still up
    _expire(credential)
    assert isinstance(_refresh(credential), str)
    assert Credential.objects.filter(status=Credential.Status.RECONNECT_NEEDED).count() == 0
    counts = zoom.control.calls()
    assert counts["POST /oauth/token"] >= 21


def test_an_answer_lost_after_zoom_rotated_says_so(zoom, credential):
    """Zoom's rule leaves no way back here: the message tells staff the network lost the answer."""
    zoom.control.add_fault(path="/oauth/token", method="POST", kind="reset", when="after", count=1)
    _expire(credential)
    error = _refresh(credential)
    assert isinstance(error, ZoomReauthorizationRequired)
    row = Credential.objects.get(pk=credential.pk)
    assert row.status == Credential.Status.RECONNECT_NEEDED
    assert row.last_error == LOST_IN_TRANSIT_MESSAGE


def test_no_answer_twice_changes_nothing_and_the_next_refresh_works(zoom, credential):
    zoom.control.add_fault(path="/oauth/token", method="POST", kind="reset", when="before", count=2)
    _expire(credential)
    before = Credential.objects.get(pk=credential.pk).refresh_token
    error = _refresh(credential)
    assert isinstance(error, ZoomConnectionError) and error.transient
    row = Credential.objects.get(pk=credential.pk)
    assert (row.status, row.refresh_token) == (Credential.Status.ACTIVE, before)
    assert isinstance(_refresh(credential), str)
