"""Lesson writes: schedule, reschedule, cancel, and what Zoom's events change.

Every change is saved first and then sent to Zoom by the outbox (meetings/outbox.py) after the
transaction commits, so a slow or failing Zoom never loses a lesson nor half-saves one.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential, ZoomUser
from meetings import signals
from meetings.models import MAX_DURATION_MINUTES, Meeting, MeetingTimelineEvent, Person
from meetings.recurrence import MAX_OCCURRENCES, WeeklyRecurrence, occurrence_starts
from meetings.timezones import format_lesson_time, get_zone, is_valid_timezone
from zoomhub.queueing import enqueue_on_commit

Kind = MeetingTimelineEvent.Kind


@dataclass(frozen=True)
class ZoomSettings:
    """The meeting settings schools use; the rest stay at the Zoom account's defaults.

    The defaults are the school's: video on for host and participants, no waiting room, nobody in
    before the host, no automatic recording (what the trial-lesson bot sends).
    """

    host_video: bool = True
    participant_video: bool = True
    waiting_room: bool = False
    join_before_host: bool = False
    mute_upon_entry: bool = False
    auto_recording: str = Meeting.AutoRecording.NONE
    alternative_hosts: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LessonPlan:
    """Everything staff decide about a lesson; the form builds one, the services check and save it."""

    host: ZoomUser
    topic: str
    start: dt.datetime  # aware; stored in UTC
    duration: int
    timezone: str
    teacher: Person | None = None
    students: tuple[Person, ...] = ()
    description: str = ""
    recurrence: WeeklyRecurrence | None = None
    zoom_settings: ZoomSettings = field(default_factory=ZoomSettings)
    # A webinar instead of a lesson: its panelists (teachers) and whether people register.
    kind: str = Meeting.Kind.LESSON
    registration: str = Meeting.Registration.OFF
    panelists: tuple[Person, ...] = ()
    # What the registration page asks (meetings/registration_questions.py); None keeps the stored ones.
    registration_questions: dict | None = None


# -- validation --------------------------------------------------------------------------------


def lesson_validate(
    *, plan: LessonPlan, meeting: Meeting | None = None, now: dt.datetime | None = None
) -> None:
    """Raise ValidationError (messages by form field) unless the plan can be booked.

    `meeting` is the lesson being edited (None for a new one); it is left out of the overlap check.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if not plan.topic.strip():
        add("topic", _("Give the lesson a topic."))
    if not 1 <= plan.duration <= MAX_DURATION_MINUTES:
        add("duration", _("A lesson lasts between 1 and 1440 minutes (24 hours)."))
    if not is_valid_timezone(plan.timezone):
        add("timezone", _("Unknown timezone “%(name)s”.") % {"name": plan.timezone})

    start_changed = meeting is None or plan.start != meeting.start_at
    if start_changed and plan.start <= now:
        add("start_time", _("A lesson must start in the future."))

    if meeting is not None and meeting.status in (Meeting.Status.CANCELED, Meeting.Status.ENDED):
        add(
            "__all__",
            _("A %(status)s lesson cannot be changed.") % {"status": meeting.get_status_display().lower()},
        )
    if meeting is not None and meeting.zoom_meeting_id and plan.host.pk != meeting.host_id:
        add(
            "host",
            _("The lesson already exists in Zoom under its host; Zoom cannot move it to another host."),
        )

    if meeting is not None and meeting.zoom_meeting_id and plan.kind != meeting.kind:
        add(
            "kind",
            _("It already exists in Zoom as a %(kind)s; Zoom cannot turn one into the other.")
            % {"kind": meeting.get_kind_display().lower()},
        )
    if plan.kind == Meeting.Kind.WEBINAR and plan.host.user_type == 1:
        add("host", webinar_licence_message(plan.host))

    credential = plan.host.credential
    if not plan.host.is_active:
        add("host", _("Zoom no longer lists %(host)s in its account.") % {"host": plan.host})
    elif credential.status != Credential.Status.ACTIVE:
        add(
            "host",
            _(
                "The Zoom account “%(account)s” of this host is not usable (%(status)s); fix it under Zoom accounts first."
            )
            % {"account": credential.name, "status": credential.get_status_display().lower()},
        )

    starts: list[dt.datetime] = []
    if plan.recurrence is not None and "timezone" not in errors:
        local_first = plan.start.astimezone(get_zone(plan.timezone))
        if not plan.recurrence.weekdays:
            add("recurrence_weekdays", _("Choose the weekdays the lesson repeats on."))
        elif local_first.weekday() not in plan.recurrence.weekdays:
            add("recurrence_weekdays", _("The first lesson's day must be one of the weekdays it repeats on."))
        if plan.recurrence.count is None and plan.recurrence.until is None:
            add("recurrence_end", _("Say how many lessons there are, or the date the series ends."))
        if plan.recurrence.until is not None and plan.recurrence.until < local_first.date():
            add("recurrence_until", _("The series cannot end before its first lesson."))
        if plan.recurrence.count is not None and not 1 <= plan.recurrence.count <= MAX_OCCURRENCES:
            add(
                "recurrence_count",
                _("A series has between 1 and %(max)s lessons.") % {"max": MAX_OCCURRENCES},
            )
    if not errors:
        starts = occurrence_starts(plan.start, plan.timezone, plan.recurrence)
        if len(starts) > MAX_OCCURRENCES:
            add(
                "recurrence_until",
                _("Zoom allows at most %(max)s lessons in one series; choose an earlier end date.")
                % {"max": MAX_OCCURRENCES},
            )
    if not errors:
        clash = find_host_overlap(
            host=plan.host, starts=starts, duration=plan.duration, exclude_pk=meeting.pk if meeting else None
        )
        if clash is not None:
            other, other_start = clash
            add(
                "start_time",
                _("%(host)s already hosts “%(topic)s” on %(when)s, which overlaps this lesson.")
                % {
                    "host": plan.host,
                    "topic": other.topic,
                    "when": format_lesson_time(other_start, other.timezone),
                },
            )
    if errors:
        raise ValidationError(errors)


