"""Zoom's webhook endpoint: verify, store once, answer fast.

Zoom retries a delivery only after a status >= 500 or a timeout, never after a 4xx, and waits
3 seconds (https://developers.zoom.us/docs/api/webhooks/#webhook-delivery). So: a genuine,
well-signed event always gets 200 (stored) or 503 (could not store: Zoom will retry); 4xx is
only for requests that cannot be a genuine event (bad signature, not JSON, too large, unknown
URL). Processing happens later in a worker.
"""

import json
import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Credential
from webhooks.events import URL_VALIDATION, MalformedBody, parse_body
from webhooks.services import webhook_event_record
from zoomhub.zoom.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    url_validation_response,
    verify_signature,
)

logger = logging.getLogger(__name__)

# Zoom's plainToken is a short URL-safe random string. Refusing anything else matters when the
# validation request comes unsigned: an answer is HMAC(secret, plainToken), and a plainToken
# of "v0:<ts>:<body>" would make us sign a forged event for the caller.
PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,128}")


@dataclass(frozen=True)
class Answer:
    """What a delivery is answered, whoever serves it (a Django view or webhooks.wsgi)."""

    status: int
    result: str  # how /metrics counts it (metrics.WEBHOOK_RESULTS)
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


def _refuse(status: int, message: str, result: str) -> Answer:
    return Answer(status, result, message.encode())


TOO_LARGE = _refuse(413, "Body too large.", "refused_size")
BAD_SIGNATURE = _refuse(401, "Invalid signature.", "refused_signature")
NOT_JSON = _refuse(400, "The body is not a JSON object.", "refused_body")
UNKNOWN_URL = _refuse(404, "Unknown webhook URL.", "unknown_url")
UNAVAILABLE = _refuse(503, "Temporarily unavailable, please retry.", "unavailable")
STORED = Answer(200, "accepted")
DUPLICATE = Answer(200, "duplicate")


def _response(request: HttpRequest, answer: Answer) -> HttpResponse:
    request.webhook_result = answer.result  # counted in /metrics
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


def read_limited(stream, declared_length: str | None) -> bytes | None:
    """The body, or None when it is larger than the limit (read no further than the limit)."""
    limit = settings.ZOOM_WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(declared_length or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = stream.read(limit + 1)
    return None if len(raw) > limit else raw


# code -> (credential id, secret, read at). Reading the credential costs a database round trip
# and a decryption on every delivery; the secret changes rarely, and a delivery that does not
# verify against the kept secret re-reads it, so a new secret works at once. (An old secret
# keeps working for at most SECRET_CACHE_SECONDS after it was replaced.)
SECRET_CACHE_SECONDS = 10.0
_secrets: dict[str, tuple[int, str, float]] = {}


def _read_secret(code: str) -> tuple[int, str] | None:
    credential = Credential.objects.only("id", "webhook_secret_token").filter(webhook_code=code).first()
    if credential is None:
        _secrets.pop(code, None)
        return None
    secret = credential.webhook_secret_token or ""
    _secrets[code] = (credential.pk, secret, time.monotonic())
    return credential.pk, secret


def credential_delivery(code: str, raw: bytes | None, timestamp: str | None, signature: str | None) -> Answer:
    """A delivery to the webhook URL of one connected account's Zoom app (Server-to-Server or OAuth)."""
    if raw is None:
        return TOO_LARGE
    cached = _secrets.get(code)
    try:
        if cached is not None and time.monotonic() - cached[2] < SECRET_CACHE_SECONDS:
            found = cached[:2]
        else:
            found = _read_secret(code)
            cached = None
        if found is None:
            return UNKNOWN_URL
        credential_id, secret = found
        reread = None if cached is None else (lambda: _read_secret(code))
        return _intake(
            raw, timestamp, signature, secret=secret, credential_id=credential_id, reread_secret=reread
        )
    except DatabaseError:
        _secrets.pop(code, None)  # the credential may be gone: read it afresh next time
        logger.exception("Webhook intake could not use the database")
        return UNAVAILABLE


@csrf_exempt
@require_POST
def credential_webhook(request: HttpRequest, code: str) -> HttpResponse:
    """The webhook URL of one connected account's Zoom app (also served by webhooks.wsgi)."""
    raw = read_limited(request, request.META.get("CONTENT_LENGTH"))
    return _response(
        request,
        credential_delivery(
            code, raw, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER)
        ),
    )


