"""Scenarios: a lesson played on a simulated clock, and seeded recording history.

A lesson is a timeline in simulated minutes — the host starts the meeting, participants join,
leave and rejoin, the meeting ends, a cloud recording appears — played `speed` times faster than
real time (3600: an hour a second; 0: at once). Webhook events and API data carry the simulated
times; the sandbox clock itself is not moved.
"""

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sandbox.clock import iso, parse_iso
from sandbox.history import SeededHistory
from sandbox.models import Instance, Meeting, Recording, RecordingFile, Segment, User
from sandbox.recordings import file_json, issue_download_token, recording_json

if TYPE_CHECKING:
    from sandbox.server import Sandbox


class ScenarioError(ValueError):
    pass


@dataclass
class Step:
    minute: float
    action: str  # start / join / leave / end / recording
    who: dict = field(default_factory=dict)


@dataclass
class Lesson:
    meeting: Meeting
    instance: Instance
    start: datetime
    steps: list[Step]
    recording: dict | None
    done: threading.Event = field(default_factory=threading.Event)
    kind: str = "meeting"  # or "webinar": its events are webinar.started, webinar.participant_joined, ...


def play_lesson(sb: "Sandbox", spec: dict) -> Lesson:
    """Validate `spec`, then play it in a background thread (or at once with speed 0)."""
    lesson = _prepare(sb, spec)
    speed = spec.get("speed", 3600)
    if not isinstance(speed, int | float) or speed < 0:
        raise ScenarioError("speed must be a non-negative number (0 plays at once)")
    if speed == 0:
        _run(sb, lesson, 0)
    else:
        threading.Thread(target=_run, args=(sb, lesson, speed), daemon=True, name="sandbox-lesson").start()
    return lesson


def _prepare(sb: "Sandbox", spec: dict) -> Lesson:
    state = sb.state
    with state.lock:
        meeting = _meeting(sb, spec)  # a new one is stored only once the spec proved valid
        start = (
            parse_iso(spec["start_time"])
            if spec.get("start_time")
            else (meeting.start_time or state.clock.now())
        )
        start = start.replace(microsecond=0)
        length = spec.get("duration_minutes", meeting.duration or 60)
        if not isinstance(length, int | float) or length <= 0:
            raise ScenarioError("duration_minutes must be positive")
        host = state.users[meeting.host_id]
        steps = [Step(0, "start")]
        people = []
        if spec.get("host_joins", True):
            people.append(
                {
                    "name": f"{host.first_name} {host.last_name}".strip(),
                    "email": host.email,
                    "user": host,
                    "segments": [[0, None]],
                }
            )
        for person in spec.get("participants", []):
            if not isinstance(person, dict) or not isinstance(person.get("segments", []), list):
                raise ScenarioError("each participant needs a name and segments [[join, leave], ...]")
            member = state.find_user(person["email"]) if person.get("email") else None
            registrant = (
                next((r for r in meeting.registrants if r["email"].lower() == person["email"].lower()), None)
                if person.get("email")
                else None
            )
            people.append(
                {
                    **person,
                    "user": None if person.get("guest") else member,
                    "registrant_id": person.get("registrant_id") or (registrant or {}).get("id", ""),
                }
            )
        for person in people:
            person["user_id"] = str(16_000_000 + state.rng.randrange(1_000_000))
            person["participant_uuid"] = state.new_uuid()
            for join, leave in person.get("segments", [[0, None]]):
                if join < 0 or join > length or (leave is not None and not join <= leave <= length):
                    raise ScenarioError(
                        f"segment [{join}, {leave}] is outside the lesson (0..{length} minutes)"
                    )
                steps.append(Step(join, "join", person))
                steps.append(Step(length if leave is None else leave, "leave", person))
        steps.append(Step(length, "end"))
        recording = spec.get("recording", {"delay_minutes": 5})
        if recording is True:
            recording = {}
        if recording is False or recording is None:
            recording = None
        elif not isinstance(recording, dict):
            raise ScenarioError("recording must be an object (delay_minutes, mp4_size, transcript) or false")
        size = (recording or {}).get("mp4_size", 1)
        if not isinstance(size, int) or not 1 <= size <= 100 * 1024**3:
            raise ScenarioError("recording.mp4_size must be between 1 byte and 100 GiB")
        if recording is not None:
            delay = recording.get("delay_minutes", 5)
            if not isinstance(delay, int | float) or delay < 0:
                raise ScenarioError("recording.delay_minutes must be a non-negative number")
            steps.append(Step(length + delay, "recording"))
        order = {"start": 0, "join": 1, "leave": 2, "end": 3, "recording": 4}
        steps.sort(key=lambda s: (s.minute, order[s.action]))
        uuid = spec.get("uuid") or meeting.uuid
        if not isinstance(uuid, str) or uuid in state.instances:
            raise ScenarioError("uuid must be a new meeting-instance UUID")
        instance = Instance(
            uuid=uuid,
            meeting_id=meeting.id,
            host_id=meeting.host_id,
            account_id=meeting.account_id,
            topic=meeting.topic,
            type=meeting.type,
            start_time=start,
            end_time=None,
        )
        kind = "webinar" if meeting.type in (5, 6, 9) else "meeting"
        (state.webinars if kind == "webinar" else state.meetings)[meeting.id] = meeting
        # The next time this meeting is held, it is a new instance with its own UUID.
        meeting.uuid = state.new_uuid()
        return Lesson(meeting, instance, start, steps, recording, kind=kind)


