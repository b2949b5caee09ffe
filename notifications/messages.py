"""The texts of the mails, written in the person's language with times on their clock and the school's.

Rendered when the mail is sent (so the join link Zoom gave after the invitation was queued is in
it), under `translation.override(person.language)`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import Meeting, Person, WebinarRegistrant
from meetings.timezones import format_date, format_lesson_time, is_valid_timezone
from notifications.models import OutgoingMessage

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

Kind = OutgoingMessage.Kind


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str  # as mailed
    stored_body: str  # the same without the host's start link
    description: str  # for the calendar file


@dataclass(frozen=True)
class RegistrantRecipient:
    """A webinar registrant where the mail code expects a Person: they are not one (they registered
    in Zoom), so the school's language and time zone, no Zoom user, and their own join link."""

    name: str
    email: str
    join_url: str
    pk: None = None
    zoom_user_id: None = None
    language: str = ""
    time_zone: str = ""

    @classmethod
    def of(cls, registrant: WebinarRegistrant) -> "RegistrantRecipient":
        name = f"{registrant.first_name} {registrant.last_name}".strip() or registrant.email
        return cls(name=name, email=registrant.email, join_url=registrant.join_url)


def unsubscribe_token(person: Person) -> str:
    return signing.dumps({"person": person.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(person: Person) -> str:
    path = reverse("notifications_public:unsubscribe", kwargs={"token": unsubscribe_token(person)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def person_language(person: Person) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return person.language if person.language in codes else settings.LANGUAGE_CODE


def person_zone(person: Person) -> str:
    return person.time_zone if is_valid_timezone(person.time_zone) else settings.SCHOOL_TIMEZONE


def _repeats_line(meeting: Meeting) -> str:
    recurrence = meeting.recurrence
    if recurrence is None:
        return ""
    days = ", ".join(str(WEEKDAYS[day]).lower() for day in recurrence.weekdays)
    if recurrence.count:
        return ngettext(
            "Repeats weekly on %(days)s: %(count)d lesson.",
            "Repeats weekly on %(days)s: %(count)d lessons.",
            recurrence.count,
        ) % {"days": days, "count": recurrence.count}
    return _("Repeats weekly on %(days)s until %(date)s.") % {
        "days": days,
        "date": format_date(recurrence.until),
    }


def _registrant_headline(message: OutgoingMessage, meeting: Meeting) -> tuple[str, str]:
    if message.kind == Kind.INVITATION:
        return _("Invitation: %(topic)s"), _("Your registration for the webinar “%(topic)s” is approved.")
    if message.kind == Kind.UPDATE:
        return _("Changed: %(topic)s"), _("The webinar “%(topic)s” has changed; this is its new time.")
    if meeting.status == Meeting.Status.CANCELED:
        return _("Cancelled: %(topic)s"), _("The webinar “%(topic)s” is cancelled.")
    return _("Cancelled for you: %(topic)s"), _("Your registration for the webinar “%(topic)s” is cancelled.")


def _headline(message: OutgoingMessage, meeting: Meeting) -> tuple[str, str]:
    """(subject, first sentence)."""
    if message.registrant_id:
        subject, headline = _registrant_headline(message, meeting)
    elif message.kind == Kind.INVITATION:
        subject, headline = _("Invitation: %(topic)s"), _("You are invited to the lesson “%(topic)s”.")
    elif message.kind == Kind.UPDATE:
        subject, headline = (
            _("Changed: %(topic)s"),
            _("The lesson “%(topic)s” has changed; this is its new time."),
        )
    elif message.kind == Kind.CANCELLATION and meeting.status == Meeting.Status.CANCELED:
        subject, headline = _("Cancelled: %(topic)s"), _("The lesson “%(topic)s” is cancelled.")
    elif message.kind == Kind.CANCELLATION:  # taken off a lesson that goes on
        subject, headline = (
            _("Cancelled for you: %(topic)s"),
            _("You are no longer in the lesson “%(topic)s”."),
        )
    else:
        subject, headline = _("Reminder: %(topic)s"), _("A reminder: the lesson “%(topic)s” is coming up.")
    topic = {"topic": meeting.topic}
    return subject % topic, headline % topic


def message_join_url(message: OutgoingMessage, meeting: Meeting) -> str:
    """A registrant's own link (Zoom gives each one theirs); everyone else the lesson's."""
    return message.registrant.join_url if message.registrant_id else meeting.join_url


def render_message(
    message: OutgoingMessage, meeting: Meeting, person: Person | RegistrantRecipient
) -> RenderedMessage:
    with translation.override(person_language(person)):
        zone = person_zone(person)
        subject, headline = _headline(message, meeting)
        moment = message.occurrence_at or meeting.start_at
        when = format_lesson_time(moment, meeting.timezone, viewer_zone=zone)
        subject = f"{subject} — {when}"
        lines = [_("Hello, %(name)s!") % {"name": person.name}, "", headline, ""]
        details = [
            _("When: %(when)s") % {"when": when},
            ngettext("Duration: %(minutes)d minute", "Duration: %(minutes)d minutes", meeting.duration)
            % {"minutes": meeting.duration},
        ]
        repeats = _repeats_line(meeting)
        if repeats and message.kind != Kind.REMINDER:
            details.append(repeats)
        if meeting.teacher_id and person.pk != meeting.teacher_id:
            details.append(_("Teacher: %(name)s") % {"name": meeting.teacher.name})
        cancelled = message.kind == Kind.CANCELLATION
        join_url = message_join_url(message, meeting)
        if not cancelled and join_url:
            details.append(_("Join: %(url)s") % {"url": join_url})
            if meeting.password:
                details.append(_("Passcode: %(passcode)s") % {"passcode": meeting.password})
        lines += details
        description = "\n".join(details)
        start_line = ""
        is_host = (
            not cancelled
            and person.pk == meeting.teacher_id
            and person.zoom_user_id is not None
            and person.zoom_user_id == meeting.host_id
            and meeting.start_url
        )
        if is_host:
            start_line = _("Start the meeting as its host: %(url)s") % {"url": meeting.start_url}
        footer = [""]
        if message.kind in (Kind.INVITATION, Kind.UPDATE):
            footer.append(_("The attached calendar file adds the lesson to your calendar."))
        if cancelled:
            footer.append(_("The attached calendar file removes the lesson from your calendar."))
        if message.kind == Kind.REMINDER:
            footer += ["", _("No more reminders: %(url)s") % {"url": unsubscribe_url(person)}]
        text = "\n".join(lines)
        if start_line:
            body = f"{text}\n{start_line}\n" + "\n".join(footer) + "\n"
            hidden = _("[the start link is in the teacher's mail only]")
            stored = f"{text}\n{hidden}\n" + "\n".join(footer) + "\n"
        else:
            body = stored = text + "\n" + "\n".join(footer) + "\n"
        return RenderedMessage(subject=subject, body=body, stored_body=stored, description=description)