@csrf_exempt
@require_POST
def oauth_app_webhook(request: HttpRequest) -> HttpResponse:
    """The webhook URL of the user-OAuth app behind "Connect with Zoom" (one secret for all users)."""
    raw = read_limited(request, request.META.get("CONTENT_LENGTH"))
    if raw is None:
        return _response(request, TOO_LARGE)
    try:
        answer = _intake(
            raw,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            secret=settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN,
            credential_id=None,
        )
    except DatabaseError:
        logger.exception("Webhook intake could not use the database")
        answer = UNAVAILABLE
    return _response(request, answer)


def _intake(
    raw: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    secret: str,
    credential_id: int | None,
    reread_secret=None,
    verified_and_parsed: tuple[str, dict] | None = None,
) -> Answer:
    """Verify, parse, answer URL validation or store. DatabaseError propagates (the caller answers 503).

    `verified_and_parsed`: the caller already checked the signature against `secret` and parsed
    the body (the shared URL does, to tell which app sent it): neither is done again."""
    signed = timestamp is not None or signature is not None
    if verified_and_parsed is not None:
        text, body = verified_and_parsed
    else:
        if signed and not verify_signature(secret, timestamp, raw, signature, now=time.time()):
            fresh = reread_secret() if reread_secret else None
            if fresh is None or not verify_signature(fresh[1], timestamp, raw, signature, now=time.time()):
                return BAD_SIGNATURE
            credential_id, secret = fresh
        try:
            text, body = parse_body(raw)
        except MalformedBody:
            return NOT_JSON

    if body.get("event") == URL_VALIDATION:
        if reread_secret is not None:
            # Rare (every 72 h), and often right after someone pasted a new secret: no kept copy.
            fresh = reread_secret()
            secret = fresh[1] if fresh else ""
        return _url_validation(body, secret)
    if not signed:
        return BAD_SIGNATURE

    # Not stored → DatabaseError → 503: the only answer that makes Zoom deliver it again.
    receipt = webhook_event_record(credential_id=credential_id, raw_body=text, body=body)
    return STORED if receipt.created else DUPLICATE


def _url_validation(body: dict, secret: str) -> Answer:
    """Zoom's endpoint check (every 72 h): needs only the secret, never the database or Redis."""
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    plain_token = payload.get("plainToken")
    if not secret:
        return _refuse(401, "No secret token is configured for this webhook URL.", "url_validation")
    if not isinstance(plain_token, str) or not PLAIN_TOKEN.fullmatch(plain_token):
        return _refuse(400, "payload.plainToken is missing or malformed.", "url_validation")
    answer = json.dumps(url_validation_response(secret, plain_token), separators=(",", ":"))
    return Answer(200, "url_validation", answer.encode(), "application/json")


# -- /webhooks/zoom: one URL for a single-account school -------------------------------------------

# (credential id or None, secret) of every app whose events may arrive at /webhooks/zoom, read at
# most every SECRET_CACHE_SECONDS (a delivery no kept secret verifies re-reads them once).
_shared: dict[str, tuple[list[tuple[int | None, str]], float]] = {}


def _env_credential_id() -> int | None:
    """The credential ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID name (zoom_credential_from_env made it)."""
    if not (settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID):
        return None
    return (
        Credential.objects.filter(
            kind=Credential.Kind.SERVER_TO_SERVER,
            account_id=settings.ZOOM_ACCOUNT_ID.strip(),
            client_id=settings.ZOOM_CLIENT_ID.strip(),
        )
        .values_list("pk", flat=True)
        .first()
    )


