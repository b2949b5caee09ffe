import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting, WebhookEvent
from zoomhub.cards import Card


def cards() -> list[Card]:
    now = timezone.now()
    lessons = Meeting.objects.exclude(status=Meeting.Status.CANCELED).aggregate(
        next_7_days=Count("pk", filter=Q(start_at__gte=now, start_at__lt=now + dt.timedelta(days=7))),
        failed_pushes=Count("pk", filter=Q(push_state=Meeting.PushState.FAILED)),
    )
    failed_events = WebhookEvent.objects.filter(state=WebhookEvent.State.FAILED).count()
    lessons_url = reverse("meetings:lesson_list")
    result = [Card(_("Lessons in the next 7 days"), lessons["next_7_days"], lessons_url)]
    if lessons["failed_pushes"]:
        result.append(Card(_("Lessons Zoom refused"), lessons["failed_pushes"], lessons_url, attention=True))
    if failed_events:
        result.append(
            Card(
                _("Zoom events that failed"),
                failed_events,
                reverse("admin:meetings_webhookevent_changelist") + "?state__exact=failed",
                attention=True,
            )
        )
    return result
