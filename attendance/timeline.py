"""The session page's presence timeline, drawn as SVG on the server (no JavaScript library).

Each participant is a row of bars, one per merged stretch of presence; the scheduled lesson is a
shaded band behind them. Coordinates are in a 1000-unit-wide viewBox so the SVG scales to the page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from attendance.computation import merge_intervals, presence
from attendance.models import Attendance, Segment, Session
from attendance.storage import from_rows
from meetings.timezones import to_local

WIDTH = 1000.0
LABEL_WIDTH = 220.0
ROW_HEIGHT = 26
TOP = 22


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # teacher / student / guest / ambiguous / host
    minutes: float
    y: float
    bars: tuple[Bar, ...]

    @property
    def text_y(self) -> float:
        return self.y + ROW_HEIGHT * 0.62

    @property
    def bar_y(self) -> float:
        return self.y + 5

    @property
    def description(self) -> str:
        stretches = "; ".join(bar.title for bar in self.bars) or _("not in the lesson")
        return _("%(name)s: %(minutes)s min (%(stretches)s)") % {
            "name": self.label,
            "minutes": f"{self.minutes:g}",
            "stretches": stretches,
        }


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    scheduled_x: float
    scheduled_width: float
    height: float
    width: float = WIDTH
    label_width: float = LABEL_WIDTH


@dataclass(frozen=True)
class ParticipantSummary:
    """A participant not matched to an expected person: a guest, the host, or one awaiting a decision."""

    key: str
    name: str
    email: str
    match: str
    minutes: float
    segment_count: int
    candidate_ids: tuple[int, ...]
    intervals: tuple[tuple[float, float], ...]  # minutes from the timeline start


def unmatched_participants(session: Session, segments: Iterable[Segment]) -> list[ParticipantSummary]:
    grouped: dict[str, list[Segment]] = defaultdict(list)
    for row in segments:
        if row.match != Segment.Match.PERSON:
            grouped[row.participant_key].append(row)
    origin = (session.timeline_start or session.scheduled_start).timestamp()
    open_until = session.actual_end or session.scheduled_end
    summaries = []
    for key, rows in grouped.items():
        seen = presence(
            from_rows(rows),
            open_until=open_until,
            window_start=session.actual_start,
            window_end=session.actual_end,
        )
        summaries.append(
            ParticipantSummary(
                key=key,
                name=next((r.name for r in rows if r.name), "") or _("(no name)"),
                email=next((r.email for r in rows if r.email), ""),
                match=rows[0].match,
                minutes=round(seen.minutes, 2),
                segment_count=len(rows),
                candidate_ids=tuple(rows[0].candidate_ids or ()),
                intervals=tuple(
                    (round((s - origin) / 60, 2), round((e - origin) / 60, 2))
                    for s, e in merge_intervals(seen.intervals)
                ),
            )
        )
    order = {Segment.Match.AMBIGUOUS: 0, Segment.Match.GUEST: 1, Segment.Match.HOST: 2}
    summaries.sort(key=lambda p: (order.get(p.match, 3), p.intervals[0][0] if p.intervals else 0, p.key))
    return summaries


def build_timeline(
    session: Session,
    attendances: Iterable[Attendance],
    participants: Iterable[ParticipantSummary],
    zone: str,
) -> Timeline:
    origin = session.timeline_start or session.scheduled_start
    span = max(session.timeline_minutes, (session.scheduled_end - origin).total_seconds() / 60, 1.0)
    plot = WIDTH - LABEL_WIDTH

    def x_of(minutes: float) -> float:
        return round(LABEL_WIDTH + plot * max(0.0, min(minutes, span)) / span, 1)

    def clock(minutes: float) -> str:
        # Offsets are rounded to 0.01 min: to the nearest minute, not down.
        return to_local(origin + dt.timedelta(minutes=minutes, seconds=30), zone).strftime("%H:%M")

    def bars(intervals) -> tuple[Bar, ...]:
        return tuple(
            Bar(
                x=x_of(start),
                width=max(1.0, round(x_of(end) - x_of(start), 1)),
                title=f"{clock(start)}-{clock(end)}",
            )
            for start, end in intervals
        )

    rows: list[Row] = []
    for attendance in attendances:
        rows.append(
            Row(
                label=attendance.person.name,
                kind=attendance.role,
                minutes=attendance.minutes,
                y=TOP + ROW_HEIGHT * len(rows),
                bars=bars(attendance.timeline),
            )
        )
    for participant in participants:
        rows.append(
            Row(
                label=participant.name,
                kind=participant.match,
                minutes=participant.minutes,
                y=TOP + ROW_HEIGHT * len(rows),
                bars=bars(participant.intervals),
            )
        )
    start_minutes = (session.scheduled_start - origin).total_seconds() / 60
    end_minutes = (session.scheduled_end - origin).total_seconds() / 60
    step = 5 if span <= 40 else 10 if span <= 90 else 15 if span <= 180 else 30
    ticks = tuple(Tick(x=x_of(m), label=clock(m)) for m in range(0, int(span) + 1, step))
    return Timeline(
        rows=tuple(rows),
        ticks=ticks,
        scheduled_x=x_of(start_minutes),
        scheduled_width=round(x_of(end_minutes) - x_of(start_minutes), 1),
        height=TOP + ROW_HEIGHT * max(1, len(rows)) + 4,
    )