def _read_shared_secrets() -> list[tuple[int | None, str]]:
    """Each account's own secret token first, then the environment's, then the OAuth app's."""
    candidates: list[tuple[int | None, str]] = [
        (credential.pk, credential.webhook_secret_token)
        for credential in Credential.objects.exclude(status=Credential.Status.REVOKED)
        .exclude(webhook_secret_token=None)
        .only("id", "webhook_secret_token")
        .order_by("id")
        if credential.webhook_secret_token
    ]
    if settings.ZOOM_WEBHOOK_SECRET_TOKEN:
        # Its account is looked up per event (_attributed): it may be connected after this read.
        candidates.append((None, settings.ZOOM_WEBHOOK_SECRET_TOKEN))
    if settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN:
        candidates.append((None, settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN))
    _shared["all"] = (candidates, time.monotonic())
    return candidates


def _shared_secrets(*, fresh: bool = False) -> list[tuple[int | None, str]]:
    kept = _shared.get("all")
    if not fresh and kept is not None and time.monotonic() - kept[1] < SECRET_CACHE_SECONDS:
        return kept[0]
    return _read_shared_secrets()


def _signer(
    raw: bytes, timestamp: str | None, signature: str | None, candidates
) -> tuple[int | None, str] | None:
    now = time.time()
    for credential_id, secret in candidates:
        if verify_signature(secret, timestamp, raw, signature, now=now):
            return credential_id, secret
    return None


def _attributed(credential_id: int | None, secret: str, body: dict) -> int | None:
    """The account an event verified by the environment's secret belongs to.

    The environment's app first; else the account whose Zoom account ID the event names; else,
    for a school with a single account, that account.
    """
    if credential_id is not None or secret != settings.ZOOM_WEBHOOK_SECRET_TOKEN:
        return credential_id
    env_credential_id = _env_credential_id()
    if env_credential_id is not None:
        return env_credential_id
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    account_id = payload.get("account_id")
    usable = Credential.objects.exclude(status=Credential.Status.REVOKED)
    if isinstance(account_id, str) and account_id:
        named = list(usable.filter(account_id=account_id).values_list("pk", flat=True)[:2])
        if len(named) == 1:
            return named[0]
    only = list(usable.values_list("pk", flat=True)[:2])
    return only[0] if len(only) == 1 else None


@csrf_exempt
@require_POST
def shared_webhook(request: HttpRequest) -> HttpResponse:
    """/webhooks/zoom: events of any connected app, told apart by the secret that signed them.

    For a school with one Zoom app and its secret token in ZOOM_WEBHOOK_SECRET_TOKEN (the Integrato
    setup). A delivery no known secret verifies is refused (401), as on the per-account URLs; the
    unsigned URL validation is answered with the environment's secret.
    """
    raw = read_limited(request, request.META.get("CONTENT_LENGTH"))
    timestamp = request.headers.get(TIMESTAMP_HEADER)
    signature = request.headers.get(SIGNATURE_HEADER)
    return _response(request, _shared_delivery(raw, timestamp, signature))


def _shared_delivery(raw: bytes | None, timestamp: str | None, signature: str | None) -> Answer:
    if raw is None:
        return TOO_LARGE
    try:
        if timestamp is None and signature is None:  # only URL validation may come unsigned
            return _intake(raw, None, None, secret=settings.ZOOM_WEBHOOK_SECRET_TOKEN, credential_id=None)
        found = _signer(raw, timestamp, signature, _shared_secrets()) or _signer(
            raw, timestamp, signature, _shared_secrets(fresh=True)
        )
        if found is None:
            return BAD_SIGNATURE
        credential_id, secret = found
        try:
            parsed = parse_body(raw)
        except MalformedBody:
            return NOT_JSON
        credential_id = _attributed(credential_id, secret, parsed[1])
        return _intake(
            raw, timestamp, signature, secret=secret, credential_id=credential_id, verified_and_parsed=parsed
        )
    except DatabaseError:
        _shared.clear()
        logger.exception("Webhook intake could not use the database")
        return UNAVAILABLE
