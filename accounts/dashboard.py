from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Credential
from zoomhub.cards import Card


def cards() -> list[Card]:
    counts = Credential.objects.aggregate(
        connected=Count("pk", filter=~Q(status=Credential.Status.REVOKED)),
        needing_attention=Count(
            "pk", filter=Q(status__in=[Credential.Status.RECONNECT_NEEDED, Credential.Status.INVALID])
        ),
    )
    url = reverse("accounts:credential_list")
    result = [Card(_("Zoom accounts connected"), counts["connected"], url)]
    if counts["needing_attention"]:
        result.append(
            Card(_("Zoom accounts needing attention"), counts["needing_attention"], url, attention=True)
        )
    return result
