"""Notifications on the dashboard: mail and outgoing events that keep failing need a person."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import EventDelivery, OutgoingMessage
from zoomhub.cards import Card


def cards() -> list[Card]:
    failed_mail = OutgoingMessage.objects.filter(state=OutgoingMessage.State.FAILED).count()
    deliveries = EventDelivery.objects.aggregate(
        failing=Count("pk", filter=Q(state__in=[EventDelivery.State.FAILED, EventDelivery.State.GAVE_UP]))
    )
    result = []
    if failed_mail:
        result.append(
            Card(
                _("Mail that could not be sent"),
                failed_mail,
                reverse("notifications:mail_list") + "?state=failed",
                attention=True,
                detail=_("Check EMAIL_URL and the error on each mail; they are retried with back-off."),
            )
        )
    if deliveries["failing"]:
        result.append(
            Card(
                _("Outgoing events the school's programs did not accept"),
                deliveries["failing"],
                reverse("admin:notifications_eventdelivery_changelist") + "?state__exact=failed",
                attention=True,
                detail=_("See each delivery's attempts in the admin; replay them once the program is back."),
            )
        )
    return result
