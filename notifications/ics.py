"""Calendar files (RFC 5545 / iTIP RFC 5546) for lessons: invitations, updates, cancellations, feeds.

One lesson, recurring or not, is one calendar event with a UID that never changes; a weekly
series is one VEVENT with an RRULE whose DTSTART carries the lesson's TZID, so calendars keep
the wall-clock time across DST changes as Zoom does (meetings/recurrence.py). Every change
that calendars show raises SEQUENCE, so the newest message wins.
"""

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from meetings.models import Meeting, Person
from meetings.timezones import get_zone

# RFC 5545 weekday codes by Python's weekday() (Monday 0).
ICAL_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRODID = "-//ZoomHub//Lessons//EN"


def lesson_uid(meeting: Meeting) -> str:
    """Stable for the lesson's life (and the whole series): its id, its random push key, our host."""
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "zoomhub"
    return f"lesson-{meeting.pk}-{meeting.push_key}@{host}"


def school_organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = icalendar.vText(name or address)
    return organizer


def _attendee(person: Person, *, is_teacher: bool) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["CN"] = icalendar.vText(person.name)
    attendee.params["ROLE"] = icalendar.vText("CHAIR" if is_teacher else "REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = icalendar.vText("ACCEPTED" if is_teacher else "NEEDS-ACTION")
    attendee.params["RSVP"] = icalendar.vText("FALSE")
    return attendee


def recurrence_rule(meeting: Meeting) -> dict | None:
    recurrence = meeting.recurrence
    if recurrence is None:
        return None
    rule: dict = {"FREQ": "WEEKLY", "BYDAY": [ICAL_WEEKDAYS[day] for day in recurrence.weekdays]}
    if recurrence.count:
        rule["COUNT"] = recurrence.count
    else:
        # UNTIL is in UTC when DTSTART has a TZID (RFC 5545 3.3.10): the last occurrence's start.
        rule["UNTIL"] = meeting.occurrence_starts()[-1].astimezone(dt.UTC)
    return rule


def lesson_event(
    meeting: Meeting,
    *,
    sequence: int,
    description: str,
    attendee: Person | None = None,
    cancelled: bool = False,
    join_url: str | None = None,
) -> icalendar.Event:
    """The lesson as one VEVENT; `join_url` replaces the lesson's link (a webinar registrant's own)."""
    zone = get_zone(meeting.timezone)
    event = icalendar.Event()
    event.add("uid", lesson_uid(meeting))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.start_at.astimezone(zone))
    event.add("dtend", meeting.end_at.astimezone(zone))
    event.add("summary", meeting.topic)
    event.add("description", description)
    join_url = meeting.join_url if join_url is None else join_url
    if join_url:
        event.add("location", join_url)
        event.add("url", join_url)
    rule = recurrence_rule(meeting)
    if rule:
        event.add("rrule", rule)
    event.add("organizer", school_organizer())
    if attendee is not None and attendee.email:
        event.add("attendee", _attendee(attendee, is_teacher=attendee.pk == meeting.teacher_id))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def new_calendar(method: str | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def add_timezones(calendar: icalendar.Calendar, *, first: dt.datetime, last: dt.datetime) -> None:
    """VTIMEZONE for every TZID used, covering a year either side of the events (not 1970-2038)."""
    calendar.add_missing_timezones(
        first_date=(first - dt.timedelta(days=366)).date(), last_date=(last + dt.timedelta(days=366)).date()
    )


def message_calendar(
    meeting: Meeting,
    *,
    person: Person,
    method: str,
    sequence: int,
    description: str,
    join_url: str | None = None,
) -> bytes:
    """The .ics of one message: METHOD:REQUEST (invitation, update) or METHOD:CANCEL."""
    calendar = new_calendar(method)
    calendar.add_component(
        lesson_event(
            meeting,
            sequence=sequence,
            description=description,
            attendee=person,
            cancelled=method == "CANCEL",
            join_url=join_url,
        )
    )
    add_timezones(calendar, first=meeting.start_at, last=meeting.series_end_at)
    return calendar.to_ical()