def _meeting(sb: "Sandbox", spec: dict) -> Meeting:
    state = sb.state
    if spec.get("webinar_id"):
        webinar = state.webinars.get(int(spec["webinar_id"]))
        if webinar is None:
            raise ScenarioError(f"no webinar {spec['webinar_id']}")
        return webinar
    if spec.get("meeting_id"):
        meeting = state.meetings.get(int(spec["meeting_id"]))
        if meeting is None:
            raise ScenarioError(f"no meeting {spec['meeting_id']}")
        return meeting
    host = state.find_user(spec.get("host", "")) if spec.get("host") else None
    if host is None:
        account_id = spec.get("account_id") or next(iter(state.accounts), None)
        users = state.account_users(account_id) if account_id else []
        if not users:
            raise ScenarioError("give meeting_id, or a host (id or email) of a configured user")
        host = users[0]
    meeting_id = state.new_meeting_id()
    meeting = Meeting(
        id=meeting_id,
        uuid=state.new_uuid(),
        host_id=host.id,
        account_id=host.account_id,
        topic=spec.get("topic", "Sandbox lesson"),
        type=2,
        start_time=None,
        duration=int(spec.get("duration_minutes", 60)),
        timezone=host.timezone,
        agenda="",
        password="",
        settings={"auto_recording": "cloud"},
        recurrence=None,
        occurrences=[],
        created_at=state.clock.now().replace(microsecond=0),
        join_url=f"{sb.base_url}/j/{meeting_id}",
        start_url=f"{sb.base_url}/s/{meeting_id}?zak={secrets.token_urlsafe(16)}",
    )
    return meeting


def _run(sb: "Sandbox", lesson: Lesson, speed: float) -> None:
    began = time.monotonic()
    try:
        for step in lesson.steps:
            if speed:
                delay = began + step.minute * 60 / speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            _apply(sb, lesson, step)
    finally:
        lesson.done.set()


def _object(lesson: Lesson, *, numeric_id: bool = False) -> dict:
    m, i = lesson.meeting, lesson.instance
    return {
        "id": m.id if numeric_id else str(m.id),
        "uuid": i.uuid,
        "host_id": i.host_id,
        "topic": i.topic,
        "type": i.type,
        "start_time": iso(lesson.start),
        "timezone": m.timezone,
        "duration": m.duration,
    }


def _apply(sb: "Sandbox", lesson: Lesson, step: Step) -> None:
    state = sb.state
    at = lesson.start + timedelta(minutes=step.minute)
    ts = int(at.timestamp() * 1000)
    publish = sb.webhooks.publish
    account_id = lesson.instance.account_id
    if step.action == "start":
        with state.lock:
            lesson.meeting.status = "started"
            state.instances[lesson.instance.uuid] = lesson.instance
        publish(
            account_id=account_id,
            event=f"{lesson.kind}.started",
            payload={"object": _object(lesson)},
            event_ts=ts,
        )
    elif step.action in ("join", "leave"):
        person = step.who
        user: User | None = person.get("user")
        with state.lock:
            if step.action == "join":
                segment = Segment(
                    participant_uuid=person["participant_uuid"],
                    id=user.id if user else "",
                    user_id=person["user_id"],
                    name=person.get("name", ""),
                    user_email=person.get("email", ""),
                    join_time=at,
                    leave_time=None,
                    registrant_id=person.get("registrant_id", ""),
                    participant_user_id=user.id if user else "",
                )
                lesson.instance.segments.append(segment)
            else:
                segment = next(
                    s
                    for s in reversed(lesson.instance.segments)
                    if s.participant_uuid == person["participant_uuid"] and s.leave_time is None
                )
                segment.leave_time = at
                segment.leave_reason = "left the meeting"
        participant = {
            "user_id": segment.user_id,
            "user_name": segment.name,
            "id": segment.id,
            "participant_uuid": segment.participant_uuid,
            "email": segment.user_email,
            "registrant_id": segment.registrant_id,
            "participant_user_id": segment.participant_user_id,
            "customer_key": "",
            "phone_number": "",
        }
        if step.action == "join":
            participant["join_time"] = iso(at)
        else:
            participant["leave_time"] = iso(at)
            participant["leave_reason"] = "left the meeting.<br>Reason : left the meeting"
        publish(
            account_id=account_id,
            event=f"{lesson.kind}.participant_{step.action.replace('join', 'joined').replace('leave', 'left')}",
            payload={"object": {**_object(lesson), "participant": participant}},
            event_ts=ts,
        )
    elif step.action == "end":
        with state.lock:
            lesson.instance.end_time = at
            lesson.instance.report_ready_at = state.clock.time() + state.settings.report_delay_seconds
            lesson.meeting.status = "waiting"
        publish(
            account_id=account_id,
            event=f"{lesson.kind}.ended",
            payload={"object": {**_object(lesson), "end_time": iso(at)}},
            event_ts=ts,
        )
    elif step.action == "recording":
        recording = _add_recording(sb, lesson, lesson.recording)
        token = issue_download_token(sb, recording.uuid)
        obj = recording_json(sb, recording)
        host = state.users.get(recording.host_id)
        obj.update(
            {
                "host_email": host.email if host else "",
                "password": recording.password,
                "recording_play_passcode": secrets.token_urlsafe(24),
                "thumbnail_url": f"{sb.base_url}/rec/thumbnail/{recording.files[0].id}.jpg",
                "id": recording.meeting_id,
            }
        )
        obj["recording_files"] = [file_json(sb, f) for f in recording.files]
        publish(
            account_id=account_id,
            event="recording.completed",
            payload={"object": obj},
            event_ts=ts,
            extra={"download_token": token},
        )


