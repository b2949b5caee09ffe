"""/api/v1/meetings — lessons and webinars (`kind`): schedule, list, reschedule (PATCH), cancel (DELETE).

Input becomes a meetings.services.LessonPlan and goes through meeting_schedule /
meeting_reschedule / meeting_cancel, so every lesson rule (future start, 1-1440 minutes, a
usable host, no overlap, weekly series limits) is the lessons' own. The lesson reaches Zoom
through the outbox; join_url is null until it has (poll GET /meetings/{id}).
"""

import datetime as dt
from dataclasses import replace
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from accounts import services as account_services
from accounts.models import Credential, ZoomUser
from accounts.services.hosts import ME
from api.auth import READ, WRITE, caller
from api.common import MAX_ID, Id, utc_iso
from api.errors import ApiError, responses, validation_failed
from api.meeting_filters import DayOrInstant, StatusFilter, filter_meetings
from api.pagination import PageParams, paginate
from api.parsing import InputSchema
from meetings import outbox, services
from meetings.models import Meeting, Person
from meetings.recurrence import WeeklyRecurrence
from meetings.timezones import (
    LocalTimeError,
    format_lesson_time,
    is_valid_timezone,
    local_to_utc,
    school_timezone_name,
    to_local,
)

router = Router(tags=["meetings"])

# Dates outside this range are refused by the schema (Python's datetimes end in year 9999).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


class RecurrenceIn(InputSchema):
    weekdays: list[int] = Field(..., max_length=7, description="Python weekdays: Monday 0 … Sunday 6.")
    count: int | None = Field(None, ge=1, le=1000, description="Number of lessons (at most 60).")
    until: dt.date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="Date of the last lesson.")

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(not 0 <= day <= 6 for day in value):
            raise ValueError(_("weekdays are 0 (Monday) to 6 (Sunday)"))
        return sorted(set(value))


class ZoomSettingsIn(InputSchema):
    """Zoom's own names; anything not sent takes the school's default (video on, the rest off)."""

    host_video: bool = True
    participant_video: bool = True
    waiting_room: bool = False
    join_before_host: bool = False
    mute_upon_entry: bool = False
    auto_recording: Literal["none", "local", "cloud"] = "none"
    alternative_hosts: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("alternative_hosts")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        emails = [email.strip() for email in value if email.strip()]
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                raise ValueError(_("“%(value)s” is not an email address") % {"value": email}) from None
        return list(dict.fromkeys(emails))


PersonRef = int | str
PERSON_HELP = "A person's id, or their email."


class MeetingIn(InputSchema):
    topic: str = Field(..., max_length=200)
    date: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Local date (with time and timezone)."
    )
    time: dt.time | None = Field(None, description="Local wall-clock time, e.g. 15:00.")
    timezone: str | None = Field(
        None, max_length=64, description="IANA name; default the school's (Europe/Tallinn)."
    )
    start_time: dt.datetime | None = Field(
        None, description="Or the start as an instant with its offset, e.g. 2026-02-25T13:00:00Z."
    )
    duration: int = Field(..., ge=-(2**31), le=2**31, description="Minutes, 1 to 1440.")
    host: str | None = Field(
        None,
        max_length=254,
        description="The Zoom user hosting it: Zoom user ID or email; omitted or `me`: the account's default host.",
    )
    type: Literal[2, 8] | None = Field(
        None,
        description="Zoom's meeting type, accepted as Zoom's API takes it: 2 (scheduled) or 8 (with "
        "`recurrence`). ZoomHub decides it from `recurrence`.",
    )
    teacher: PersonRef | None = Field(None, description=PERSON_HELP)
    students: list[PersonRef] = Field(default_factory=list, max_length=500, description=PERSON_HELP)
    description: str = Field("", max_length=1500)
    recurrence: RecurrenceIn | None = None
    settings: ZoomSettingsIn | None = None
    kind: Literal["lesson", "webinar"] = Field(
        "lesson",
        description="A webinar goes to Zoom's webinar endpoints; its host needs the Webinars add-on.",
    )
    registration: Literal["off", "automatic", "manual"] = Field(
        "off", description="Webinars: no registration, registrants approved by Zoom at once, or by staff."
    )
    panelists: list[PersonRef] = Field(
        default_factory=list, max_length=100, description="Webinars: the teachers who speak. " + PERSON_HELP
    )


