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
        missing_scopes=Count("pk", filter=Q(status=Credential.Status.ACTIVE) & ~Q(missing_scopes=[])),
    )
    url = reverse("accounts:credential_list")
    result = [Card(_("Zoom accounts connected"), counts["connected"], url)]
    if counts["needing_attention"]:
        result.append(
            Card(
                _("Zoom accounts needing attention"),
                counts["needing_attention"],
                url,
                attention=True,
                detail=_(
                    "Zoom no longer accepts their sign-in: reconnect them or correct the app's details."
                ),
            )
        )
    if counts["missing_scopes"]:
        result.append(
            Card(
                _("Zoom accounts missing permissions"),
                counts["missing_scopes"],
                url,
                attention=True,
                detail=_("Add the missing scopes to the Zoom app, then check the account again."),
            )
        )
    return result
