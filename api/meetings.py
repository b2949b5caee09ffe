"""/api/v1/meetings — lessons and webinars (`kind`): schedule, list, reschedule (PATCH), cancel (DELETE).

Input becomes a meetings.services.LessonPlan and goes through meeting_schedule /
meeting_reschedule / meeting_cancel, so every lesson rule (future start, 1-1440 minutes, a
usable host, no overlap, weekly series limits) is the lessons' own. The lesson reaches Zoom
through the outbox; join_url is null until it has (poll GET /meetings/{id}).
"""

from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from api.auth import READ, WRITE, caller
from api.common import Id, utc_iso
from api.errors import ApiError, responses, validation_failed
from api.meeting_filters import filter_meetings
from api.meeting_inputs import (
    find_host,
    find_panelists,
    find_person,
    recurrence_from_input,
    service_field_names,
    start_from_input,
    zoom_settings_from_input,
)
from api.meeting_schemas import (
    MeetingFilters,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    MeetingPatch,
    RegistrationQuestionsIn,
    ZoomSettingsIn,
)
from api.pagination import PageParams, paginate
from meetings import outbox, services
from meetings.models import Meeting, Person
from meetings.registration_questions import zoom_questions_body
from meetings.timezones import (
    format_lesson_time,
    school_timezone_name,
    to_local,
)

router = Router(tags=["meetings"])


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


def _questions(sent: RegistrationQuestionsIn | None, *, kind: str) -> dict | None:
    """What the plan stores (None keeps the stored questions); a lesson has no registration page."""
    if sent is None:
        return None
    if sent.asks_anything() and kind != Meeting.Kind.WEBINAR:
        message = _("Only a webinar has a registration page: a lesson asks no registration questions.")
        raise ApiError(400, message, code="validation_error", fields={"registration_questions": message})
    return sent.as_stored()


def meeting_out(meeting: Meeting, *, with_start_url: bool = False) -> dict:
    recurrence = meeting.recurrence
    local = to_local(meeting.start_at, meeting.timezone)
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "panelists": [_person(p) for p in meeting.panelists.all()],
        "registration": meeting.registration,
        "registration_questions": zoom_questions_body(meeting.registration_questions),
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


@router.post("/meetings", auth=WRITE, response=responses({201: MeetingOut}))
def create_meeting(request, payload: MeetingIn):
    """Schedule a lesson: it is saved at once and created in Zoom in the background."""
    zone = payload.timezone or school_timezone_name()
    start = start_from_input(
        start_time=payload.start_time, day=payload.date, time=payload.time, zone=zone, current=None
    )
    plan = services.LessonPlan(
        host=find_host(payload.host),
        topic=payload.topic,
        start=start,
        duration=payload.duration,
        timezone=zone,
        teacher=find_person(payload.teacher, "teacher", teacher=True)
        if payload.teacher is not None
        else None,
        students=tuple(
            dict.fromkeys(find_person(ref, f"students.{i}") for i, ref in enumerate(payload.students))
        ),
        description=payload.description,
        recurrence=recurrence_from_input(payload.recurrence),
        zoom_settings=zoom_settings_from_input(payload.settings or ZoomSettingsIn()),
        kind=payload.kind,
        registration=payload.registration,
        panelists=find_panelists(payload.panelists),
        registration_questions=_questions(payload.registration_questions, kind=payload.kind),
    )
    try:
        meeting = services.meeting_schedule(plan=plan, actor=caller(request).user)
    except ValidationError as error:
        raise validation_failed(
            error, field_names=service_field_names(payload.start_time is not None)
        ) from None
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
        start = start_from_input(
            start_time=payload.start_time, day=payload.date, time=payload.time, zone=zone, current=meeting
        )
    else:
        start = meeting.start_at
    recurrence = recurrence_from_input(payload.recurrence) if "recurrence" in sent else meeting.recurrence
    zoom_settings = services.zoom_settings_of(meeting)
    if "settings" in sent and payload.settings is not None:
        # Only the settings sent change; the others keep the lesson's values.
        changed = payload.settings.model_dump(include=payload.settings.model_fields_set)
        if "alternative_hosts" in changed:
            changed["alternative_hosts"] = tuple(changed["alternative_hosts"])
        zoom_settings = replace(zoom_settings, **changed)
    if "teacher" in sent:
        teacher = (
            find_person(payload.teacher, "teacher", teacher=True) if payload.teacher is not None else None
        )
    else:
        teacher = meeting.teacher
    if "students" in sent and payload.students is not None:
        students = tuple(
            dict.fromkeys(find_person(ref, f"students.{i}") for i, ref in enumerate(payload.students))
        )
    else:
        students = tuple(meeting.students.all())
    plan = services.LessonPlan(
        host=find_host(payload.host) if payload.host is not None else meeting.host,
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
        panelists=find_panelists(payload.panelists)
        if payload.panelists is not None
        else tuple(meeting.panelists.all()),
        registration_questions=_questions(payload.registration_questions, kind=meeting.kind),
    )
    try:
        services.meeting_reschedule(meeting=meeting, plan=plan, actor=caller(request).user)
    except ValidationError as error:
        raise validation_failed(
            error, field_names=service_field_names(payload.start_time is not None)
        ) from None
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
