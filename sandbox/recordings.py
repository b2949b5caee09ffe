"""Cloud recordings: list per user (Zoom's one-month rule), per meeting, and file downloads.

https://developers.zoom.us/docs/api/meetings/#tag/cloud-recording — "the maximum range can be a
month": a longer range is cut, silently, to the month that ends at `to`, and the answer's `from`
shows the date really used (zoom/api#36). Without `from`, only today is listed. Downloads: the
download_url with a bearer token (or ?access_token=, e.g. a webhook's download_token) redirects
to storage, which serves bytes with Range support.
"""

import calendar
import hashlib
import hmac
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

from sandbox import api, errors, storage
from sandbox.clock import iso
from sandbox.history import find_file, find_recording
from sandbox.meetings import decode_meeting_id
from sandbox.models import Recording, RecordingFile
from sandbox.router import Request, Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox

STORAGE_URL_LIFETIME = 6 * 3600


def routes(sb: "Sandbox") -> Router:
    router = Router()
    api.add(router, sb, "GET", "/v2/users/{userId}/recordings", lambda c: list_user_recordings(sb, c))
    api.add(router, sb, "GET", "/v2/meetings/{meetingId}/recordings", lambda c: meeting_recordings(sb, c))
    router.add("GET", "/rec/download/{fileId}", lambda r: download(sb, r))
    router.add("GET", "/storage/{fileId}", lambda r: serve_storage(sb, r))
    return router


def recording_not_found() -> Response:
    return errors.zoom_error(404, 3301, "This recording does not exist.")


def one_month_before(day: date) -> date:
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date_param(request: Request, name: str, default: date) -> date | Response:
    raw = request.query.get(name, "")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return errors.bad_request(f"Invalid parameter: {name}.")


