"""Private calendar feeds: /calendar/<token>.ics lists a person's lessons for any calendar app.

The token is random and stored (PersonNotifications.feed_token); rotating replaces it, revoking
removes it, and an unknown token answers 404 like any missing page. The feed keeps cancelled
lessons of the last 30 days with STATUS:CANCELLED, so subscribed calendars drop them.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import Meeting, Person
from notifications import ics
from notifications.messages import person_language
from notifications.models import LessonCalendar, PersonNotifications, new_feed_token

KEEP_CANCELLED = dt.timedelta(days=30)


def feed_rotate(*, person: Person) -> PersonNotifications:
    row, _created = PersonNotifications.objects.get_or_create(person=person)
    row.feed_token = new_feed_token()
    row.feed_token_created_at = timezone.now()
    row.save(update_fields=["feed_token", "feed_token_created_at"])
    return row


def feed_revoke(*, person: Person) -> None:
    PersonNotifications.objects.filter(person=person).update(feed_token=None, feed_token_created_at=None)


def feed_urls(token: str) -> dict[str, str]:
    https = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "notifications_public:feed", kwargs={"token": token}
    )
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def person_lessons(person: Person, *, now: dt.datetime | None = None):
    now = now or timezone.now()
    return (
        Meeting.objects.filter(Q(teacher=person) | Q(students=person))
        .filter(series_end_at__gte=now - KEEP_CANCELLED)
        .select_related("teacher")
        .distinct()
        .order_by("start_at")
    )


def feed_calendar(person: Person) -> bytes:
    calendar = ics.new_calendar("PUBLISH")
    calendar.add("x-wr-calname", f"{person.name} — ZoomHub")
    lessons = list(person_lessons(person))
    sequences = dict(LessonCalendar.objects.filter(meeting__in=lessons).values_list("meeting_id", "sequence"))
    for meeting in lessons:
        lines = []
        if meeting.join_url and meeting.status != Meeting.Status.CANCELED:
            with translation.override(person_language(person)):
                lines.append(_("Join: %(url)s") % {"url": meeting.join_url})
                if meeting.password:
                    lines.append(_("Passcode: %(passcode)s") % {"passcode": meeting.password})
        calendar.add_component(
            ics.lesson_event(
                meeting,
                sequence=sequences.get(meeting.pk, 0),
                description="\n".join(lines),
                cancelled=meeting.status == Meeting.Status.CANCELED,
            )
        )
    if lessons:
        ics.add_timezones(
            calendar, first=lessons[0].start_at, last=max(lesson.series_end_at for lesson in lessons)
        )
    return calendar.to_ical()
