import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Recording, RecordingFile, SyncRun
from zoomhub.cards import Card


def cards() -> list[Card]:
    week_ago = timezone.now() - dt.timedelta(days=7)
    recordings = Recording.objects.aggregate(
        total=Count("pk", filter=Q(state=Recording.State.AVAILABLE)),
        this_week=Count("pk", filter=Q(state=Recording.State.AVAILABLE, start_time__gte=week_ago)),
    )
    failed_runs = SyncRun.objects.filter(
        state__in=[SyncRun.State.PARTIAL, SyncRun.State.FAILED], created_at__gte=week_ago
    ).count()
    failed_downloads = RecordingFile.objects.filter(download_state=RecordingFile.Download.FAILED).count()
    url = reverse("recordings:recording_list")
    result = [
        Card(_("Recordings"), recordings["total"], url),
        Card(_("Recordings this week"), recordings["this_week"], url),
    ]
    if failed_runs:
        result.append(
            Card(
                _("Syncs with errors this week"),
                failed_runs,
                reverse("recordings:source_list"),
                attention=True,
            )
        )
    if failed_downloads:
        result.append(Card(_("Downloads that failed"), failed_downloads, url, attention=True))
    return result