class MeetingPatch(InputSchema):
    """Only the fields sent change. Date, time and timezone default to the lesson's current local ones."""

    topic: str | None = Field(None, max_length=200)
    date: dt.date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY)
    time: dt.time | None = None
    timezone: str | None = Field(None, max_length=64)
    start_time: dt.datetime | None = None
    duration: int | None = Field(None, ge=-(2**31), le=2**31)
    host: str | None = Field(None, max_length=254)
    teacher: PersonRef | None = Field(None, description=PERSON_HELP + " null removes the teacher.")
    students: list[PersonRef] | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=1500)
    recurrence: RecurrenceIn | None = Field(None, description="null makes it a single lesson.")
    settings: ZoomSettingsIn | None = None
    registration: Literal["off", "automatic", "manual"] | None = None
    panelists: list[PersonRef] | None = Field(None, max_length=100)


class PersonOut(Schema):
    id: int
    name: str
    email: str
    role: str


class HostOut(Schema):
    zoom_user_id: str
    email: str
    credential_id: int


class RecurrenceOut(Schema):
    weekdays: list[int]
    count: int | None
    until: dt.date | None


class MeetingOut(Schema):
    id: int
    kind: Literal["lesson", "webinar"]
    topic: str
    description: str
    start_time: str = Field(..., description="UTC.")
    local_start: str = Field(..., description="The start in the lesson's timezone, with its offset.")
    when: str = Field(
        ..., description="As people read it: “Wednesday, 25 February 2026, 15:00 (Tallinn time)”."
    )
    timezone: str
    duration: int
    host: HostOut
    teacher: PersonOut | None
    students: list[PersonOut]
    panelists: list[PersonOut] = Field(..., description="Webinars: the panelists; [] for a lesson.")
    registration: Literal["off", "automatic", "manual"]
    made_in_zoom: bool
    recurrence: RecurrenceOut | None
    settings: ZoomSettingsIn
    status: Literal["scheduled", "started", "ended", "canceled"]
    push_state: Literal["pending", "syncing", "synced", "failed"]
    push_error: str
    zoom_meeting_id: int | None
    join_url: str | None = Field(..., description="null until Zoom has the meeting.")
    start_url: str | None = Field(
        ...,
        description="The host's start link (it starts the meeting as its host): for read-and-write "
        "tokens, and for signed-in staff in the answer to their own create or change; null otherwise, "
        "and until Zoom has the meeting.",
    )
    passcode: str
    password: str = Field(..., description="The passcode again, under Zoom's own name.")
    created_at: str
    updated_at: str


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None


class MeetingFilters(InputSchema):
    status: StatusFilter = None
    from_: dt.date | None = Field(
        None,
        alias="from",
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="Lessons starting on or after this day (school time).",
    )
    to: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Lessons starting on or before this day (school time)."
    )
    # The Cal-style integration's spellings (its GET /api/zoom/meetings), accepted here too.
    startDate: DayOrInstant = None
    endDate: DayOrInstant = None
    host: str | None = Field(None, max_length=254, description="Zoom user ID or email.")
    teacher: int | None = Field(None, ge=1, le=MAX_ID, description="A person's id.")


def _person(person: Person) -> dict:
    return {"id": person.pk, "name": person.name, "email": person.email, "role": person.role}


def may_see_start_url(request, *, writing: bool = False) -> bool:
    """The start link is a host credential: for read-and-write tokens, and for signed-in staff in
    the answer to their own write (a browser's GET of the API stays free of it, as pages are)."""
    found = getattr(request, "auth", None)
    if found is None:
        return False
    if found.token is None:
        return writing
    return found.token.can_write


