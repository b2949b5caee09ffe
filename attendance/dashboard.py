import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Session
from zoomhub.cards import Card


def cards() -> list[Card]:
    week_ago = timezone.now() - dt.timedelta(days=7)
    sessions = Session.objects.aggregate(
        this_week=Count("pk", filter=Q(scheduled_start__gte=week_ago, scheduled_start__lte=timezone.now())),
        needing_review=Count("pk", filter=Q(needs_review=True)),
    )
    url = reverse("attendance:session_list")
    result = [Card(_("Lessons held or due this week"), sessions["this_week"], url)]
    if sessions["needing_review"]:
        result.append(
            Card(
                _("Attendance to review"),
                sessions["needing_review"],
                f"{url}?needs_review=on",
                attention=True,
            )
        )
    return result
