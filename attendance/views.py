"""Attendance pages: the review list, a session, staff decisions, a student's history, the CSV export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendance import services
from attendance.computation import AttendanceRules, SessionStatus
from attendance.export import csv_filename, csv_rows
from attendance.forms import MatchForm, OverrideForm, SessionFilterForm
from attendance.models import Session
from attendance.selectors import (
    attendance_rate,
    session_rows,
    sessions_filtered,
    status_counts,
    student_history,
)
from attendance.storage import expected_people
from attendance.timeline import build_timeline, unmatched_participants
from meetings.models import Person
from meetings.timezones import school_timezone_name
from zoomhub.collation import by_name

PAGE_SIZE = 25


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    filters = form.filters()
    counts = status_counts(sessions_filtered(filters, with_status=False))
    sessions = session_rows(sessions_filtered(filters)).order_by("-scheduled_start", "-pk")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    without_status = _query_without(request, "status", "page")
    status_links = [
        {
            "value": status.value,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "current": filters.status == status.value,
        }
        for status in SessionStatus
    ]
    return render(
        request,
        "attendance/session_list.html",
        {
            "form": form,
            "page": page,
            "sessions": page.object_list,
            "status_links": status_links,
            "total": sum(counts.values()),
            "query": _query_without(request, "page"),
            "query_without_status": without_status,
            "school_timezone": school_timezone_name(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


@require_GET
def session_export(request: HttpRequest) -> StreamingHttpResponse:
    form = SessionFilterForm(request.GET or None)
    sessions = sessions_filtered(form.filters()).order_by("-scheduled_start", "-pk")
    response = StreamingHttpResponse(csv_rows(sessions), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(timezone.now())}"'
    return response


def _session(pk: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("meeting__host", "teacher", "overridden_by"), pk=pk
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    attendances = list(
        session.attendances.select_related("person").order_by("-role", by_name("person__name"))
    )
    segments = list(session.segments.select_related("person").order_by("join_at", "pk"))
    participants = unmatched_participants(session, segments)
    people, by_id = expected_people(session.meeting)
    zone = session.meeting.timezone
    candidates = {p.key: [by_id[i] for i in p.candidate_ids if i in by_id] for p in participants}
    rules = AttendanceRules.from_settings()
    lesson_minutes = (session.scheduled_end - session.scheduled_start).total_seconds() / 60
    # Until Zoom's data is in, the session has computed nothing: the page shows the lesson's
    # people and the rules that will be applied, not an empty table and "at least 0 minutes".
    waiting = not attendances and session.data_state == Session.DataState.PENDING
    return render(
        request,
        "attendance/session_detail.html",
        {
            "session": session,
            "lesson": session.meeting,
            "attendances": attendances,
            "segments": segments,
            "participants": [(p, candidates[p.key]) for p in participants],
            "lesson_people": sorted(by_id.values(), key=lambda p: p.name),
            "waiting": waiting,
            "expected": [(by_id[person.id], person.role) for person in people],
            "threshold": session.threshold_minutes
            if session.computed_at
            else rules.threshold_minutes(lesson_minutes),
            "rules": rules,
            "report_delay_minutes": max(1, round(settings.ATTENDANCE_FETCH_DELAY_SECONDS / 60)),
            "timeline": build_timeline(session, attendances, participants, zone),
            "override_form": OverrideForm(
                initial={"status": session.override_status or session.computed_status}
            ),
        },
    )


@require_POST
def session_match(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    _people, by_id = expected_people(session.meeting)
    form = MatchForm(request.POST, people=by_id.values())
    if not form.is_valid():
        messages.error(request, _("Choose one of the lesson's people for the participant."))
        return redirect("attendance:session_detail", pk=session.pk)
    try:
        decision = services.session_match_participant(
            session=session,
            participant_key=form.cleaned_data["participant_key"],
            person=form.cleaned_data["person"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("attendance:session_detail", pk=session.pk)
    if decision.learned_alias:
        messages.success(
            request,
            _("Matched to %(person)s; “%(alias)s” is remembered for the next lessons.")
            % {"person": decision.person, "alias": decision.learned_alias},
        )
    else:
        messages.success(request, _("Matched to %(person)s.") % {"person": decision.person})
    return redirect("attendance:session_detail", pk=session.pk)


@require_POST
def session_override(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and say why it is set by hand."))
        return redirect("attendance:session_detail", pk=session.pk)
    try:
        services.session_override_status(
            session=session,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status set by hand."))
    return redirect("attendance:session_detail", pk=session.pk)


@require_POST
def session_clear_override(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    services.session_clear_override(session=session, actor=request.user)
    messages.success(request, _("Back to the computed status."))
    return redirect("attendance:session_detail", pk=session.pk)


@require_POST
def session_refetch(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        services.session_refetch(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Fetching the participants from Zoom again."))
    return redirect("attendance:session_detail", pk=session.pk)


@require_GET
def student_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    present, counted = attendance_rate(person)
    page = Paginator(student_history(person), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/student_history.html",
        {
            "person": person,
            "page": page,
            "rows": page.object_list,
            "present": present,
            "counted": counted,
            "rate": round(100 * present / counted) if counted else None,
            "school_timezone": school_timezone_name(),
        },
    )
