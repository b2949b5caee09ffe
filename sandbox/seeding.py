"""Control-side seeding for tests: recordings at exact times, tokens a user already holds, and
meetings deleted behind the client's back. Each answers with what a test needs to check against
(ids, download URLs, byte seeds); bad input raises ValueError and changes nothing.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from sandbox.clock import iso, parse_iso
from sandbox.models import AccessToken, Instance, Recording, RecordingFile, RefreshToken
from sandbox.recordings import file_json, issue_download_token

if TYPE_CHECKING:
    from sandbox.server import Sandbox

# file_type -> (recording_type, extension); sizes default to a tenth of the MP4 for audio.
FILE_KINDS = {
    "MP4": ("shared_screen_with_speaker_view", "MP4"),
    "M4A": ("audio_only", "M4A"),
    "CHAT": ("chat_file", "TXT"),
    "TRANSCRIPT": ("audio_transcript", "VTT"),
}
DEFAULT_FILE_TYPES = ["MP4", "M4A", "CHAT", "TRANSCRIPT"]
MAX_BATCH = 5000


def add_recordings(sb: "Sandbox", data: dict) -> list[dict]:
    """One recording (`data` is its spec) or many (`{"recordings": [spec, ...]}`), all or none."""
    specs = data.get("recordings", [data])
    if not isinstance(specs, list) or not specs or len(specs) > MAX_BATCH:
        raise ValueError(f"recordings must be a list of 1 to {MAX_BATCH} specs")
    with sb.state.lock:
        built = [_build(sb, spec) for spec in specs]  # validate everything first
        for recording in built:
            sb.state.recordings[recording.uuid] = recording
            for f in recording.files:
                sb.state.files[f.id] = f
        return [
            _describe(sb, recording, spec.get("download_token"))
            for recording, spec in zip(built, specs, strict=True)
        ]


def _build(sb: "Sandbox", spec: dict) -> Recording:
    if not isinstance(spec, dict):
        raise ValueError("each recording must be an object")
    state = sb.state
    host = state.find_user(str(spec.get("host", "")))
    if host is None:
        raise ValueError(f"no user {spec.get('host')!r} (host: a user id or email)")
    start = parse_iso(str(spec.get("start_time", "")))
    duration = spec.get("duration", 60)
    mp4_size = spec.get("mp4_size", 1024 * 1024)
    if not isinstance(duration, int) or duration < 1 or not isinstance(mp4_size, int) or mp4_size < 1:
        raise ValueError("duration (minutes) and mp4_size (bytes) must be positive integers")
    file_types = spec.get("file_types", DEFAULT_FILE_TYPES)
    if not isinstance(file_types, list) or not file_types or not set(file_types) <= FILE_KINDS.keys():
        raise ValueError(f"file_types must be a list drawn from {', '.join(FILE_KINDS)}")
    sizes = spec.get("sizes", {})
    if not isinstance(sizes, dict) or not all(isinstance(v, int) and v > 0 for v in sizes.values()):
        raise ValueError("sizes must map file types to positive byte counts")
    uuid = spec.get("uuid") or state.new_uuid()
    if not isinstance(uuid, str) or uuid in state.recordings:
        raise ValueError(f"a recording {uuid} exists already")
    token = spec.get("download_token")
    if token is not None and (not isinstance(token, str) or not token or token in state.download_tokens):
        raise ValueError("download_token must be a new, non-empty string")
    meeting_id = spec.get("meeting_id") or state.new_meeting_id()
    if not isinstance(meeting_id, int):
        raise ValueError("meeting_id must be an integer")
    end = start + timedelta(minutes=duration)
    default_sizes = {"MP4": mp4_size, "M4A": max(1, mp4_size // 10), "CHAT": 2048, "TRANSCRIPT": 4096}
    files = []
    for file_type in file_types:
        recording_type, extension = FILE_KINDS[file_type]
        file_id = state.new_file_id()
        files.append(
            RecordingFile(
                id=file_id,
                meeting_uuid=uuid,
                meeting_id=meeting_id,
                recording_type=recording_type,
                file_type=file_type,
                file_extension=extension,
                recording_start=start,
                recording_end=end,
                file_size=sizes.get(file_type, default_sizes[file_type]),
                seed=int(file_id.replace("-", ""), 16),
            )
        )
    return Recording(
        uuid=uuid,
        meeting_id=meeting_id,
        account_id=host.account_id,
        host_id=host.id,
        host_email=host.email,
        topic=str(spec.get("topic") or f"Lesson of {host.email}"),
        type=int(spec.get("type", 2)),
        start_time=start,
        duration=duration,
        password="",
        files=files,
    )


def _describe(sb: "Sandbox", recording: Recording, download_token: str | None) -> dict:
    return {
        "uuid": recording.uuid,
        "meeting_id": recording.meeting_id,
        "host_id": recording.host_id,
        "start_time": iso(recording.start_time),
        # What a recording.completed event would carry for it.
        "download_token": issue_download_token(sb, recording.uuid, download_token),
        # `seed` lets a test compute the expected bytes with sandbox.storage.content().
        "files": [{**file_json(sb, f), "seed": f.seed} for f in recording.files],
    }


def delete_recording(sb: "Sandbox", uuid: str) -> dict:
    """Deleted for good in Zoom (past the trash): no longer listed, downloaded or found."""
    with sb.state.lock:
        recording = sb.state.recordings.pop(uuid, None)
        if recording is None:
            raise ValueError(f"no stored recording {uuid}")
        for f in recording.files:
            sb.state.files.pop(f.id, None)
    return {"deleted": uuid}


def grant_token(sb: "Sandbox", data: dict) -> dict:
    """A user's OAuth grant made earlier (as if the consent flow had run): the given tokens work."""
    state = sb.state
    with state.lock:
        app = state.apps.get(str(data.get("client_id", "")))
        if app is None or app.kind != "oauth":
            raise ValueError("client_id must name an OAuth app")
        user = state.find_user(str(data.get("user_id", "")))
        if user is None:
            raise ValueError(f"no user {data.get('user_id')!r}")
        access = str(data.get("access_token") or state.new_secret(48))
        refresh = str(data.get("refresh_token") or state.new_secret(48))
        lifetime = data.get("expires_in", state.settings.token_lifetime)
        if not isinstance(lifetime, int) or lifetime < 1:
            raise ValueError("expires_in must be a positive number of seconds")
        if access in state.access_tokens or refresh in state.refresh_tokens:
            raise ValueError("that token exists already")
        grant_id = state.new_secret(12)
        state.access_tokens[access] = AccessToken(
            token=access,
            client_id=app.client_id,
            account_id=user.account_id,
            user_id=user.id,
            scopes=set(app.scopes),
            expires_at=state.clock.time() + lifetime,
            grant_id=grant_id,
        )
        state.refresh_tokens[refresh] = RefreshToken(
            token=refresh,
            client_id=app.client_id,
            account_id=user.account_id,
            user_id=user.id,
            scopes=set(app.scopes),
            grant_id=grant_id,
        )
    return {"access_token": access, "refresh_token": refresh, "expires_in": lifetime}


