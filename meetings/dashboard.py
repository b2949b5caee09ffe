"""The lessons' part of the dashboard: today's and tomorrow's lessons, this week's count, refused pushes.

Recurring lessons are one row with many occurrences, so the lessons whose series overlaps the
window are read in one query and their occurrences computed here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.calendar import week_start_for
from meetings.models import Meeting
from meetings.timezones import get_zone, school_timezone_name
from zoomhub.cards import Card


@dataclass(frozen=True)
class AgendaItem:
    lesson: Meeting
    start: dt.datetime  # this occurrence, in the school's zone
    end: dt.datetime

    @property
    def clock(self) -> str:
        """ "15:00 to 16:00" (with an en dash) on the school's clock (Django's time filter would show the server's)."""
        return f"{self.start:%H:%M}\u2013{self.end:%H:%M}"


@dataclass(frozen=True)
class AgendaDay:
    day: dt.date
    label: str  # "Today" or "Tomorrow"
    items: list[AgendaItem]


def _day_start(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)


def _occurrences(lessons, start: dt.datetime, end: dt.datetime, zone) -> list[AgendaItem]:
    items = []
    for lesson in lessons:
        length = dt.timedelta(minutes=lesson.duration)
        for occurrence in lesson.occurrence_starts():
            if start <= occurrence < end:
                local = occurrence.astimezone(zone)
                items.append(AgendaItem(lesson=lesson, start=local, end=local + length))
    return sorted(items, key=lambda item: (item.start, item.lesson.pk))


def _lessons_between(start: dt.datetime, end: dt.datetime):
    return (
        Meeting.objects.exclude(status=Meeting.Status.CANCELED)
        .filter(start_at__lt=end, series_end_at__gt=start)
        .select_related("host__credential", "teacher")
    )


def agenda() -> list[AgendaDay]:
    """Today's and tomorrow's lessons in the school's zone: one query."""
    zone = get_zone(school_timezone_name())
    today = timezone.now().astimezone(zone).date()
    start = _day_start(today, zone)
    end = _day_start(today + dt.timedelta(days=2), zone)
    items = _occurrences(list(_lessons_between(start, end)), start, end, zone)
    days = []
    for offset, label in ((0, _("Today")), (1, _("Tomorrow"))):
        day = today + dt.timedelta(days=offset)
        days.append(AgendaDay(day=day, label=label, items=[i for i in items if i.start.date() == day]))
    return days


def lessons_this_week() -> int:
    """Lessons (occurrences) from Monday to Sunday of the school's current week, held or still to come."""
    zone = get_zone(school_timezone_name())
    monday = week_start_for(timezone.now().astimezone(zone).date())
    start = _day_start(monday, zone)
    end = _day_start(monday + dt.timedelta(days=7), zone)
    lessons = (
        _lessons_between(start, end)
        .select_related(None)
        .only(
            "pk",
            "start_at",
            "duration",
            "timezone",
            "recurrence_weekdays",
            "recurrence_count",
            "recurrence_until",
        )
    )
    return len(_occurrences(lessons, start, end, zone))


def _upcoming_with_inactive_host():
    """Lessons still to come whose host Zoom deactivated or deleted (Zoom's user events or the refresh)."""
    return Meeting.objects.filter(
        series_end_at__gte=timezone.now(),
        host__is_active=False,
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.STARTED],
    )


def lessons_with_inactive_host() -> list[Meeting]:
    """The dashboard section's rows: one query, the first 20 by start."""
    return list(
        _upcoming_with_inactive_host().select_related("host", "teacher").order_by("start_at", "pk")[:20]
    )


def cards() -> list[Card]:
    lessons_url = reverse("meetings:lesson_list")
    result = [
        Card(
            _("Lessons this week (Monday to Sunday)"),
            lessons_this_week(),
            reverse("meetings:lesson_calendar"),
        )
    ]
    failed = Meeting.objects.filter(~Q(status=Meeting.Status.CANCELED), push_state=Meeting.PushState.FAILED)
    failed_count = failed.count()
    if failed_count:
        first = failed.order_by("start_at").values_list("pk", flat=True).first()
        url = reverse("meetings:lesson_detail", args=[first]) if failed_count == 1 else lessons_url
        result.append(
            Card(
                _("Lessons Zoom refused"),
                failed_count,
                url,
                attention=True,
                detail=_("Open the lesson to read Zoom's answer, correct it and send it again."),
            )
        )
    orphaned = _upcoming_with_inactive_host().count()
    if orphaned:
        result.append(
            Card(
                _("Lessons whose Zoom host was deactivated"),
                orphaned,
                reverse("dashboard") + "#dashboard-inactive-hosts",
                attention=True,
                detail=_("Zoom will not start them: give each lesson another host, or reactivate the user."),
            )
        )
    return result