def meeting_out(meeting: Meeting, *, with_start_url: bool = False) -> dict:
    recurrence = meeting.recurrence
    local = to_local(meeting.start_at, meeting.timezone)
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "panelists": [_person(p) for p in meeting.panelists.all()],
        "registration": meeting.registration,
        "made_in_zoom": meeting.made_in_zoom,
        "topic": meeting.topic,
        "description": meeting.description,
        "start_time": utc_iso(meeting.start_at),
        "local_start": local.isoformat(),
        "when": format_lesson_time(meeting.start_at, meeting.timezone),
        "timezone": meeting.timezone,
        "duration": meeting.duration,
        "host": {
            "zoom_user_id": meeting.host.zoom_id,
            "email": meeting.host.email,
            "credential_id": meeting.host.credential_id,
        },
        "teacher": _person(meeting.teacher) if meeting.teacher else None,
        "students": [_person(p) for p in meeting.students.all()],
        "recurrence": (
            {"weekdays": list(recurrence.weekdays), "count": recurrence.count, "until": recurrence.until}
            if recurrence
            else None
        ),
        "settings": {
            "host_video": meeting.host_video,
            "participant_video": meeting.participant_video,
            "waiting_room": meeting.waiting_room,
            "join_before_host": meeting.join_before_host,
            "mute_upon_entry": meeting.mute_upon_entry,
            "auto_recording": meeting.auto_recording,
            "alternative_hosts": [e for e in meeting.alternative_hosts.split(",") if e],
        },
        "status": meeting.status,
        "push_state": meeting.push_state,
        "push_error": meeting.push_error,
        "zoom_meeting_id": meeting.zoom_meeting_id,
        "join_url": meeting.join_url or None,
        "start_url": (meeting.start_url or None) if with_start_url else None,
        "passcode": meeting.password,
        "password": meeting.password,
        "created_at": utc_iso(meeting.created_at),
        "updated_at": utc_iso(meeting.updated_at),
    }


def _meetings():
    return Meeting.objects.select_related("host", "teacher").prefetch_related(
        Prefetch("students", queryset=Person.objects.order_by("name", "id")),
        Prefetch("panelists", queryset=Person.objects.order_by("name", "id")),
    )


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, message, code="validation_error", fields={field: message})


def _find_host(reference: str | None) -> ZoomUser:
    reference = (reference or "").strip()
    if reference in ("", ME):
        try:
            return account_services.default_host(reference=reference)
        except account_services.NoDefaultHost as error:
            raise _bad("host", error.message) from None
    hosts = ZoomUser.objects.select_related("credential").filter(
        Q(zoom_id=reference) | Q(email__iexact=reference)
    )
    hosts = list(hosts.order_by("-is_active", "id")[:10])
    usable = [h for h in hosts if h.is_active and h.credential.status == Credential.Status.ACTIVE]
    if len({h.pk for h in usable}) > 1:
        raise _bad(
            "host",
            _("“%(ref)s” is a Zoom user in several accounts; use the Zoom user ID.") % {"ref": reference},
        )
    if usable:
        return usable[0]
    if hosts:
        return hosts[0]  # lesson_validate says why it cannot host
    raise _bad(
        "host",
        _("No Zoom user “%(ref)s” in the connected accounts (refresh the account's users first).")
        % {"ref": reference},
    )


