"""Lesson pages: list, week calendar, detail, create / edit / cancel, and the small htmx fragments."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Credential
from accounts.services import CredentialUnusable
from meetings import services, webinars
from meetings.calendar import week_grid, week_start_for
from meetings.forms import LessonFilterForm, LessonForm
from meetings.models import Meeting, MeetingTimelineEvent, Person, WebinarRegistrant
from meetings.panels import lesson_panels
from meetings.rows import LISTED_COLUMNS, ListedLesson, lesson_rows, student_names
from meetings.timezones import get_zone, school_timezone_name
from zoomhub.collation import by_name
from zoomhub.counts import CountedPaginator
from zoomhub.zoom.errors import ZoomError

PAGE_SIZE = 25


def _lesson_queryset():
    return Meeting.objects.select_related("host__credential", "teacher").prefetch_related(
        Prefetch("students", queryset=Person.objects.order_by(by_name()))
    )


@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    form = LessonFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tab = filters.get("tab") or "upcoming"
    now = timezone.now()
    # The rows show the host's address and the teacher's name: only the columns the rows use (a
    # Meeting has some forty), as plain values (meetings.rows.ListedLesson), no model instance per
    # lesson, host or teacher, and no Person per student (student_names reads the names).
    lessons = Meeting.objects.filter(ignored_at__isnull=True)
    if tab == "past":
        order = ("-start_at", "-pk")
        lessons = lessons.filter(series_end_at__lt=now)
    else:
        order = ("start_at", "pk")
        lessons = lessons.filter(series_end_at__gte=now)
    if filters.get("teacher"):
        lessons = lessons.filter(teacher=filters["teacher"])
    if filters.get("host"):
        lessons = lessons.filter(host=filters["host"])
    if filters.get("status"):
        lessons = lessons.filter(status=filters["status"])
    if filters.get("date"):
        zone = get_zone(school_timezone_name())
        day_start = dt.datetime.combine(filters["date"], dt.time(0, 0), tzinfo=zone)
        day_end = day_start + dt.timedelta(days=1)
        # Lessons (or series) that have time on that day; a series' other days are shown too.
        lessons = lessons.filter(start_at__lt=day_end, series_end_at__gt=day_start)
    # Two steps, as the recording list does: the count and the page's ids in list order come from
    # the lesson_list_order index alone (index-only scans, unfiltered), then the page's rows by id.
    ids = lessons.order_by(*order).values_list("pk", flat=True)
    page = CountedPaginator(ids, PAGE_SIZE, count=lessons.count()).get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    rows = Meeting.objects.filter(pk__in=page_ids).order_by(*order).values_list(*LISTED_COLUMNS)
    page.object_list = [ListedLesson(*row) for row in rows] if page_ids else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/lesson_list.html",
        {
            "page": page,
            "lessons": page.object_list,
            "rows": lesson_rows(page.object_list, student_names([lesson.pk for lesson in page.object_list])),
            "form": form,
            "tab": tab,
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key not in ("tab", "page")),
            # Called by the template only when the list is empty (no query on a full page).
            "has_zoom_account": _has_zoom_account,
        },
    )


def _has_zoom_account() -> bool:
    return Credential.objects.exists() or Meeting.objects.exists()


@require_GET
def lesson_calendar(request: HttpRequest) -> HttpResponse:
    zone_name = school_timezone_name()
    try:
        anchor = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        anchor = timezone.now().astimezone(get_zone(zone_name)).date()
    week_start = week_start_for(anchor)
    days = week_grid(week_start=week_start, zone_name=zone_name, lessons=_lesson_queryset())
    return render(
        request,
        "meetings/lesson_calendar.html",
        {
            "days": days,
            "week_start": week_start,
            "week_end": week_start + dt.timedelta(days=6),
            "previous_week": week_start - dt.timedelta(days=7),
            "next_week": week_start + dt.timedelta(days=7),
            "zone_name": zone_name,
        },
    )


def _detail_context(meeting: Meeting) -> dict:
    timeline = (
        MeetingTimelineEvent.objects.filter(meeting=meeting).select_related("actor").order_by("-at", "-pk")
    )
    return {
        "lesson": meeting,
        "registrants": list(meeting.registrants.select_related("decided_by")) if meeting.is_webinar else [],
        "timeline": timeline,
        "occurrences": meeting.occurrence_starts(),
        "panels": lesson_panels.render_for(meeting),
    }


@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_lesson_queryset(), pk=pk)
    return render(request, "meetings/lesson_detail.html", _detail_context(meeting))


@require_GET
def lesson_push_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment htmx polls while a push is pending or syncing; it stops polling when done."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/_push_status.html", {"lesson": meeting})


@require_POST
def lesson_start_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the host's start link on an explicit click only: it starts the meeting as the host."""
    meeting = get_object_or_404(_lesson_queryset(), pk=pk)
    if request.htmx:
        return render(request, "meetings/_start_link.html", {"lesson": meeting, "revealed": True})
    context = _detail_context(meeting) | {"revealed": True}
    return render(request, "meetings/lesson_detail.html", context)