def webinar_licence_message(host: ZoomUser, zoom_answer: str = "") -> str:
    """Why this host cannot hold a webinar, in the words staff act on (and Zoom's, when it said it)."""
    message = _(
        "%(host)s has no Zoom webinar licence: Zoom hosts webinars only for licensed users with the "
        "Webinars add-on. Ask the Zoom account's admin to assign one to them, or choose another host."
    ) % {"host": host}
    if zoom_answer:
        message += " " + _("Zoom answered: %(message)s") % {"message": zoom_answer}
    return message


def find_host_overlap(
    *, host: ZoomUser, starts: list[dt.datetime], duration: int, exclude_pk: int | None = None
) -> tuple[Meeting, dt.datetime] | None:
    """The first other lesson of the host with an occurrence overlapping one of `starts`."""
    if not starts:
        return None
    length = dt.timedelta(minutes=duration)
    others = (
        Meeting.objects.filter(host=host, start_at__lt=starts[-1] + length, series_end_at__gt=starts[0])
        .exclude(status=Meeting.Status.CANCELED)
        .exclude(pk=exclude_pk)
        .order_by("start_at")
    )
    for other in others:
        other_length = dt.timedelta(minutes=other.duration)
        for other_start in other.occurrence_starts():
            for start in starts:
                if start < other_start + other_length and other_start < start + length:
                    return other, other_start
    return None


# -- writes ------------------------------------------------------------------------------------


def timeline_add(
    *,
    meeting: Meeting,
    kind: str,
    message: str = "",
    actor=None,
    zoom_uuid: str = "",
    at: dt.datetime | None = None,
) -> MeetingTimelineEvent:
    return MeetingTimelineEvent.objects.create(
        meeting=meeting, kind=kind, message=message, actor=actor, zoom_uuid=zoom_uuid, at=at or timezone.now()
    )