def list_meetings(sb: "Sandbox") -> list[dict]:
    from sandbox.meetings import meeting_json

    with sb.state.lock:
        return [meeting_json(sb, m) for m in sb.state.meetings.values()]


def delete_meeting(sb: "Sandbox", meeting_id: str) -> dict:
    """Deleted in Zoom by someone else: the API answers 404 code 3001 from now on."""
    with sb.state.lock:
        if not meeting_id.isdigit() or int(meeting_id) not in sb.state.meetings:
            raise ValueError(f"no meeting {meeting_id}")
        sb.state.meetings.pop(int(meeting_id))
        sb.state.deleted_meetings.add(int(meeting_id))
    return {"deleted": int(meeting_id)}


ROW_STATUSES = {"in_meeting", "in_waiting_room"}
MAX_ROWS = 10000


def add_past_meeting(sb: "Sandbox", data: dict) -> dict:
    """A held meeting whose participant lists are exactly the given rows, as Zoom's report
    (`report`) and past-meeting list (`participants`) show them, waiting-room rows included.

    Seeding the same `uuid` again replaces the instance (Zoom corrected its report). Without
    `report` the instance has no report (404 code 3001), as Zoom makes none for some meetings.
    """
    state = sb.state
    host = state.find_user(str(data.get("host", "")))
    if host is None:
        raise ValueError(f"no user {data.get('host')!r} (host: a user id or email)")
    uuid = data.get("uuid")
    if not isinstance(uuid, str) or not uuid:
        raise ValueError("uuid must be a non-empty string")
    meeting_id = data.get("meeting_id")
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool) or meeting_id < 1:
        raise ValueError("meeting_id must be a positive integer")
    start = parse_iso(str(data.get("start_time", "")))
    end = parse_iso(str(data.get("end_time", "")))
    if end < start:
        raise ValueError("end_time must not be before start_time")
    report = _participant_rows(data, "report")
    past = _participant_rows(data, "participants")
    with state.lock:
        state.instances[uuid] = Instance(
            uuid=uuid,
            meeting_id=meeting_id,
            host_id=host.id,
            account_id=host.account_id,
            topic=str(data.get("topic") or f"Lesson of {host.email}"),
            type=2,
            start_time=start,
            end_time=end,
            report_rows=report,
            past_rows=past,
            seeded=True,
        )
    return {
        "uuid": uuid,
        "meeting_id": meeting_id,
        "report_rows": None if report is None else len(report),
        "participants_rows": None if past is None else len(past),
    }


def _participant_rows(data: dict, name: str) -> list[dict] | None:
    rows = data.get(name)
    if rows is None:
        return None
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise ValueError(f"{name} must be a list of at most {MAX_ROWS} rows")
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise ValueError(f"{name} row {number} must be an object with a name")
        for field_name in ("join_time", "leave_time"):
            try:
                parse_iso(str(row.get(field_name, "")))
            except ValueError:
                raise ValueError(f"{name} row {number}: {field_name} must be an ISO 8601 time") from None
        duration = row.get("duration")
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
            raise ValueError(f"{name} row {number}: duration must be a whole number of seconds")
        if row.get("status", "in_meeting") not in ROW_STATUSES:
            raise ValueError(f"{name} row {number}: status must be one of {', '.join(sorted(ROW_STATUSES))}")
    return [dict(row) for row in rows]
