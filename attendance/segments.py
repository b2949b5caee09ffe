"""Participant segments: one join→leave interval of one Zoom participant, from any of Zoom's sources.

Pure Python, no models and no Zoom calls. Three sources give the same intervals:
- the report API, `GET /report/meetings/{uuid}/participants` (one row per join→leave; a rejoin is a
  new row), https://developers.zoom.us/docs/api/meetings/#tag/reports
- `GET /past_meetings/{uuid}/participants`, the fallback where reports are not available,
- live `meeting.participant_joined` / `meeting.participant_left` webhooks.
Since March 2023 Zoom sends `id` and `participant_user_id` empty for guests (participants outside
the host's account), so nothing here relies on them being present.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from attendance.names import name_skeleton

Source = Literal["report", "past_meetings", "live"]
# A webinar's participant events have the meeting events' shape.
LIVE_EVENTS = (
    "meeting.participant_joined",
    "meeting.participant_left",
    "webinar.participant_joined",
    "webinar.participant_left",
)

# A live join and a report row of the same participant are the same interval when their join
# times are this close: webhooks and reports stamp the join separately.
SAME_JOIN_TOLERANCE = timedelta(seconds=90)


class SegmentParseError(ValueError):
    """A participant row or webhook Zoom sent cannot be read; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One join→leave interval; `leave` is None while a live participant is still in."""

    join: datetime
    leave: datetime | None
    source: Source
    id: str = ""
    user_id: str = ""
    participant_user_id: str = ""
    registrant_id: str = ""
    name: str = ""
    email: str = ""
    participant_uuid: str = ""

    @property
    def zoom_user_ids(self) -> tuple[str, ...]:
        """The participant's Zoom account id(s), when Zoom shows them (never for guests since 2023)."""
        ids = [value for value in (self.participant_user_id, self.id) if value]
        return tuple(dict.fromkeys(ids))

    @property
    def email_key(self) -> str:
        return self.email.strip().lower()


def parse_zoom_time(value: Any, *, field: str, where: str) -> datetime:
    """Zoom's ISO 8601 times ("2019-02-01T12:34:12.660Z") as aware UTC datetimes."""
    if not isinstance(value, str) or not value.strip():
        raise SegmentParseError(f"{where}: {field} is missing.")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SegmentParseError(f"{where}: {field} {value!r} is not an ISO 8601 time.") from None
    if parsed.tzinfo is None:  # Zoom always sends "Z"; a naive time can only mean UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return str(value).strip()


def _leave_time(row: Mapping[str, Any], join: datetime, where: str) -> datetime | None:
    if not _text(row, "leave_time"):
        return None
    leave = parse_zoom_time(row["leave_time"], field="leave_time", where=where)
    # Clocks on Zoom's side occasionally put a leave a moment before its join: a zero-length stay.
    return max(leave, join)


def _parse_rows(rows: Iterable[Mapping[str, Any]], *, source: Source) -> list[Segment]:
    segments = []
    for index, row in enumerate(rows):
        where = f"{source} participant row {index + 1}"
        if not isinstance(row, Mapping):
            raise SegmentParseError(f"{where}: expected an object, got {type(row).__name__}.")
        # Time in the waiting room is not time in the lesson.
        if _text(row, "status") == "in_waiting_room":
            continue
        join = parse_zoom_time(row.get("join_time"), field="join_time", where=where)
        segments.append(
            Segment(
                join=join,
                leave=_leave_time(row, join, where),
                source=source,
                id=_text(row, "id"),
                user_id=_text(row, "user_id"),
                participant_user_id=_text(row, "participant_user_id"),
                registrant_id=_text(row, "registrant_id"),
                name=_text(row, "name"),
                email=_text(row, "user_email"),
            )
        )
    return segments


def segments_from_report(rows: Iterable[Mapping[str, Any]]) -> list[Segment]:
    """Rows of `GET /report/meetings/{uuid}/participants` (the `participants` list of every page)."""
    return _parse_rows(rows, source="report")


def segments_from_past_meeting(rows: Iterable[Mapping[str, Any]]) -> list[Segment]:
    """Rows of `GET /past_meetings/{uuid}/participants` (the `participants` list of every page)."""
    return _parse_rows(rows, source="past_meetings")


@dataclass(frozen=True, slots=True)
class _LiveEvent:
    joined: bool
    at: datetime
    join_time: datetime | None
    key: str
    segment: Segment