@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(plan=form.plan, actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Lesson saved; it is being created in Zoom."))
            return redirect("meetings:lesson_detail", pk=meeting.pk)
    return render(request, "meetings/lesson_form.html", {"form": form, "lesson": None})


@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_lesson_queryset(), pk=pk)
    if meeting.status in (Meeting.Status.CANCELED, Meeting.Status.ENDED):
        messages.error(
            request,
            _("A %(status)s lesson cannot be changed.") % {"status": meeting.get_status_display().lower()},
        )
        return redirect("meetings:lesson_detail", pk=meeting.pk)
    form = LessonForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_reschedule(meeting=meeting, plan=form.plan, actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Lesson saved; Zoom is being updated (the join link stays the same).")
            )
            return redirect("meetings:lesson_detail", pk=meeting.pk)
    return render(request, "meetings/lesson_form.html", {"form": form, "lesson": meeting})


@require_http_methods(["GET", "POST"])
def lesson_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_lesson_queryset(), pk=pk)
    if request.method == "POST":
        try:
            services.meeting_cancel(
                meeting=meeting, actor=request.user, reason=request.POST.get("reason", "")[:500]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Lesson canceled; the Zoom meeting is being deleted."))
        return redirect("meetings:lesson_detail", pk=meeting.pk)
    return render(request, "meetings/lesson_confirm_cancel.html", {"lesson": meeting})


@require_POST
def lesson_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.meeting_ignore(meeting=meeting, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meetings:lesson_detail", pk=meeting.pk)
    messages.success(request, _("The meeting made in Zoom is ignored; Zoom keeps it as it is."))
    return redirect("meetings:lesson_list")


@require_POST
def webinar_registrant_decide(request: HttpRequest, registrant_pk: int, action: str) -> HttpResponse:
    """Approve or deny one registrant in Zoom, from the webinar's page."""
    registrant = get_object_or_404(
        WebinarRegistrant.objects.select_related("webinar__host__credential"), pk=registrant_pk
    )
    pk = registrant.webinar_id
    try:
        webinars.registrant_decide(registrant=registrant, action=action, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except CredentialUnusable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(who)s: %(status)s in Zoom.")
            % {"who": registrant, "status": registrant.get_status_display().lower()},
        )
    return redirect(reverse("meetings:lesson_detail", args=[pk]) + "#webinar-registrants")


@require_POST
def webinar_registrants_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the webinar's registrants from Zoom now (events keep them current otherwise)."""
    meeting = get_object_or_404(Meeting.objects.select_related("host__credential"), pk=pk)
    try:
        count = webinars.registrants_refresh(meeting=meeting)
    except (ZoomError, CredentialUnusable) as error:
        messages.error(request, _("Zoom answered: %(message)s") % {"message": error})
    else:
        messages.success(
            request,
            ngettext("%(count)s registrant read from Zoom.", "%(count)s registrants read from Zoom.", count)
            % {"count": count},
        )
    return redirect(reverse("meetings:lesson_detail", args=[pk]) + "#webinar-registrants")


@require_POST
def lesson_retry_push(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    if services.meeting_retry_push(meeting=meeting, actor=request.user):
        messages.success(request, _("Sending the lesson to Zoom again."))
    else:
        messages.info(request, _("The lesson is not waiting for a retry."))
    if request.htmx:
        meeting.refresh_from_db()
        return render(request, "meetings/_push_status.html", {"lesson": meeting})
    return redirect(reverse("meetings:lesson_detail", args=[meeting.pk]))