def _add_recording(sb: "Sandbox", lesson: Lesson, spec: dict) -> Recording:
    state = sb.state
    instance = lesson.instance
    end = instance.end_time or lesson.start
    mp4_size = int(spec.get("mp4_size", 25 * 1024 * 1024))
    kinds = [
        ("shared_screen_with_speaker_view", "MP4", "MP4", mp4_size),
        ("audio_only", "M4A", "M4A", max(1, mp4_size // 10)),
    ]
    if spec.get("transcript"):
        kinds.append(("audio_transcript", "TRANSCRIPT", "VTT", 4096))
    with state.lock:
        files = []
        for recording_type, file_type, extension, size in kinds:
            file_id = state.new_file_id()
            files.append(
                RecordingFile(
                    id=file_id,
                    meeting_uuid=instance.uuid,
                    meeting_id=instance.meeting_id,
                    recording_type=recording_type,
                    file_type=file_type,
                    file_extension=extension,
                    recording_start=lesson.start,
                    recording_end=end,
                    file_size=size,
                    seed=int(file_id.replace("-", ""), 16),
                )
            )
        host = state.users.get(instance.host_id)
        recording = Recording(
            uuid=instance.uuid,
            meeting_id=instance.meeting_id,
            account_id=instance.account_id,
            host_id=instance.host_id,
            host_email=host.email if host else "",
            topic=instance.topic,
            type=instance.type,
            start_time=lesson.start,
            duration=max(1, int((end - lesson.start).total_seconds() // 60)),
            password=lesson.meeting.password,
            files=files,
        )
        state.recordings[recording.uuid] = recording
        for f in files:
            state.files[f.id] = f
    return recording


def seed_history(
    sb: "Sandbox",
    *,
    account_id: str,
    users: int,
    months: int,
    per_month: int,
    end: date | None = None,
    seed: int = 1,
    mp4_size: int = 50 * 1024 * 1024,
    email_domain: str = "school.example",
) -> SeededHistory:
    """N users x M months x K recordings a month in `account_id`, generated when listed."""
    state = sb.state
    for name, value, top in (
        ("users", users, 10_000),
        ("months", months, 240),
        ("per_month", per_month, 1000),
    ):
        if not isinstance(value, int) or not 1 <= value <= top:
            raise ScenarioError(f"{name} must be between 1 and {top}")
    with state.lock:
        account = state.accounts.get(account_id)
        if account is None:
            raise ScenarioError(f"no account {account_id}")
        if len(state.histories) >= 255:
            raise ScenarioError("too many seeded histories; reset the sandbox")
        number = len(state.histories) + 1
        user_ids, emails = [], []
        for index in range(users):
            user = User(
                id=f"h{number}u{index:05d}{state.new_user_id()[:8]}",
                account_id=account_id,
                email=f"teacher{index + 1:03d}.h{number}@{email_domain}",
                first_name="Teacher",
                last_name=f"{index + 1:03d}",
                created_at=state.clock.now().replace(microsecond=0),
                pmi=int(f"{number}{index:09d}"[:10]),
            )
            state.users[user.id] = user
            user_ids.append(user.id)
            emails.append(user.email)
        history = SeededHistory(
            number=number,
            account_id=account_id,
            user_ids=user_ids,
            user_emails=emails,
            months=months,
            per_month=per_month,
            end=end or state.clock.now().date(),
            seed=seed,
            mp4_size=mp4_size,
        )
        state.histories.append(history)
    return history
