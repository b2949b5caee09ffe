"""The person page's "Calendar and mail" panel: the feed's links and whether reminders are on."""

from notifications.feeds import feed_urls
from notifications.models import PersonNotifications


def person_calendar(person) -> dict:
    row = PersonNotifications.objects.filter(person=person).first()
    token = row.feed_token if row else None
    return {
        "feed": feed_urls(token) if token else None,
        "reminders_enabled": row.reminders_enabled if row else True,
    }