def _find_person(reference: PersonRef, field: str, *, teacher: bool = False) -> Person:
    people = Person.objects.all()
    if teacher:
        people = people.filter(role=Person.Role.TEACHER)
    if isinstance(reference, int):
        found = list(people.filter(pk=reference)[:2]) if 1 <= reference <= MAX_ID else []
    else:
        found = list(people.filter(Q(email__iexact=reference.strip()))[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise _bad(field, _("Several people have the email “%(ref)s”; use their id.") % {"ref": reference})
    if teacher:
        raise _bad(field, _("No teacher “%(ref)s”.") % {"ref": reference})
    raise _bad(field, _("No person “%(ref)s”.") % {"ref": reference})


def _panelists(references: list[PersonRef]) -> tuple[Person, ...]:
    return tuple(
        dict.fromkeys(_find_person(ref, f"panelists.{i}", teacher=True) for i, ref in enumerate(references))
    )


def _start(*, start_time, day, time, zone: str, current: Meeting | None) -> dt.datetime:
    if not is_valid_timezone(zone):
        raise _bad("timezone", _("Unknown timezone “%(name)s”.") % {"name": zone})
    if start_time is not None:
        if start_time.tzinfo is None:
            raise _bad("start_time", _("Give the start with its offset, e.g. 2026-02-25T13:00:00Z."))
        if (
            not dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            <= start_time
            <= dt.datetime(2100, 12, 31, tzinfo=dt.UTC)
        ):
            raise _bad("start_time", _("The start must be between 2000 and 2100."))
        return start_time.astimezone(dt.UTC)
    if current is not None:
        local = to_local(current.start_at, current.timezone)
        day = day or local.date()
        time = time or local.time().replace(tzinfo=None)
    if day is None or time is None:
        raise ApiError(
            400,
            _("Give date, time (and timezone), or start_time."),
            code="validation_error",
            fields={"date" if day is None else "time": _("Required unless start_time is given.")},
        )
    try:
        return local_to_utc(day, time, zone)
    except LocalTimeError as error:
        raise _bad("time", str(error)) from None


def _recurrence(data: RecurrenceIn | None) -> WeeklyRecurrence | None:
    if data is None:
        return None
    return WeeklyRecurrence(weekdays=tuple(data.weekdays), count=data.count, until=data.until)


def _zoom_settings(data: ZoomSettingsIn) -> services.ZoomSettings:
    return services.ZoomSettings(
        host_video=data.host_video,
        participant_video=data.participant_video,
        waiting_room=data.waiting_room,
        join_before_host=data.join_before_host,
        mute_upon_entry=data.mute_upon_entry,
        auto_recording=data.auto_recording,
        alternative_hosts=tuple(data.alternative_hosts),
    )


def _field_names(uses_start_time: bool) -> dict[str, str]:
    return {
        "start_time": "start_time" if uses_start_time else "time",
        "recurrence_weekdays": "recurrence.weekdays",
        "recurrence_count": "recurrence.count",
        "recurrence_until": "recurrence.until",
        "recurrence_end": "recurrence",
    }


@router.post("/meetings", auth=WRITE, response=responses({201: MeetingOut}))
def create_meeting(request, payload: MeetingIn):
    """Schedule a lesson: it is saved at once and created in Zoom in the background."""
    zone = payload.timezone or school_timezone_name()
    start = _start(
        start_time=payload.start_time, day=payload.date, time=payload.time, zone=zone, current=None
    )
    plan = services.LessonPlan(
        host=_find_host(payload.host),
        topic=payload.topic,
        start=start,
        duration=payload.duration,
        timezone=zone,
        teacher=_find_person(payload.teacher, "teacher", teacher=True)
        if payload.teacher is not None
        else None,
        students=tuple(
            dict.fromkeys(_find_person(ref, f"students.{i}") for i, ref in enumerate(payload.students))
        ),
        description=payload.description,
        recurrence=_recurrence(payload.recurrence),
        zoom_settings=_zoom_settings(payload.settings or ZoomSettingsIn()),
        kind=payload.kind,
        registration=payload.registration,
        panelists=_panelists(payload.panelists),
    )
    try:
        meeting = services.meeting_schedule(plan=plan, actor=caller(request).user)
    except ValidationError as error:
        raise validation_failed(error, field_names=_field_names(payload.start_time is not None)) from None
    # Programs that book a lesson want its join link in the answer, as Zoom's own create gives it:
    # try the push now. Its claim makes this safe beside the queued task; if Zoom is slow or
    # refuses, the outbox retries and join_url stays null until then.
    if settings.LESSON_API_PUSHES_AT_ONCE:
        outbox.meeting_push(meeting_id=meeting.pk)
    return Status(
        201,
        meeting_out(_meetings().get(pk=meeting.pk), with_start_url=may_see_start_url(request, writing=True)),
    )


@router.get("/meetings", auth=READ, response=responses({200: MeetingPage}))
def list_meetings(request, filters: Query[MeetingFilters], page: Query[PageParams]):
    """Lessons by start time, earliest first."""
    meetings = filter_meetings(_meetings(), status=filters.status, start=filters.from_, end=filters.to)
    meetings = filter_meetings(meetings, start=filters.startDate, end=filters.endDate)
    if filters.host:
        meetings = meetings.filter(Q(host__zoom_id=filters.host) | Q(host__email__iexact=filters.host))
    if filters.teacher:
        meetings = meetings.filter(teacher_id=filters.teacher)
    items, next_cursor = paginate(meetings, order=("start_at", "id"), page=page, scope="meetings")
    with_start_url = may_see_start_url(request)
    return {
        "items": [meeting_out(m, with_start_url=with_start_url) for m in items],
        "next_cursor": next_cursor,
    }


@router.get("/meetings/{meeting_id}", auth=READ, response=responses({200: MeetingOut}, 404))
def get_meeting(request, meeting_id: Id):
    return meeting_out(
        get_object_or_404(_meetings(), pk=meeting_id), with_start_url=may_see_start_url(request)
    )


@router.patch("/meetings/{meeting_id}", auth=WRITE, response=responses({200: MeetingOut}, 404))
def reschedule_meeting(request, meeting_id: Id, payload: MeetingPatch):
    """Change or reschedule a lesson; Zoom gets a PATCH, so the join link stays."""
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    sent = payload.model_fields_set
    zone = payload.timezone or meeting.timezone
    if {"start_time", "date", "time", "timezone"} & sent:
        start = _start(
            start_time=payload.start_time, day=payload.date, time=payload.time, zone=zone, current=meeting
        )
    else:
        start = meeting.start_at
    recurrence = _recurrence(payload.recurrence) if "recurrence" in sent else meeting.recurrence
    zoom_settings = services.zoom_settings_of(meeting)
    if "settings" in sent and payload.settings is not None:
        # Only the settings sent change; the others keep the lesson's values.
        changed = payload.settings.model_dump(include=payload.settings.model_fields_set)
        if "alternative_hosts" in changed:
            changed["alternative_hosts"] = tuple(changed["alternative_hosts"])
        zoom_settings = replace(zoom_settings, **changed)
    if "teacher" in sent:
        teacher = (
            _find_person(payload.teacher, "teacher", teacher=True) if payload.teacher is not None else None
        )
    else:
        teacher = meeting.teacher
    if "students" in sent and payload.students is not None:
        students = tuple(
            dict.fromkeys(_find_person(ref, f"students.{i}") for i, ref in enumerate(payload.students))
        )
    else:
        students = tuple(meeting.students.all())
    plan = services.LessonPlan(
        host=_find_host(payload.host) if payload.host is not None else meeting.host,
        topic=payload.topic if payload.topic is not None else meeting.topic,
        start=start,
        duration=payload.duration if payload.duration is not None else meeting.duration,
        timezone=zone,
        teacher=teacher,
        students=students,
        description=payload.description if payload.description is not None else meeting.description,
        recurrence=recurrence,
        zoom_settings=zoom_settings,
        kind=meeting.kind,
        registration=payload.registration if payload.registration is not None else meeting.registration,
        panelists=_panelists(payload.panelists)
        if payload.panelists is not None
        else tuple(meeting.panelists.all()),
    )
    try:
        services.meeting_reschedule(meeting=meeting, plan=plan, actor=caller(request).user)
    except ValidationError as error:
        raise validation_failed(error, field_names=_field_names(payload.start_time is not None)) from None
    return meeting_out(
        _meetings().get(pk=meeting.pk), with_start_url=may_see_start_url(request, writing=True)
    )


@router.delete("/meetings/{meeting_id}", auth=WRITE, response=responses({200: MeetingOut}, 404, 409))
def cancel_meeting(request, meeting_id: Id):
    """Cancel a lesson; its Zoom meeting is deleted in the background. Canceling twice is harmless."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    try:
        services.meeting_cancel(meeting=meeting, actor=caller(request).user)
    except ValidationError as error:
        raise ApiError(409, " ".join(error.messages), code="invalid_state") from None
    return meeting_out(
        _meetings().get(pk=meeting.pk), with_start_url=may_see_start_url(request, writing=True)
    )
