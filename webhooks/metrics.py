"""Webhook events still to be processed, for /metrics (registered with zoomhub.metrics in apps.py)."""

from django.db.models import Count

from webhooks.models import WebhookEvent
from zoomhub.metrics import gauge

WAITING = (WebhookEvent.State.PENDING, WebhookEvent.State.PROCESSING, WebhookEvent.State.FAILED)


def collect():
    counts = dict(
        WebhookEvent.objects.filter(state__in=WAITING)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    yield gauge(
        "zoomhub_webhook_events_waiting",
        "Stored webhook events not yet processed, by state (failed: waiting for a retry or a person).",
        [({"state": str(state)}, float(counts.get(state, 0))) for state in WAITING],
        labels=("state",),
    )
