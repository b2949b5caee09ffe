"""Zoom webhook signatures, the endpoint URL validation answer, and sending signed deliveries.

https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events
x-zm-signature = "v0=" + hex(HMAC-SHA256(secret_token, "v0:{x-zm-request-timestamp}:{raw body}"))
"""

import hashlib
import hmac
import time

import requests

import zoomhub

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
# Zoom gives no replay window of its own; five minutes tolerates clock drift and stops replays.
DEFAULT_TOLERANCE_SECONDS = 300
# The school's own receivers are not Zoom: a session of their own, outside the Zoom client's
# metrics and retries, and a User-Agent that says these are ZoomHub's events.
EVENTS_USER_AGENT = f"ZoomHub/{zoomhub.__version__} events"


def sign(secret: str, timestamp: str | int, raw_body: bytes) -> str:
    message = b"v0:" + str(timestamp).encode() + b":" + raw_body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | None,
    raw_body: bytes,
    signature: str | None,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when the body was signed with `secret` and the timestamp is within `tolerance` of now."""
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, raw_body), signature)


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to `endpoint.url_validation`: the token and its HMAC under the app's secret."""
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not answer in time; the message names how."""


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Headers that sign `body` exactly as Zoom signs its webhooks, so a receiver reuses its check."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": EVENTS_USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def post_signed(url: str, body: bytes, *, secret: str, timeout: float) -> int:
    """POST a signed delivery to `url`; the receiver's HTTP status (redirects are not followed)."""
    try:
        answer = requests.post(
            url, data=body, headers=signed_headers(secret, body), timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as failure:
        raise DeliveryFailed(type(failure).__name__) from failure
    return answer.status_code
