"""/v2 meetings: create (201), get, patch (204, same join_url), delete (204, then 3001), list.

https://developers.zoom.us/docs/api/meetings/#tag/meetings — plus the cap of 100 meeting
creates/updates per host user per day, reset at 00:00 UTC, answered with a 429 that carries no
Retry-After (https://developers.zoom.us/docs/api/rate-limits/#meeting-createupdate-requests).
"""

import copy
import secrets
import string
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from sandbox import api, errors
from sandbox.clock import iso, parse_iso
from sandbox.models import Meeting, User
from sandbox.recurrence import RecurrenceError, occurrences
from sandbox.router import Response, Router
from zoomhub.zoom.limits import DAILY_MEETING_LIMIT_MESSAGE, MEETING_CREATE_UPDATE_PER_USER_PER_DAY

if TYPE_CHECKING:
    from sandbox.server import Sandbox

DEFAULT_SETTINGS = {
    "host_video": False,
    "participant_video": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "waiting_room": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "alternative_hosts": "",
    "enforce_login": False,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
}
MEETING_TYPES = (1, 2, 3, 8)


def routes(sb: "Sandbox") -> Router:
    router = Router()
    api.add(router, sb, "POST", "/v2/users/{userId}/meetings", lambda c: create(sb, c))
    api.add(router, sb, "GET", "/v2/users/{userId}/meetings", lambda c: list_meetings(sb, c))
    api.add(router, sb, "GET", "/v2/meetings/{meetingId}", lambda c: get(sb, c))
    api.add(router, sb, "PATCH", "/v2/meetings/{meetingId}", lambda c: update(sb, c))
    api.add(router, sb, "DELETE", "/v2/meetings/{meetingId}", lambda c: delete(sb, c))
    router.add(
        "GET",
        "/j/{meetingId}",
        lambda r: Response.html(
            f"<p>Zoom sandbox: joining meeting {int_or_zero(r.params['meetingId'])}.</p>"
        ),
    )
    router.add(
        "GET",
        "/s/{meetingId}",
        lambda r: Response.html(
            f"<p>Zoom sandbox: starting meeting {int_or_zero(r.params['meetingId'])}.</p>"
        ),
    )
    return router


def int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0


def decode_meeting_id(raw_once_decoded: str) -> str | None:
    """A meeting id or UUID from a path segment already decoded once by the router.

    Zoom wants a UUID that begins with "/" or contains "//" encoded twice; sent encoded once,
    its gateway collapses the slashes and the meeting is not found.
    """
    if "%" in raw_once_decoded:
        return unquote(raw_once_decoded)
    if raw_once_decoded.startswith("/") or "//" in raw_once_decoded:
        return None
    return raw_once_decoded


def validation_failed(field: str) -> Response:
    return Response.json(
        {
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": field, "message": "Invalid field."}],
        },
        status=400,
    )


def _spend_daily_cap(sb: "Sandbox", host: User) -> Response | None:
    if not sb.state.settings.daily_meeting_cap:
        return None
    key = (host.id, sb.state.clock.now().date().isoformat())
    with sb.state.lock:
        if sb.state.meeting_writes[key] >= MEETING_CREATE_UPDATE_PER_USER_PER_DAY:
            # No Retry-After and no X-RateLimit-Type: recognisable by the message only.
            response = errors.zoom_error(429, 429, DAILY_MEETING_LIMIT_MESSAGE)
            response.without_rate_limit_headers = True
            return response
        sb.state.meeting_writes[key] += 1
    return None


def _parse_start(value, timezone: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise ValueError
    if value.endswith("Z") or "+" in value[10:] or value[10:].count("-") > 0:
        return parse_iso(value)
    return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(timezone or "UTC"))


