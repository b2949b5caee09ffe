"""Recordings on the dashboard: sources whose last sync failed, failed downloads, the last 8 weeks."""

import datetime as dt

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.timezones import get_zone, school_timezone_name
from recordings.models import Recording, RecordingFile, Source, SyncRun
from zoomhub.cards import Card
from zoomhub.weekchart import week_starts

WEEKS = 8


def cards() -> list[Card]:
    # A plain count on the indexed state (an index-only scan), not an aggregate over every row.
    recordings = {"total": Recording.objects.filter(state=Recording.State.AVAILABLE).count()}
    last_state = (
        SyncRun.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-pk").values("state")[:1]
    )
    failed_sources = list(
        Source.objects.annotate(last_state=Subquery(last_state))
        .filter(last_state__in=[SyncRun.State.PARTIAL, SyncRun.State.FAILED])
        .values_list("pk", flat=True)[:2]
    )
    failed_downloads = RecordingFile.objects.filter(download_state=RecordingFile.Download.FAILED).count()
    url = reverse("recordings:recording_list")
    result = [Card(_("Recordings"), recordings["total"], url)]
    if failed_sources:
        count = (
            Source.objects.annotate(last_state=Subquery(last_state))
            .filter(last_state__in=[SyncRun.State.PARTIAL, SyncRun.State.FAILED])
            .count()
        )
        where = (
            reverse("recordings:source_edit", args=[failed_sources[0]])
            if count == 1
            else reverse("recordings:source_list")
        )
        result.append(
            Card(
                _("Recording sources whose last sync failed"),
                count,
                where,
                attention=True,
                detail=_("Read the run's problems, fix the account if needed, and press Sync now."),
            )
        )
    if failed_downloads:
        result.append(
            Card(
                _("Recording downloads that failed"),
                failed_downloads,
                f"{url}",
                attention=True,
                detail=_("Open the recording to see why and ask for the copy again."),
            )
        )
    return result


def weeks_stored() -> dict:
    """Recordings per week of the last 8 and the size of what was stored: two queries."""
    zone = get_zone(school_timezone_name())
    weeks = week_starts(timezone.now().astimezone(zone).date(), WEEKS)
    start = dt.datetime.combine(weeks[0], dt.time(0, 0), tzinfo=zone)
    # Bounded on both sides, so the index on start_time reads only these 8 weeks.
    end = dt.datetime.combine(weeks[-1] + dt.timedelta(days=7), dt.time(0, 0), tzinfo=zone)
    rows = (
        Recording.objects.filter(start_time__gte=start, start_time__lt=end)
        .annotate(week=TruncWeek("start_time", tzinfo=zone))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_week = {row["week"].date(): row["n"] for row in rows}
    stored = RecordingFile.objects.filter(
        recording__start_time__gte=start,
        recording__start_time__lt=end,
        download_state=RecordingFile.Download.DONE,
    ).aggregate(size=Sum("file_size"), files=Count("pk"))
    return {
        "weeks": [(week, per_week.get(week, 0)) for week in weeks],
        "total": sum(per_week.values()),
        "stored_files": stored["files"],
        "stored_size": filesizeformat(stored["size"] or 0),
    }
