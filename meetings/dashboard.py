import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting
from zoomhub.cards import Card


def cards() -> list[Card]:
    now = timezone.now()
    lessons = Meeting.objects.exclude(status=Meeting.Status.CANCELED).aggregate(
        next_7_days=Count("pk", filter=Q(start_at__gte=now, start_at__lt=now + dt.timedelta(days=7))),
        failed_pushes=Count("pk", filter=Q(push_state=Meeting.PushState.FAILED)),
    )
    lessons_url = reverse("meetings:lesson_list")
    result = [Card(_("Lessons in the next 7 days"), lessons["next_7_days"], lessons_url)]
    if lessons["failed_pushes"]:
        result.append(Card(_("Lessons Zoom refused"), lessons["failed_pushes"], lessons_url, attention=True))
    return result
