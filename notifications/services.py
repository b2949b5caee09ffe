"""The mail outbox: which message each person gets when a lesson changes, and sending it exactly once.

A lesson's change is turned into rows of OutgoingMessage, one per person and event, each with a
unique `key`: a signal delivered twice or a sweep running beside a task adds nothing. A row is
claimed by one conditional UPDATE before it is sent, so two tasks for the same row send one mail.
A worker that dies between SMTP's answer and marking the row sent leaves it "sending"; the sweep
sends it again after NOTIFICATIONS_SENDING_STALE_SECONDS (the one case that can repeat a mail).
"""

import datetime as dt
import hashlib
import logging
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting, Person, WebinarRegistrant
from notifications import ics
from notifications.messages import (
    RegistrantRecipient,
    message_join_url,
    person_language,
    render_message,
    unsubscribe_url,
)
from notifications.models import LessonCalendar, OutgoingMessage, SchoolNotificationSettings
from zoomhub.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

Kind = OutgoingMessage.Kind
State = OutgoingMessage.State


def backoff_seconds(attempts: int) -> int:
    steps = settings.NOTIFICATIONS_RETRY_SECONDS
    return steps[min(attempts, len(steps)) - 1] if attempts else 0


def _schedule_fingerprint(meeting: Meeting) -> str:
    """What people's calendars show of the lesson; when it changes they get an update."""
    shown = "|".join(
        str(value)
        for value in (
            meeting.topic,
            meeting.start_at.isoformat(),
            meeting.duration,
            meeting.timezone,
            meeting.recurrence_weekdays,
            meeting.recurrence_count,
            meeting.recurrence_until,
        )
    )
    return hashlib.sha256(shown.encode()).hexdigest()


def lesson_recipients(meeting: Meeting) -> list[Person]:
    """The teacher and the students who have an address, teacher first."""
    people = []
    if meeting.teacher_id and meeting.teacher.email:
        people.append(meeting.teacher)
    people += [
        student for student in meeting.students.all() if student.email and student.pk != meeting.teacher_id
    ]
    return people


def approved_registrants(meeting: Meeting) -> list[WebinarRegistrant]:
    """A webinar's registrants who are approved (they get invitations with their own join link)."""
    if not meeting.is_webinar:
        return []
    return list(WebinarRegistrant.objects.filter(webinar=meeting, status=WebinarRegistrant.Status.APPROVED))


def message_queue(
    *,
    meeting: Meeting,
    kind: str,
    sequence: int,
    key: str,
    person: Person | None = None,
    registrant: WebinarRegistrant | None = None,
    occurrence_at=None,
) -> None:
    """Add one mail to the outbox unless its key is there already; send it once this commits.
    The recipient is a person, or a webinar registrant (written in the school's language)."""
    message, created = OutgoingMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "meeting": meeting,
            "person": person,
            "registrant": registrant,
            "to": person.email if person is not None else registrant.email,
            "language": person_language(person) if person is not None else settings.LANGUAGE_CODE,
            "sequence": sequence,
            "occurrence_at": occurrence_at,
        },
    )
    if created:
        from notifications.tasks import send_message_task

        enqueue_on_commit(send_message_task, message_id=message.pk)