def _apply_plan(meeting: Meeting, plan: LessonPlan) -> None:
    meeting.host = plan.host
    meeting.kind = plan.kind
    meeting.registration = (
        plan.registration if plan.kind == Meeting.Kind.WEBINAR else Meeting.Registration.OFF
    )
    if plan.registration_questions is not None:
        meeting.registration_questions = (
            plan.registration_questions if plan.kind == Meeting.Kind.WEBINAR else {}
        )
    meeting.topic = plan.topic.strip()
    meeting.description = plan.description
    meeting.start_at = plan.start.astimezone(dt.UTC)
    meeting.duration = plan.duration
    meeting.timezone = plan.timezone
    meeting.teacher = plan.teacher
    recurrence = plan.recurrence
    meeting.recurrence_weekdays = ",".join(str(d) for d in recurrence.weekdays) if recurrence else ""
    meeting.recurrence_count = recurrence.count if recurrence else None
    meeting.recurrence_until = recurrence.until if recurrence else None
    settings = plan.zoom_settings
    meeting.host_video = settings.host_video
    meeting.participant_video = settings.participant_video
    meeting.waiting_room = settings.waiting_room
    meeting.join_before_host = settings.join_before_host
    meeting.mute_upon_entry = settings.mute_upon_entry
    meeting.auto_recording = settings.auto_recording
    meeting.alternative_hosts = ",".join(settings.alternative_hosts)


def zoom_settings_of(meeting: Meeting) -> ZoomSettings:
    """The lesson's current Zoom settings (an edit that does not change them keeps them)."""
    return ZoomSettings(
        host_video=meeting.host_video,
        participant_video=meeting.participant_video,
        waiting_room=meeting.waiting_room,
        join_before_host=meeting.join_before_host,
        mute_upon_entry=meeting.mute_upon_entry,
        auto_recording=meeting.auto_recording,
        alternative_hosts=tuple(e for e in meeting.alternative_hosts.split(",") if e),
    )


def _lock_host(host: ZoomUser) -> ZoomUser:
    """Serialise bookings of one host, so two staff cannot book it twice at once."""
    return ZoomUser.objects.select_related("credential").select_for_update(of=("self",)).get(pk=host.pk)


def push_enqueue(meeting_id: int) -> None:
    """Send the lesson to Zoom once the current transaction commits."""
    from meetings.tasks import meeting_push_task

    enqueue_on_commit(meeting_push_task, meeting_id=meeting_id)


@transaction.atomic
def meeting_schedule(*, plan: LessonPlan, actor=None) -> Meeting:
    """Save a new lesson and have it created in Zoom."""
    _lock_host(plan.host)
    lesson_validate(plan=plan)
    meeting = Meeting(created_by=actor, push_state=Meeting.PushState.PENDING)
    _apply_plan(meeting, plan)
    meeting.save()
    meeting.students.set(plan.students)
    meeting.panelists.set(plan.panelists if meeting.is_webinar else ())
    timeline_add(
        meeting=meeting,
        kind=Kind.CREATED,
        actor=actor,
        message=_("For %(when)s.") % {"when": format_lesson_time(meeting.start_at, meeting.timezone)},
    )
    push_enqueue(meeting.pk)
    signals.send_on_commit(signals.lesson_scheduled, meeting=meeting, actor=actor, from_zoom=False)
    return meeting


def _mark_changed(meeting: Meeting) -> None:
    """A local change Zoom must get. A push already running keeps its claim and sees the new revision."""
    meeting.push_revision = F("push_revision") + 1
    if meeting.push_state != Meeting.PushState.SYNCING:
        meeting.push_state = Meeting.PushState.PENDING
        meeting.push_next_attempt_at = None


@transaction.atomic
def meeting_reschedule(*, meeting: Meeting, plan: LessonPlan, actor=None) -> Meeting:
    """Change a lesson (time, topic, people, settings); Zoom gets a PATCH, so the join link stays."""
    _lock_host(plan.host)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    lesson_validate(plan=plan, meeting=meeting)
    before = (meeting.start_at, meeting.duration, meeting.timezone, meeting.recurrence)
    zoom_fields_before = _zoom_visible(meeting)
    _apply_plan(meeting, plan)
    after = (meeting.start_at, meeting.duration, meeting.timezone, meeting.recurrence)
    panelists = set(plan.panelists) if meeting.is_webinar else set()
    zoom_changed = _zoom_visible(meeting) != zoom_fields_before or panelists != set(meeting.panelists.all())
    if zoom_changed:
        _mark_changed(meeting)
    meeting.save()
    meeting.refresh_from_db(fields=["push_revision"])
    meeting.students.set(plan.students)
    meeting.panelists.set(panelists)
    if before != after:
        timeline_add(
            meeting=meeting,
            kind=Kind.RESCHEDULED,
            actor=actor,
            message=_("From %(old)s to %(new)s.")
            % {
                "old": format_lesson_time(before[0], before[2]),
                "new": format_lesson_time(meeting.start_at, meeting.timezone),
            },
        )
    else:
        timeline_add(meeting=meeting, kind=Kind.EDITED, actor=actor)
    if zoom_changed and meeting.push_state == Meeting.PushState.PENDING:
        push_enqueue(meeting.pk)
    signals.send_on_commit(
        signals.lesson_changed, meeting=meeting, actor=actor, from_zoom=False, rescheduled=before != after
    )
    return meeting


