from django.urls import reverse
from django.utils.translation import gettext as _

from webhooks.models import WebhookEvent
from zoomhub.cards import Card


def cards() -> list[Card]:
    failed_events = WebhookEvent.objects.filter(state=WebhookEvent.State.FAILED).count()
    if not failed_events:
        return []
    url = reverse("admin:webhooks_webhookevent_changelist") + "?state__exact=failed"
    return [Card(_("Zoom events that failed"), failed_events, url, attention=True)]
