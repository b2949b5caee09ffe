"""Reading a Zoom event body: parsing, its identity (fingerprint) and the columns we index.

Pure functions, no database: the intake view calls them before anything is stored.
Body shape (https://developers.zoom.us/docs/api/webhooks/):
{"event": "...", "event_ts": <ms>, "payload": {"account_id": "...", "object": {...}}}
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

URL_VALIDATION = "endpoint.url_validation"
# PostgreSQL's bigint: an event_ts beyond it is not a time Zoom sent.
_BIGINT_MAX = 2**63 - 1


class MalformedBody(ValueError):
    """The body is not a JSON object (so it cannot be a Zoom event)."""


def _reject_constant(name: str) -> Any:
    raise MalformedBody(f"JSON constant {name} is not allowed")


def parse_body(raw_body: bytes) -> tuple[str, dict]:
    """The body as text and as a dict; MalformedBody when it is not a JSON object."""
    try:
        text = raw_body.decode("utf-8")
        body = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedBody("the body is not valid JSON") from error
    if not isinstance(body, dict):
        raise MalformedBody("the body is not a JSON object")
    if "\x00" in text or "\\u0000" in text:
        # jsonb cannot hold NUL characters; a genuine event must still be storable.
        body = _without_nul(body)
    return text.replace("\x00", ""), body


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _text(value: Any, limit: int) -> str:
    """A scalar id as text (Zoom sends meeting ids as numbers or strings), cut to the column."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return str(value)[:limit]


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class EventFields:
    event_type: str
    event_ts: int | None
    account_id: str
    zoom_meeting_id: str
    zoom_meeting_uuid: str
    participant_uuid: str
    participant_user_id: str
    participant_email: str
    participant_name: str


def event_fields(body: dict) -> EventFields:
    """The columns copied out of the body for indexed lookups."""
    payload = _dict(body.get("payload"))
    obj = _dict(payload.get("object"))
    participant = _dict(obj.get("participant"))
    event_ts = body.get("event_ts")
    if isinstance(event_ts, bool) or not isinstance(event_ts, int) or not 0 <= event_ts <= _BIGINT_MAX:
        event_ts = None
    return EventFields(
        event_type=_text(body.get("event"), 100),
        event_ts=event_ts,
        account_id=_text(payload.get("account_id"), 100),
        zoom_meeting_id=_text(obj.get("id"), 64),
        zoom_meeting_uuid=_text(obj.get("uuid"), 100),
        participant_uuid=_text(participant.get("participant_uuid"), 100),
        participant_user_id=_text(participant.get("user_id"), 100),
        participant_email=_text(participant.get("email"), 254),
        participant_name=_text(participant.get("user_name"), 255),
    )


def fingerprint(body: dict) -> str:
    """A hash of what makes the event itself, the same for every redelivery of it.

    Zoom marks no retry in its headers and does not promise the request id survives one, so
    the identity comes from the body: the event, its event_ts and the ids of what it is about
    (two participants joining in the same millisecond are still two events).
    """
    payload = _dict(body.get("payload"))
    obj = _dict(payload.get("object"))
    participant = _dict(obj.get("participant"))
    files = obj.get("recording_files")
    file_ids = sorted(
        _text(f.get("id"), 200) for f in (files if isinstance(files, list) else []) if isinstance(f, dict)
    )
    ids = {
        "account_id": payload.get("account_id"),
        "object_id": obj.get("id"),
        "object_uuid": obj.get("uuid"),
        "participant": [
            participant.get(key)
            for key in ("participant_uuid", "user_id", "id", "join_time", "leave_time", "user_name")
        ]
        if participant
        else None,
        "recording_files": file_ids or None,
        # webinar.registration_*: two people registering in the same millisecond are two events.
        "registrant": _text(_dict(obj.get("registrant")).get("id"), 100) or None,
        # app_deauthorized and other user-level events.
        "user_id": payload.get("user_id"),
        "client_id": payload.get("client_id"),
    }
    identity: dict[str, Any] = {"event": body.get("event"), "event_ts": body.get("event_ts")}
    identity.update({key: value for key, value in ids.items() if value not in (None, "", [])})
    if len(identity) <= 3:
        # Nothing but the account to tell two such events apart: the whole payload decides.
        identity["payload"] = payload
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
