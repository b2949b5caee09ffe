"""Panels: the person page's "Calendar and mail" (the feed's links, reminders on or off) and the
lesson page's "Reminders" (the lesson's reminder times and the form that changes them)."""

from notifications.feeds import feed_urls
from notifications.forms import LessonRemindersForm
from notifications.models import (
    LessonReminders,
    PersonNotifications,
    SchoolNotificationSettings,
    parse_minutes,
)
from zoomhub.humanize import duration_text


def person_calendar(person) -> dict:
    row = PersonNotifications.objects.filter(person=person).first()
    token = row.feed_token if row else None
    return {
        "feed": feed_urls(token) if token else None,
        "reminders_enabled": row.reminders_enabled if row else True,
    }


def lesson_reminders(meeting) -> dict:
    """The lesson page's "Reminders" panel: which times apply, and the form that changes them."""
    own = LessonReminders.objects.filter(meeting=meeting).values_list("reminder_minutes", flat=True).first()
    school = _safe_minutes(SchoolNotificationSettings.current().reminder_minutes)
    if own is None:
        choice, minutes = LessonRemindersForm.SCHOOL, school
    else:
        minutes = _safe_minutes(own)
        choice = LessonRemindersForm.OWN if minutes else LessonRemindersForm.NONE
    return {
        "choice": choice,
        "times": [duration_text(value) for value in minutes],
        "school_times": [duration_text(value) for value in school],
        "editable": meeting.status == meeting.Status.SCHEDULED,
        "form": LessonRemindersForm(
            initial={"choice": choice, "minutes": own if choice == LessonRemindersForm.OWN else ""}
        ),
    }


def _safe_minutes(text: str) -> list[int]:
    try:
        return parse_minutes(text)
    except ValueError:
        return []