def _live_event(body: Mapping[str, Any], index: int) -> _LiveEvent | None:
    where = f"webhook {index + 1}"
    event = body.get("event") if isinstance(body, Mapping) else None
    if event not in LIVE_EVENTS:
        return None
    payload = body.get("payload")
    obj = payload.get("object") if isinstance(payload, Mapping) else None
    participant = obj.get("participant") if isinstance(obj, Mapping) else None
    if not isinstance(participant, Mapping):
        raise SegmentParseError(f"{where} ({event}): payload.object.participant is missing.")
    joined = event.endswith(".participant_joined")
    join_time = None
    if _text(participant, "join_time"):
        join_time = parse_zoom_time(participant["join_time"], field="join_time", where=where)
    if joined:
        if join_time is None:
            raise SegmentParseError(f"{where} ({event}): join_time is missing.")
        at = join_time
    else:
        at = parse_zoom_time(participant.get("leave_time"), field="leave_time", where=where)
    segment = Segment(
        join=join_time or at,
        leave=None,
        source="live",
        id=_text(participant, "id"),
        user_id=_text(participant, "user_id"),
        participant_user_id=_text(participant, "participant_user_id"),
        registrant_id=_text(participant, "registrant_id"),
        name=_text(participant, "user_name"),
        email=_text(participant, "email"),
        participant_uuid=_text(participant, "participant_uuid"),
    )
    # participant_uuid names one participant in one meeting instance; user_id is the fallback
    # (older payloads), then the identity fields.
    key = (
        segment.participant_uuid
        or segment.user_id
        or segment.id
        or f"{segment.email_key}|{name_skeleton(segment.name)}"
    )
    return _LiveEvent(joined=joined, at=at, join_time=join_time, key=key, segment=segment)


def segments_from_live_events(bodies: Iterable[Mapping[str, Any]]) -> list[Segment]:
    """Pair `meeting.participant_joined` / `_left` webhook bodies (whole JSON) into segments.

    Events may arrive twice or out of order: they are sorted by time and a redelivered join is
    ignored. A join with no leave yet stays open (`leave=None`). A leave whose join we never saw
    still makes a segment when it carries its `join_time`; without one it is dropped, because the
    interval cannot be known. Other event types are ignored.
    """
    events = [e for index, body in enumerate(bodies) if (e := _live_event(body, index)) is not None]
    # Joins before leaves at the same instant, so a zero-length stay pairs up.
    events.sort(key=lambda e: (e.at, not e.joined))
    open_joins: dict[str, list[Segment]] = {}
    seen_joins: set[tuple[str, datetime]] = set()
    seen_leaves: set[tuple[str, datetime]] = set()
    segments: list[Segment] = []
    for event in events:
        if event.joined:
            if (event.key, event.at) not in seen_joins:
                seen_joins.add((event.key, event.at))
                open_joins.setdefault(event.key, []).append(event.segment)
            continue
        if (event.key, event.at) in seen_leaves:
            continue
        seen_leaves.add((event.key, event.at))
        waiting = open_joins.get(event.key)
        if waiting:
            segments.append(_with_leave(waiting.pop(), event.segment, event.at))
        elif event.join_time is not None and (event.key, event.join_time) not in seen_joins:
            segments.append(
                replace(event.segment, join=event.join_time, leave=max(event.at, event.join_time))
            )
    for waiting in open_joins.values():
        segments.extend(waiting)
    segments.sort(key=lambda s: s.join)
    return segments


def _with_leave(joined: Segment, left: Segment, at: datetime) -> Segment:
    # The leave event may know more than the join did (an email once signed in).
    return replace(
        joined,
        leave=max(at, joined.join),
        email=joined.email or left.email,
        name=joined.name or left.name,
        registrant_id=joined.registrant_id or left.registrant_id,
        participant_user_id=joined.participant_user_id or left.participant_user_id,
        id=joined.id or left.id,
    )


def _identity_marks(segment: Segment) -> frozenset[str]:
    """Everything that names the participant; two segments sharing a mark are the same participant."""
    marks = {f"zoom:{value}" for value in segment.zoom_user_ids}
    for kind, value in (
        ("user", segment.user_id),
        ("email", segment.email_key),
        ("registrant", segment.registrant_id),
        ("name", name_skeleton(segment.name)),
    ):
        if value:
            marks.add(f"{kind}:{value}")
    return frozenset(marks)


def merge_segments(
    *,
    reported: Iterable[Segment],
    live: Iterable[Segment],
    tolerance: timedelta = SAME_JOIN_TOLERANCE,
) -> list[Segment]:
    """The report's segments plus the live ones the report does not already have.

    Once Zoom's report (or past-meeting list) is in, it is the record: a live segment of the same
    participant whose join is within `tolerance` of a reported join is the same interval and is
    dropped, which also closes a live join that never got its leave. Live segments the report
    lacks are kept, so nothing seen live is lost. Without a report, the live segments are returned.
    """
    reported = sorted(reported, key=lambda s: s.join)
    live = list(live)
    if not reported:
        return sorted(live, key=lambda s: s.join)
    joins = [s.join for s in reported]
    marks = [_identity_marks(s) for s in reported]
    kept = list(reported)
    for segment in live:
        low = bisect.bisect_left(joins, segment.join - tolerance)
        high = bisect.bisect_right(joins, segment.join + tolerance)
        own = _identity_marks(segment)
        if any(not own.isdisjoint(marks[i]) for i in range(low, high)):
            continue
        kept.append(segment)
    kept.sort(key=lambda s: s.join)
    return kept