@transaction.atomic
def lesson_sync_invitations(*, meeting_id: int) -> None:
    """Bring people's calendars in step with the lesson: invite new people, update everyone after a
    change they see, cancel for people taken off it (or everyone when the lesson is cancelled).
    A webinar's approved registrants are invited like people; a denied or cancelled one gets a cancel."""
    meeting = Meeting.objects.select_related("teacher").filter(pk=meeting_id).first()
    if meeting is None or not SchoolNotificationSettings.current().invitations_enabled:
        return
    if meeting.series_end_at < timezone.now():
        return  # all in the past (an import of old meetings from Zoom): nothing to put in calendars
    calendar, _created = LessonCalendar.objects.get_or_create(
        meeting=meeting, defaults={"uid": ics.lesson_uid(meeting)}
    )
    calendar = LessonCalendar.objects.select_for_update().get(pk=calendar.pk)
    people = (
        {} if meeting.status == Meeting.Status.CANCELED else {p.pk: p for p in lesson_recipients(meeting)}
    )
    registrants = (
        {} if meeting.status == Meeting.Status.CANCELED else {r.pk: r for r in approved_registrants(meeting)}
    )
    invited = set(calendar.invited)
    removed = invited - set(people)
    invited_registrants = set(calendar.invited_registrants)
    removed_registrants = invited_registrants - set(registrants)
    if meeting.status == Meeting.Status.ENDED:
        return
    fingerprint = _schedule_fingerprint(meeting)
    changed = bool(calendar.fingerprint) and calendar.fingerprint != fingerprint
    if changed or removed or removed_registrants:
        calendar.sequence += 1
    sequence = calendar.sequence
    for registrant in WebinarRegistrant.objects.filter(pk__in=removed_registrants):
        message_queue(
            meeting=meeting,
            registrant=registrant,
            kind=Kind.CANCELLATION,
            sequence=sequence,
            key=f"cancel:{meeting.pk}:registrant-{registrant.pk}:{sequence}",
        )
    for registrant in registrants.values():
        if registrant.pk not in invited_registrants:
            kind, prefix = Kind.INVITATION, "invite"
        elif changed:
            kind, prefix = Kind.UPDATE, "update"
        else:
            continue
        message_queue(
            meeting=meeting,
            registrant=registrant,
            kind=kind,
            sequence=sequence,
            key=f"{prefix}:{meeting.pk}:registrant-{registrant.pk}:{sequence}",
        )
    for person in Person.objects.filter(pk__in=removed):
        message_queue(
            meeting=meeting,
            person=person,
            kind=Kind.CANCELLATION,
            sequence=sequence,
            key=f"cancel:{meeting.pk}:{person.pk}:{sequence}",
        )
    for person in people.values():
        if person.pk not in invited:
            message_queue(
                meeting=meeting,
                person=person,
                kind=Kind.INVITATION,
                sequence=sequence,
                key=f"invite:{meeting.pk}:{person.pk}:{sequence}",
            )
        elif changed:
            # A mail about the lesson that has not gone out yet would only be followed by this one:
            # it is superseded, and a person who got nothing so far gets one invitation, not two mails.
            _supersede_unsent(meeting, person)
            if _got_or_getting_an_invitation(meeting, person):
                kind, prefix = Kind.UPDATE, "update"
            else:
                kind, prefix = Kind.INVITATION, "invite"
            message_queue(
                meeting=meeting,
                person=person,
                kind=kind,
                sequence=sequence,
                key=f"{prefix}:{meeting.pk}:{person.pk}:{sequence}",
            )
    calendar.fingerprint = fingerprint
    calendar.invited = sorted(people)
    calendar.invited_registrants = sorted(registrants)
    calendar.save(update_fields=["sequence", "fingerprint", "invited", "invited_registrants"])


def _supersede_unsent(meeting: Meeting, person: Person) -> None:
    """Mark the person's unsent invitations and updates of this lesson "Not sent", with the reason.

    Rows are locked first: one a worker has already claimed (sending) is no longer unsent and is
    left alone, and a worker's claim after this finds the row skipped and sends nothing.
    """
    unsent = (
        OutgoingMessage.objects.select_for_update()
        .filter(
            meeting=meeting,
            person=person,
            kind__in=[Kind.INVITATION, Kind.UPDATE],
            state__in=[State.PENDING, State.FAILED],
        )
        .values_list("pk", flat=True)
    )
    OutgoingMessage.objects.filter(pk__in=list(unsent)).update(
        state=State.SKIPPED,
        next_attempt_at=None,
        last_error=_("Replaced by a newer mail with the lesson's changed details, before this one was sent."),
    )


def _got_or_getting_an_invitation(meeting: Meeting, person: Person) -> bool:
    return OutgoingMessage.objects.filter(
        meeting=meeting,
        person=person,
        kind__in=[Kind.INVITATION, Kind.UPDATE],
        state__in=[State.SENT, State.SENDING],
    ).exists()


# -- sending -----------------------------------------------------------------------------------


