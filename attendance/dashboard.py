"""Attendance on the dashboard: what to review, participants to tell apart, the last 8 weeks."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.computation import SessionStatus
from attendance.models import Segment, Session
from meetings.timezones import get_zone, school_timezone_name
from zoomhub.cards import Card
from zoomhub.weekchart import WeekChart, week_starts, weekly_bars

WEEKS = 8
CHART_SERIES = [
    (SessionStatus.COMPLETED.value, gettext_lazy("Held")),
    (SessionStatus.TEACHER_ABSENT.value, gettext_lazy("Teacher absent")),
    (SessionStatus.NO_SHOW.value, gettext_lazy("No-show")),
    (SessionStatus.NEVER_TOOK_PLACE.value, gettext_lazy("Never took place")),
]


def cards() -> list[Card]:
    url = reverse("attendance:session_list")
    to_review = Session.objects.filter(needs_review=True).count()
    ambiguous = Segment.objects.filter(match=Segment.Match.AMBIGUOUS).values("session").distinct().count()
    result = []
    if to_review:
        result.append(
            Card(
                _("Lessons whose attendance needs a look"),
                to_review,
                f"{url}?needs_review=on",
                attention=True,
                detail=_("Check who came and set the status by hand where Zoom's data is not enough."),
            )
        )
    if ambiguous:
        result.append(
            Card(
                _("Lessons with participants ZoomHub could not tell apart"),
                ambiguous,
                f"{url}?needs_review=on",
                attention=True,
                detail=_("Open the lesson and say who each participant is."),
            )
        )
    return result


def weeks_chart() -> WeekChart:
    """Lessons held, no-show, never took place per week of the last 8: one query."""
    zone = get_zone(school_timezone_name())
    weeks = week_starts(timezone.now().astimezone(zone).date(), WEEKS)
    start = dt.datetime.combine(weeks[0], dt.time(0, 0), tzinfo=zone)
    rows = (
        Session.objects.filter(scheduled_start__gte=start, scheduled_start__lte=timezone.now())
        .annotate(week=TruncWeek("scheduled_start", tzinfo=zone))
        .values("week", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        counts.setdefault(week, {})[row["status"]] = row["n"]
    return weekly_bars(counts, weeks, CHART_SERIES)
