"""Zoom's webhook signatures and the endpoint URL validation answer.

https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
"""

import hashlib
import hmac
import json

from zoomhub.zoom.webhooks import sign, url_validation_response, verify_signature

SECRET = "wh-secret-token-7c6b5a4f3e"
NOW = 1_700_000_000
BODY = json.dumps(
    {
        "event": "meeting.started",
        "event_ts": NOW * 1000,
        "payload": {
            "account_id": "Xa8Bc7Dd6Ee5",
            "object": {"id": "85746065432", "uuid": "aDYlohsHRtCd4ii1uC2+hA=="},
        },
    },
    separators=(",", ":"),
).encode()


def zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Zoom's formula, written out independently of the code under test."""
    message = f"v0:{timestamp}:{body.decode()}"
    return "v0=" + hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_sign_follows_zooms_formula():
    assert sign(SECRET, str(NOW), BODY) == zoom_signature(SECRET, str(NOW), BODY)


def test_a_genuine_event_verifies():
    assert verify_signature(SECRET, str(NOW), BODY, zoom_signature(SECRET, str(NOW), BODY), now=NOW + 3)


def test_a_wrong_secret_is_refused():
    signature = zoom_signature("another-apps-secret", str(NOW), BODY)
    assert not verify_signature(SECRET, str(NOW), BODY, signature, now=NOW)


def test_a_tampered_body_is_refused():
    signature = zoom_signature(SECRET, str(NOW), BODY)
    tampered = BODY.replace(b"meeting.started", b"meeting.deleted")
    assert not verify_signature(SECRET, str(NOW), tampered, signature, now=NOW)


def test_a_changed_timestamp_is_refused():
    signature = zoom_signature(SECRET, str(NOW), BODY)
    assert not verify_signature(SECRET, str(NOW + 1), BODY, signature, now=NOW)


def test_stale_and_future_timestamps_are_refused():
    old, future = str(NOW - 301), str(NOW + 301)
    assert not verify_signature(SECRET, old, BODY, zoom_signature(SECRET, old, BODY), now=NOW)
    assert not verify_signature(SECRET, future, BODY, zoom_signature(SECRET, future, BODY), now=NOW)
    edge = str(NOW - 300)
    assert verify_signature(SECRET, edge, BODY, zoom_signature(SECRET, edge, BODY), now=NOW)


def test_missing_headers_or_secret_are_refused():
    signature = zoom_signature(SECRET, str(NOW), BODY)
    assert not verify_signature(SECRET, None, BODY, signature, now=NOW)
    assert not verify_signature(SECRET, str(NOW), BODY, None, now=NOW)
    assert not verify_signature(SECRET, "", BODY, signature, now=NOW)
    assert not verify_signature("", str(NOW), BODY, zoom_signature("", str(NOW), BODY), now=NOW)
    assert not verify_signature(SECRET, "not-a-number", BODY, signature, now=NOW)


def test_url_validation_answer():
    plain = "qgg8vlvZRS6UYooatFL8Aw"
    answer = url_validation_response(SECRET, plain)
    assert answer == {
        "plainToken": plain,
        "encryptedToken": hmac.new(SECRET.encode(), plain.encode(), hashlib.sha256).hexdigest(),
    }