def _zoom_visible(meeting: Meeting) -> tuple:
    """What the Zoom meeting shows; teacher and students are ZoomHub's own."""
    return (
        meeting.topic,
        meeting.description,
        meeting.start_at,
        meeting.duration,
        meeting.timezone,
        meeting.recurrence_weekdays,
        meeting.recurrence_count,
        meeting.recurrence_until,
        meeting.host_video,
        meeting.participant_video,
        meeting.waiting_room,
        meeting.join_before_host,
        meeting.mute_upon_entry,
        meeting.auto_recording,
        meeting.alternative_hosts,
        meeting.registration,
        meeting.registration_questions,
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor=None, reason: str = "") -> Meeting:
    """Cancel a lesson; the outbox deletes the Zoom meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELED:
        return meeting
    if meeting.status == Meeting.Status.ENDED:
        raise ValidationError(_("The lesson has ended; there is nothing to cancel."))
    meeting.status = Meeting.Status.CANCELED
    _mark_changed(meeting)
    meeting.save()
    meeting.refresh_from_db(fields=["push_revision"])
    timeline_add(meeting=meeting, kind=Kind.CANCELED, actor=actor, message=reason)
    if meeting.push_state == Meeting.PushState.PENDING:
        push_enqueue(meeting.pk)
    signals.send_on_commit(signals.lesson_cancelled, meeting=meeting, actor=actor, from_zoom=False)
    return meeting


@transaction.atomic
def meeting_ignore(*, meeting: Meeting, actor=None) -> Meeting:
    """Staff do not want a meeting made in Zoom as a lesson: it leaves the lists and the dashboard,
    nothing is sent to Zoom (the meeting stays there as its host made it) and nobody is told."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.made_in_zoom:
        raise ValidationError(_("Only a meeting made in Zoom can be ignored; cancel a lesson instead."))
    if meeting.ignored_at is not None:
        return meeting
    meeting.ignored_at = timezone.now()
    meeting.status = Meeting.Status.CANCELED
    meeting.push_state = Meeting.PushState.SYNCED
    meeting.push_next_attempt_at = None
    meeting.save()
    timeline_add(
        meeting=meeting,
        kind=Kind.IGNORED,
        actor=actor,
        message=_("Left as it is in Zoom; ZoomHub no longer follows it."),
    )
    return meeting


@transaction.atomic
def meeting_retry_push(*, meeting: Meeting, actor=None) -> bool:
    """Staff's Retry: send a failed push again now. False when the push is not failed."""
    updated = Meeting.objects.filter(pk=meeting.pk, push_state=Meeting.PushState.FAILED).update(
        push_state=Meeting.PushState.PENDING, push_next_attempt_at=None
    )
    if updated:
        push_enqueue(meeting.pk)
    return bool(updated)


def person_learn_alias(*, person: Person, email: str = "", name: str = "") -> Person:
    """Remember another email or name a person joins Zoom under, so they are recognised next time."""
    changed = False
    email = email.strip().lower()
    name = name.strip()
    if email and email != person.email.lower() and email not in person.other_emails:
        person.other_emails = [*person.other_emails, email]
        changed = True
    if name and name != person.name and name not in person.other_names:
        person.other_names = [*person.other_names, name]
        changed = True
    if changed:
        person.save(update_fields=["other_emails", "other_names"])
    return person