def _apply(sb: "Sandbox", meeting: Meeting, body: dict, *, creating: bool) -> Response | None:
    """Validate `body` and write it into `meeting`; a 400 Response on bad input (nothing changed)."""
    draft = copy.deepcopy(meeting)
    if "topic" in body:
        if not isinstance(body["topic"], str) or len(body["topic"]) > 200:
            return validation_failed("topic")
        draft.topic = body["topic"]
    if "type" in body:
        if body["type"] not in MEETING_TYPES:
            return validation_failed("type")
        draft.type = body["type"]
    if "timezone" in body:
        try:
            ZoneInfo(body["timezone"])
        except (KeyError, ValueError, TypeError):
            return validation_failed("timezone")
        draft.timezone = body["timezone"]
    if "start_time" in body:
        try:
            draft.start_time = _parse_start(body["start_time"], draft.timezone)
        except (ValueError, KeyError):
            return validation_failed("start_time")
    if "duration" in body:
        if (
            not isinstance(body["duration"], int)
            or isinstance(body["duration"], bool)
            or body["duration"] < 0
        ):
            return validation_failed("duration")
        draft.duration = body["duration"]
    if "agenda" in body:
        if not isinstance(body["agenda"], str) or len(body["agenda"]) > 2000:
            return validation_failed("agenda")
        draft.agenda = body["agenda"]
    if "password" in body:
        if not isinstance(body["password"], str) or len(body["password"]) > 10:
            return validation_failed("password")
        draft.password = body["password"]
    if "settings" in body:
        if not isinstance(body["settings"], dict):
            return validation_failed("settings")
        draft.settings = {**draft.settings, **body["settings"]}
    if "recurrence" in body:
        if not isinstance(body["recurrence"], dict):
            return validation_failed("recurrence")
        draft.recurrence = body["recurrence"]
    if draft.type in (2, 8) and draft.start_time is None:
        draft.start_time = sb.state.clock.now().replace(second=0, microsecond=0)
    if draft.type == 8:
        if not draft.recurrence:
            return validation_failed("recurrence")
        try:
            draft.occurrences = occurrences(
                draft.start_time, draft.timezone, draft.duration, draft.recurrence
            )
        except RecurrenceError as error:
            return validation_failed(str(error))
        if draft.occurrences and creating:
            draft.start_time = parse_iso(draft.occurrences[0]["start_time"])
    elif draft.type != 3:
        draft.recurrence = None
        draft.occurrences = []
    meeting.__dict__.update(draft.__dict__)
    return None


def create(sb: "Sandbox", call: api.Call) -> Response:
    host = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(host, Response):
        return host
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    capped = _spend_daily_cap(sb, host)
    if capped:
        return capped
    meeting = create_meeting(sb, host, body, operator=_operator(sb, call))
    if isinstance(meeting, Response):
        return meeting
    return Response.json(meeting_json(sb, meeting), status=201)


def blank_meeting(
    sb: "Sandbox", host: User, *, topic: str, type: int, join_path: str, join_key: str
) -> Meeting:
    """A new meeting or webinar of `host` with Zoom's defaults, before the request's fields apply."""
    state = sb.state
    meeting_id = state.new_meeting_id()
    return Meeting(
        id=meeting_id,
        uuid=state.new_uuid(),
        host_id=host.id,
        account_id=host.account_id,
        topic=topic,
        type=type,
        start_time=None,
        duration=60,
        timezone=host.timezone,
        agenda="",
        password="".join(state.rng.choice(string.ascii_letters + string.digits) for _ in range(6)),
        settings=copy.deepcopy(DEFAULT_SETTINGS),
        recurrence=None,
        occurrences=[],
        created_at=state.clock.now().replace(microsecond=0),
        join_url=f"{sb.base_url}/{join_path}/{meeting_id}?{join_key}={secrets.token_urlsafe(24)}",
        start_url=f"{sb.base_url}/s/{meeting_id}?zak={secrets.token_urlsafe(32)}",
    )


def create_meeting(sb: "Sandbox", host: User, body: dict, *, operator: dict) -> Meeting | Response:
    """Make a meeting for `host` (through the API, or in Zoom's web portal) and send meeting.created,
    which Zoom sends for both. https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.created"""
    state = sb.state
    meeting = blank_meeting(sb, host, topic="Zoom meeting", type=2, join_path="j", join_key="pwd")
    invalid = _apply(sb, meeting, body, creating=True)
    if invalid:
        return invalid
    with state.lock:
        state.meetings[meeting.id] = meeting
    data = meeting_json(sb, meeting)
    created = {
        key: data[key]
        for key in (
            "uuid",
            "id",
            "host_id",
            "topic",
            "type",
            "start_time",
            "duration",
            "timezone",
            "join_url",
            "recurrence",
            "occurrences",
        )
        if key in data
    }
    sb.webhooks.publish(
        account_id=meeting.account_id,
        event="meeting.created",
        payload={**operator, "operation": "all", "object": created},
    )
    return meeting