def list_user_recordings(sb: "Sandbox", call: api.Call) -> Response:
    user = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(user, Response):
        return user
    today = sb.state.clock.now().date()
    last = _date_param(call.request, "to", today)
    if isinstance(last, Response):
        return last
    first = _date_param(call.request, "from", today)
    if isinstance(first, Response):
        return first
    if first < one_month_before(last):
        first = one_month_before(last)  # Zoom cuts the range without saying so.
    size = api.page_size(call.request)
    if isinstance(size, Response):
        return size
    trash = call.request.query.get("trash", "false").lower() == "true"
    trash_type = call.request.query.get("trash_type", "meeting_recordings")
    with sb.state.lock:
        if trash:
            found = _trash(sb, user.id, trash_type)
        else:
            found = [
                r
                for r in sb.state.recordings.values()
                if r.host_id == user.id and r.trashed_at is None and first <= r.start_time.date() <= last
            ]
            for history in sb.state.histories:
                found.extend(history.recordings_for(user.id, first, last))
    found.sort(key=lambda r: (r.start_time, r.uuid), reverse=True)
    key = f"recordings:{user.id}:{first}:{last}:{trash}:{trash_type}"
    paged = sb.state.page(key, found, page_size=size, token=call.request.query.get("next_page_token") or None)
    if paged is None:
        return api.invalid_page_token()
    chunk, next_token = paged
    return Response.json(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "page_count": max(1, -(-len(found) // size)),
            "page_size": size,
            "total_records": len(found),
            "next_page_token": next_token,
            "meetings": [recording_json(sb, r, trash=trash) for r in chunk],
        }
    )


def _trash(sb: "Sandbox", user_id: str, trash_type: str) -> list[Recording]:
    mine = [r for r in sb.state.recordings.values() if r.host_id == user_id]
    if trash_type == "recording_file":
        return [r for r in mine if r.trashed_at is None and any(f.deleted_time for f in r.files)]
    return [r for r in mine if r.trashed_at is not None]


def file_json(sb: "Sandbox", f: RecordingFile) -> dict:
    data = {
        "id": f.id,
        "meeting_id": f.meeting_uuid,
        "recording_start": iso(f.recording_start),
        "recording_end": iso(f.recording_end),
        "file_type": f.file_type,
        "file_extension": f.file_extension,
        "file_size": f.file_size,
        "play_url": f"{sb.base_url}/rec/play/{f.id}",
        "download_url": f"{sb.base_url}/rec/download/{f.id}",
        "status": f.status,
        "recording_type": f.recording_type,
    }
    if f.deleted_time:
        data["deleted_time"] = iso(f.deleted_time)
    return data


def recording_json(sb: "Sandbox", r: Recording, *, trash: bool = False) -> dict:
    if trash:
        files = [f for f in r.files if r.trashed_at is not None or f.deleted_time]
    else:
        files = [f for f in r.files if f.deleted_time is None]
    return {
        "uuid": r.uuid,
        "id": r.meeting_id,
        "account_id": r.account_id,
        "host_id": r.host_id,
        "topic": r.topic,
        "type": r.type,
        "start_time": iso(r.start_time),
        "timezone": "UTC",
        "duration": r.duration,
        "total_size": sum(f.file_size for f in files),
        "recording_count": len(files),
        "share_url": f"{sb.base_url}/rec/share/{quote(r.uuid, safe='')}",
        "recording_files": [file_json(sb, f) for f in files],
    }


def lookup_recording(sb: "Sandbox", uuid: str) -> Recording | None:
    with sb.state.lock:
        return sb.state.recordings.get(uuid) or find_recording(sb.state.histories, uuid)


def lookup_file(sb: "Sandbox", file_id: str) -> tuple[RecordingFile, Recording] | None:
    with sb.state.lock:
        found = sb.state.files.get(file_id) or find_file(sb.state.histories, file_id)
    if found is None:
        return None
    recording = lookup_recording(sb, found.meeting_uuid)
    return (found, recording) if recording is not None else None


def _visible(sb: "Sandbox", call: api.Call, recording: Recording) -> bool:
    if call.token.user_id:
        return recording.host_id == call.token.user_id
    account = sb.state.accounts.get(recording.account_id)
    return recording.account_id == call.account.id or (
        account is not None and account.master_id == call.account.id
    )


def meeting_recordings(sb: "Sandbox", call: api.Call) -> Response:
    meeting_id = decode_meeting_id(call.request.params["meetingId"])
    if meeting_id is None:
        return recording_not_found()
    recording = None
    if meeting_id.isdigit():
        with sb.state.lock:
            held = [
                r
                for r in sb.state.recordings.values()
                if r.meeting_id == int(meeting_id) and r.trashed_at is None
            ]
        recording = max(held, key=lambda r: r.start_time) if held else None
    else:
        recording = lookup_recording(sb, meeting_id)
    if recording is None or recording.trashed_at is not None or not _visible(sb, call, recording):
        return recording_not_found()
    data = recording_json(sb, recording)
    data["host_email"] = recording.host_email
    data["password"] = recording.password
    if "download_access_token" in call.request.query.get("include_fields", ""):
        data["download_access_token"] = issue_download_token(sb, recording.uuid)
    return Response.json(data)


def issue_download_token(sb: "Sandbox", meeting_uuid: str) -> str:
    token = sb.state.new_secret(40)
    with sb.state.lock:
        lifetime = sb.state.settings.download_token_lifetime
        sb.state.download_tokens[token] = (meeting_uuid, sb.state.clock.time() + lifetime)
    return token


def download(sb: "Sandbox", request: Request) -> Response:
    found = lookup_file(sb, request.params["fileId"])
    if found is None:
        return recording_not_found()
    recording_file, recording = found
    value = api.bearer_token(request) or request.query.get("access_token", "")
    if not _may_download(sb, value, recording):
        return errors.invalid_access_token()
    expires = int(sb.state.clock.time()) + STORAGE_URL_LIFETIME
    signature = _storage_signature(sb, recording_file.id, expires)
    return Response.redirect(
        f"{sb.base_url}/storage/{recording_file.id}?expires={expires}&signature={signature}"
    )


def _may_download(sb: "Sandbox", value: str, recording: Recording) -> bool:
    if not value:
        return False
    with sb.state.lock:
        download_token = sb.state.download_tokens.get(value)
        if download_token is not None:
            return download_token[0] == recording.uuid and download_token[1] > sb.state.clock.time()
    token = api.valid_token(sb, value)
    if token is None:
        return False
    if token.user_id:
        return token.user_id == recording.host_id
    account = sb.state.accounts.get(recording.account_id)
    return token.account_id == recording.account_id or (
        account is not None and account.master_id == token.account_id
    )


def _storage_signature(sb: "Sandbox", file_id: str, expires: int) -> str:
    return hmac.new(sb.signing_key, f"{file_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def serve_storage(sb: "Sandbox", request: Request) -> Response:
    file_id = request.params["fileId"]
    try:
        expires = int(request.query.get("expires", ""))
    except ValueError:
        return Response(403, b"AccessDenied", {"Content-Type": "text/plain"})
    signature = request.query.get("signature", "")
    valid = hmac.compare_digest(signature, _storage_signature(sb, file_id, expires))
    if not valid or expires < sb.state.clock.time():
        return Response(403, b"AccessDenied", {"Content-Type": "text/plain"})
    found = lookup_file(sb, file_id)
    if found is None:
        return Response(404, b"NoSuchKey", {"Content-Type": "text/plain"})
    recording_file, _ = found
    return storage.serve(
        seed=recording_file.seed,
        size=recording_file.file_size,
        file_type=recording_file.file_type,
        filename=f"{recording_file.id}.{recording_file.file_extension.lower()}",
        range_header=request.headers.get("range", ""),
        head=request.method == "HEAD",
    )
