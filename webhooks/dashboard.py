"""Webhooks on the dashboard: events that failed, and accounts whose webhooks went silent."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential
from webhooks.models import WebhookEvent
from zoomhub.cards import Card

# A school's account sends meeting and recording events most days; a week without any from an
# account that has its webhook secret set means the subscription or the URL is broken.
SILENT_AFTER = dt.timedelta(days=7)


def silent_accounts():
    """Active server-to-server accounts set up for webhooks that sent nothing for a week."""
    recent = WebhookEvent.objects.filter(
        credential=OuterRef("pk"), received_at__gte=timezone.now() - SILENT_AFTER
    )
    return (
        Credential.objects.filter(status=Credential.Status.ACTIVE, kind=Credential.Kind.SERVER_TO_SERVER)
        .exclude(webhook_secret_token__isnull=True)
        .filter(created_at__lte=timezone.now() - SILENT_AFTER)
        .filter(~Exists(recent))
    )


def cards() -> list[Card]:
    result = []
    failed_events = WebhookEvent.objects.filter(state=WebhookEvent.State.FAILED).count()
    if failed_events:
        url = reverse("admin:webhooks_webhookevent_changelist") + "?state__exact=failed"
        result.append(
            Card(
                _("Zoom events that failed"),
                failed_events,
                url,
                attention=True,
                detail=_("ZoomHub could not use them; the log says why."),
            )
        )
    silent = list(silent_accounts().values_list("pk", flat=True)[:2])
    if silent:
        url = (
            reverse("accounts:credential_detail", args=[silent[0]])
            if len(silent) == 1
            else reverse("accounts:credential_list")
        )
        result.append(
            Card(
                _("Zoom accounts whose webhooks are silent"),
                silent_accounts().count(),
                url,
                attention=True,
                detail=_(
                    "Nothing arrived from Zoom for a week: check the app's event subscription and its URL."
                ),
            )
        )
    return result