def meeting_json(sb: "Sandbox", meeting: Meeting) -> dict:
    host = sb.state.users.get(meeting.host_id)
    data = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "host_email": host.email if host else "",
        "assistant_id": "",
        "topic": meeting.topic,
        "type": meeting.type,
        "status": meeting.status,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "created_at": iso(meeting.created_at),
        "start_url": meeting.start_url,
        "join_url": meeting.join_url,
        "password": meeting.password,
        "h323_password": meeting.password,
        "pstn_password": meeting.password,
        "encrypted_password": meeting.join_url.rsplit("pwd=", 1)[-1],
        "pre_schedule": False,
        "settings": dict(meeting.settings),
    }
    if meeting.start_time is not None:
        data["start_time"] = iso(meeting.start_time)
    if meeting.type != 3:
        data["duration"] = meeting.duration
    if meeting.recurrence:
        data["recurrence"] = dict(meeting.recurrence)
    if meeting.occurrences:
        data["occurrences"] = [dict(o) for o in meeting.occurrences if o["status"] != "deleted"]
    return data


def find_meeting(sb: "Sandbox", call: api.Call) -> Meeting | Response:
    raw = call.request.params["meetingId"]
    if not raw.isdigit():
        return errors.meeting_not_found(raw)
    with sb.state.lock:
        meeting = sb.state.meetings.get(int(raw))
        if meeting is None or not _visible(sb, call, meeting):
            return errors.meeting_not_found(raw)
        return meeting


def _visible(sb: "Sandbox", call: api.Call, meeting: Meeting) -> bool:
    if call.token.user_id:
        return meeting.host_id == call.token.user_id
    account = sb.state.accounts.get(meeting.account_id)
    return meeting.account_id == call.account.id or (
        account is not None and account.master_id == call.account.id
    )


def get(sb: "Sandbox", call: api.Call) -> Response:
    meeting = find_meeting(sb, call)
    if isinstance(meeting, Response):
        return meeting
    data = meeting_json(sb, meeting)
    occurrence_id = call.request.query.get("occurrence_id")
    if occurrence_id:
        occurrence = next((o for o in meeting.occurrences if o["occurrence_id"] == occurrence_id), None)
        if occurrence is None:
            return errors.bad_request("Invalid occurrence_id.", code=3000)
        data["start_time"], data["duration"] = occurrence["start_time"], occurrence["duration"]
    return Response.json(data)


def update(sb: "Sandbox", call: api.Call) -> Response:
    meeting = find_meeting(sb, call)
    if isinstance(meeting, Response):
        return meeting
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    host = sb.state.users[meeting.host_id]
    capped = _spend_daily_cap(sb, host)
    if capped:
        return capped
    with sb.state.lock:
        before = meeting_json(sb, meeting)
        occurrence_id = call.request.query.get("occurrence_id")
        if occurrence_id:
            invalid = _update_occurrence(meeting, occurrence_id, body)
        else:
            invalid = _apply(sb, meeting, body, creating=False)
        if invalid:
            return invalid
        after = meeting_json(sb, meeting)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    sb.webhooks.publish(
        account_id=meeting.account_id,
        event="meeting.updated",
        payload={
            **_operator(sb, call),
            "operation": "single" if occurrence_id else "all",
            "object": {"id": meeting.id, **_public(changed)},
            "old_object": {"id": meeting.id, **_public({k: before.get(k) for k in changed})},
            "time_stamp": int(sb.state.clock.time() * 1000),
        },
    )
    return Response.empty(204)


def _public(data: dict) -> dict:
    # Webhook objects never carry the host's start_url.
    return {k: v for k, v in data.items() if k not in ("start_url",)}


