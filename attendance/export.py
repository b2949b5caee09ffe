"""The attendance CSV: one row per session and expected person, streamed.

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage
return) are prefixed with an apostrophe: names and reasons are typed by people and by Zoom users
(https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from attendance.computation import SessionStatus
from attendance.models import Attendance, Session
from meetings.timezones import school_timezone_name, to_local
from zoomhub.collation import by_name

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value


def csv_filename(now: dt.datetime) -> str:
    return f"attendance-{now:%Y%m%d-%H%M}.csv"


# Column titles in the reader's language (the order is what programs rely on).
HEADER = (
    pgettext_lazy("attendance export column", "session"),
    pgettext_lazy("attendance export column", "date"),
    pgettext_lazy("attendance export column", "time"),
    pgettext_lazy("attendance export column", "lesson"),
    pgettext_lazy("attendance export column", "teacher"),
    pgettext_lazy("attendance export column", "status"),
    pgettext_lazy("attendance export column", "set by staff"),
    pgettext_lazy("attendance export column", "computed status"),
    pgettext_lazy("attendance export column", "reason"),
    pgettext_lazy("attendance export column", "data"),
    pgettext_lazy("attendance export column", "person"),
    pgettext_lazy("attendance export column", "role"),
    pgettext_lazy("attendance export column", "present"),
    pgettext_lazy("attendance export column", "minutes"),
    pgettext_lazy("attendance export column", "late"),
    pgettext_lazy("attendance export column", "left early"),
    pgettext_lazy("attendance export column", "first join"),
    pgettext_lazy("attendance export column", "last leave"),
)


def _time(moment: dt.datetime | None, zone: str) -> str:
    return to_local(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def csv_rows(sessions: QuerySet[Session]) -> Iterator[str]:
    zone = school_timezone_name()
    writer = csv.writer(_Echo())
    yield writer.writerow([str(title) for title in HEADER])
    sessions = sessions.select_related("meeting", "teacher").prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("person").order_by("-role", by_name("person__name")),
        )
    )
    for session in sessions.iterator(chunk_size=CHUNK):
        local = to_local(session.scheduled_start, zone)
        common = [
            session.pk,
            local.strftime("%Y-%m-%d"),
            local.strftime("%H:%M"),
            session.meeting.topic,
            session.teacher.name if session.teacher else "",
            SessionStatus(session.status).label,
            _yes(session.is_overridden),
            SessionStatus(session.computed_status).label,
            session.override_reason,
            session.get_data_state_display(),
        ]
        attendances = list(session.attendances.all()) or [None]
        for row in attendances:
            person = (
                [
                    row.person.name,
                    row.role,
                    _yes(row.present),
                    f"{row.minutes:.1f}",
                    _yes(row.late),
                    _yes(row.left_early),
                    _time(row.first_join, zone),
                    _time(row.last_leave, zone),
                ]
                if row
                else [""] * 8
            )
            yield writer.writerow([safe_cell(cell) for cell in common + person])