def _due_filter(now: dt.datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (Q(state=State.PENDING) & due) | (Q(state=State.FAILED, next_attempt_at__lte=now))


def messages_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Rows to send now, after handing stale claims (a worker died mid-send) back."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS)
    OutgoingMessage.objects.filter(state=State.SENDING, claimed_at__lt=stale).update(
        state=State.FAILED, next_attempt_at=now, last_error="The worker sending it stopped."
    )
    return list(
        OutgoingMessage.objects.filter(_due_filter(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _was_received(message: OutgoingMessage) -> bool:
    return OutgoingMessage.objects.filter(
        meeting_id=message.meeting_id,
        person_id=message.person_id,
        registrant_id=message.registrant_id,
        kind__in=[Kind.INVITATION, Kind.UPDATE],
        state=State.SENT,
    ).exists()


def _postpone(message: OutgoingMessage, *, reason: str, seconds: int) -> str:
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=State.PENDING,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=seconds),
        last_error=reason,
        claimed_at=None,
    )
    # The push to Zoom usually ends within seconds: try again then, without waiting for the beat
    # sweep. After a while only the sweep keeps trying (a push that keeps failing is staff's).
    if timezone.now() - message.created_at < dt.timedelta(minutes=10):
        from notifications.tasks import send_message_task

        enqueue_on_commit(send_message_task, countdown=seconds, message_id=message.pk)
    return "postponed"


def _skip(message: OutgoingMessage, reason: str) -> str:
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=State.SKIPPED, last_error=reason, claimed_at=None
    )
    return "skipped"


def message_recipient(message: OutgoingMessage) -> Person | RegistrantRecipient:
    return message.person if message.person_id else RegistrantRecipient.of(message.registrant)


def build_email(message: OutgoingMessage, meeting: Meeting, person: Person | RegistrantRecipient):
    """(EmailMessage, rendered) for a row; the .ics rides along for everything but reminders."""
    rendered = render_message(message, meeting, person)
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    calendar_text = ""
    if message.kind != Kind.REMINDER:
        method = "CANCEL" if message.kind == Kind.CANCELLATION else "REQUEST"
        calendar_text = ics.message_calendar(
            meeting,
            person=person,
            method=method,
            sequence=message.sequence,
            description=rendered.description,
            join_url=message_join_url(message, meeting),
        ).decode()
        part = MIMEText(calendar_text, "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="lesson.ics")
        email.attach(part)
    else:
        link = unsubscribe_url(person)
        email.extra_headers["List-Unsubscribe"] = f"<{link}>"
        email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return email, rendered, calendar_text


def message_send(*, message_id: int) -> str:
    """Send one row if it is due and nobody else is sending it; the outcome as a word."""
    now = timezone.now()
    claimed = OutgoingMessage.objects.filter(Q(pk=message_id) & _due_filter(now)).update(
        state=State.SENDING, claimed_at=now
    )
    if not claimed:
        return "not due"
    message = OutgoingMessage.objects.select_related("meeting__teacher", "person", "registrant").get(
        pk=message_id
    )
    meeting, person = message.meeting, message_recipient(message)
    if not person.email:
        return _skip(message, _("The person has no e-mail address."))
    if message.kind == Kind.CANCELLATION:
        if not _was_received(message):
            return _skip(message, _("They never received an invitation to cancel."))
    elif meeting.status == Meeting.Status.CANCELED:
        return _skip(message, _("The lesson was cancelled before this was sent."))
    elif message.registrant_id and message.registrant.status != WebinarRegistrant.Status.APPROVED:
        return _skip(message, _("The registrant is no longer approved."))
    elif not message_join_url(message, meeting):
        return _postpone(
            message,
            reason=_("Waiting for Zoom's join link (the lesson is not in Zoom yet)."),
            seconds=settings.NOTIFICATIONS_JOIN_LINK_WAIT_SECONDS,
        )
    try:
        email, rendered, calendar_text = build_email(message, meeting, person)
        get_connection(fail_silently=False).send_messages([email])
    except Exception as error:
        attempts = message.attempts + 1
        gave_up = attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        OutgoingMessage.objects.filter(pk=message.pk).update(
            state=State.FAILED,
            attempts=attempts,
            next_attempt_at=None
            if gave_up
            else timezone.now() + dt.timedelta(seconds=backoff_seconds(attempts)),
            last_error=f"{type(error).__name__}: {error}"[:1000],
            claimed_at=None,
        )
        logger.warning(
            "Mail %s to person %s failed (attempt %s): %s",
            message.pk,
            person.pk,
            attempts,
            type(error).__name__,
        )
        return "failed"
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=State.SENT,
        attempts=message.attempts + 1,
        sent_at=timezone.now(),
        to=person.email,  # the address and language it went out with, if the person's changed since
        language=person_language(person),
        subject=rendered.subject[:300],
        body=rendered.stored_body,
        calendar=calendar_text,
        last_error="",
        claimed_at=None,
        next_attempt_at=None,
    )
    return "sent"


def message_retry_now(*, message: OutgoingMessage) -> bool:
    """Staff's "send again now" for a failed row."""
    from notifications.tasks import send_message_task

    updated = OutgoingMessage.objects.filter(pk=message.pk, state=State.FAILED).update(
        next_attempt_at=timezone.now()
    )
    if updated:
        enqueue_on_commit(send_message_task, message_id=message.pk)
    return bool(updated)