def _update_occurrence(meeting: Meeting, occurrence_id: str, body: dict) -> Response | None:
    occurrence = next((o for o in meeting.occurrences if o["occurrence_id"] == occurrence_id), None)
    if occurrence is None:
        return errors.bad_request("Invalid occurrence_id.", code=3000)
    if "start_time" in body:
        try:
            occurrence["start_time"] = iso(_parse_start(body["start_time"], meeting.timezone))
        except (ValueError, KeyError):
            return validation_failed("start_time")
    if "duration" in body:
        if not isinstance(body["duration"], int) or body["duration"] < 0:
            return validation_failed("duration")
        occurrence["duration"] = body["duration"]
    return None


def _operator(sb: "Sandbox", call: api.Call) -> dict:
    user = sb.state.users.get(call.token.user_id or "") or api._owner(sb, call.account)
    return {
        "account_id": call.account.id,
        "operator": user.email if user else "",
        "operator_id": user.id if user else "",
    }


def delete(sb: "Sandbox", call: api.Call) -> Response:
    meeting = find_meeting(sb, call)
    if isinstance(meeting, Response):
        return meeting
    occurrence_id = call.request.query.get("occurrence_id")
    with sb.state.lock:
        if occurrence_id:
            occurrence = next((o for o in meeting.occurrences if o["occurrence_id"] == occurrence_id), None)
            if occurrence is None or occurrence["status"] == "deleted":
                return errors.bad_request("Invalid occurrence_id.", code=3000)
            occurrence["status"] = "deleted"
        else:
            del sb.state.meetings[meeting.id]
            sb.state.deleted_meetings.add(meeting.id)
    sb.webhooks.publish(
        account_id=meeting.account_id,
        event="meeting.deleted",
        payload={
            **_operator(sb, call),
            "operation": "single" if occurrence_id else "all",
            "object": {
                "uuid": meeting.uuid,
                "id": meeting.id,
                "host_id": meeting.host_id,
                "topic": meeting.topic,
                "type": meeting.type,
                "start_time": iso(meeting.start_time) if meeting.start_time else "",
                "duration": meeting.duration,
                "timezone": meeting.timezone,
                **({"occurrences": [{"occurrence_id": occurrence_id}]} if occurrence_id else {}),
            },
        },
    )
    return Response.empty(204)


def list_meetings(sb: "Sandbox", call: api.Call) -> Response:
    host = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(host, Response):
        return host
    kind = call.request.query.get("type", "scheduled")
    if kind not in ("scheduled", "upcoming", "live", "upcoming_meetings", "previous_meetings"):
        return errors.bad_request("Invalid field.")
    size = api.page_size(call.request)
    if isinstance(size, Response):
        return size
    now = sb.state.clock.now()
    with sb.state.lock:
        chosen = [m for m in sb.state.meetings.values() if m.host_id == host.id and _listed(m, kind, now)]
        chosen.sort(key=lambda m: (m.start_time or m.created_at, m.id))
        items = [_summary(sb, m) for m in chosen]
    paged = sb.state.page(
        f"meetings:{host.id}:{kind}",
        items,
        page_size=size,
        token=call.request.query.get("next_page_token") or None,
    )
    if paged is None:
        return api.invalid_page_token()
    chunk, next_token = paged
    return Response.json(
        {"page_size": size, "total_records": len(items), "next_page_token": next_token, "meetings": chunk}
    )


def _listed(meeting: Meeting, kind: str, now: datetime) -> bool:
    if kind == "live":
        return meeting.status == "started"
    if kind == "previous_meetings":
        return meeting.start_time is not None and meeting.start_time < now
    if kind in ("upcoming", "upcoming_meetings"):
        if meeting.status == "started" or meeting.type == 3:
            return True
        ends = [parse_iso(o["start_time"]) for o in meeting.occurrences if o["status"] != "deleted"]
        latest = max(ends) if ends else meeting.start_time
        return latest is not None and latest.timestamp() + meeting.duration * 60 >= now.timestamp()
    return True


def _summary(sb: "Sandbox", meeting: Meeting) -> dict:
    full = meeting_json(sb, meeting)
    keys = (
        "uuid",
        "id",
        "host_id",
        "topic",
        "type",
        "start_time",
        "duration",
        "timezone",
        "agenda",
        "created_at",
        "join_url",
    )
    return {k: full[k] for k in keys if k in full}
