"""Pages: sources, sync runs with live progress, recordings and their files.

Views validate, call a service and render. No page or URL ever carries a Zoom token: files are
played and downloaded through ZoomHub (our local copy, or Zoom's streamed through the server).
"""

import datetime as dt

from csp.constants import SELF
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Sum, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordings import labels, services
from recordings.file_responses import recording_file_response
from recordings.forms import DestinationForm, RecordingFilterForm, SourceForm, SyncNowForm
from recordings.hosts import recording_host, recording_host_names
from recordings.models import Destination, Recording, RecordingFile, Source, SyncRun, SyncStep
from recordings.rows import recording_page_rows, recording_rows
from recordings.services.destinations import (
    bucket_origin,
    destination_save,
    destination_test,
    destinations_usage,
)
from zoomhub.counts import CountedPaginator, table_count
from zoomhub.zoom.errors import ZoomError

PAGE_SIZE = 50
CREATED_SHOWN = 50


def source_list(request):
    latest = SyncRun.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-id")
    sources = (
        Source.objects.select_related("credential")
        .annotate(
            recording_total=Count("recordings", distinct=True),
            last_run_id=Subquery(latest.values("pk")[:1]),
            last_run_state=Subquery(latest.values("state")[:1]),
            last_run_created=Subquery(latest.values("created_at")[:1]),
        )
        .select_related("destination")
        .order_by("name")
    )
    usage = destinations_usage()
    destinations = list(Destination.objects.order_by("name"))
    for destination in destinations:
        destination.usage = usage.get(destination.pk)
    return render(
        request,
        "recordings/source_list.html",
        {
            "sources": sources,
            "sync_form": SyncNowForm(),
            "destinations": destinations,
            "local_usage": usage.get(None),
            "first_sync_days": settings.RECORDINGS_FIRST_SYNC_DAYS,
        },
    )


def _source_form(request, source=None):
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SourceForm.Meta.fields}
        try:
            if source is None:
                source = services.source_create(**values)
                messages.success(request, _("Source “%(name)s” created.") % {"name": source.name})
            else:
                source = services.source_update(source=source, **values)
                messages.success(request, _("Source “%(name)s” saved.") % {"name": source.name})
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("recordings:source_list")
    return render(request, "recordings/source_form.html", {"form": form, "source": source})


def source_create(request):
    return _source_form(request)


def source_edit(request, pk):
    return _source_form(request, get_object_or_404(Source, pk=pk))


@require_POST
def source_sync(request, pk):
    source = get_object_or_404(Source, pk=pk)
    form = SyncNowForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("recordings:source_list")
    try:
        run = services.sync_run_start(
            source=source,
            from_date=form.cleaned_data.get("from_date"),
            to_date=form.cleaned_data.get("to_date"),
            trigger=SyncRun.Trigger.MANUAL,
            requested_by=request.user,
        )
    except services.SyncAlreadyRunning as busy:
        messages.warning(request, str(busy))
        return redirect("recordings:run_detail", pk=busy.run.pk)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("recordings:source_list")
    # No "started" message: the run page says so itself while the run lasts, and not after.
    return redirect("recordings:run_detail", pk=run.pk)


def _run_context(run):
    problems = run.steps.filter(state__in=[SyncStep.State.FAILED, SyncStep.State.SKIPPED]).order_by(
        "target", "id"
    )
    # The recordings this run added: the source's recordings first stored while it ran (a
    # recording keeps no note of the run that created it; a webhook in that window may add one).
    created = Recording.objects.none()
    if run.recordings_created and run.started_at:
        created = Recording.objects.filter(
            source=run.source_id,
            created_at__gte=run.started_at,
            created_at__lte=run.finished_at or timezone.now(),
        ).order_by("-start_time", "-id")
    created = list(created[:CREATED_SHOWN])
    copies = RecordingFile.objects.filter(recording__in=[r.pk for r in created]).aggregate(
        total=Count("pk"),
        stored=Count("pk", filter=Q(download_state=RecordingFile.Download.DONE)),
        busy=Count(
            "pk",
            filter=Q(download_state__in=[RecordingFile.Download.PENDING, RecordingFile.Download.DOWNLOADING]),
        ),
        failed=Count("pk", filter=Q(download_state=RecordingFile.Download.FAILED)),
        size=Sum("file_size"),
        done_bytes=Sum(
            Case(
                When(download_state=RecordingFile.Download.DONE, then="file_size"),
                When(download_state=RecordingFile.Download.DOWNLOADING, then="bytes_downloaded"),
                default=Value(0),
            )
        ),
    )
    copies["percent"] = int(100 * (copies["done_bytes"] or 0) / copies["size"]) if copies["size"] else 0
    return {
        "run": run,
        "problems": problems[:200],
        "problem_count": problems.count(),
        "created": created,
        "copies": copies if run.source.download_files and copies["total"] else None,
        "now": timezone.now(),
    }


def run_detail(request, pk):
    run = get_object_or_404(SyncRun.objects.select_related("source", "requested_by"), pk=pk)
    recent = SyncRun.objects.filter(source=run.source).exclude(pk=run.pk).order_by("-created_at")[:10]
    return render(request, "recordings/run_detail.html", {**_run_context(run), "recent": recent})


def run_progress(request, pk):
    run = get_object_or_404(SyncRun.objects.select_related("source"), pk=pk)
    return render(request, "recordings/_run_progress.html", _run_context(run))


def _filtered_recordings(form):
    recordings = Recording.objects.all()
    if not form.is_valid():
        return recordings.none()
    data = form.cleaned_data
    if data["q"]:
        recordings = recordings.filter(topic__icontains=data["q"])
    if data["source"]:
        recordings = recordings.filter(source=data["source"])
    if data["host"]:
        recordings = recordings.filter(
            Q(host_email__icontains=data["host"]) | Q(target__icontains=data["host"])
        )
    # Bounds on start_time itself (not start_time__date, which casts every row) keep the index usable.
    if data["date_from"]:
        recordings = recordings.filter(start_time__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        recordings = recordings.filter(start_time__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    if data["meeting_id"] is not None:
        recordings = recordings.filter(zoom_meeting_id=data["meeting_id"])
    if data["lesson"] == "linked":
        recordings = recordings.filter(meeting__isnull=False)
    elif data["lesson"] == "unlinked":
        recordings = recordings.filter(meeting__isnull=True)
    if data["file_type"]:
        with_type = RecordingFile.objects.filter(recording=OuterRef("pk"), file_type=data["file_type"])
        recordings = recordings.filter(Exists(with_type))
    if data["state"]:
        recordings = recordings.filter(state=data["state"])
    return recordings


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


def _unfiltered(query) -> bool:
    return not any(value for key, value in query.items() if key != "page")


def recording_list(request):
    form = RecordingFilterForm(request.GET or None)
    if not request.GET:
        form = RecordingFilterForm({})
    # Two steps, so the database never joins or aggregates more than the page: the paginator counts
    # and slices bare ids (an index scan on -start_time, -id), then only those 50 rows are loaded
    # with their source, lesson and files. Aggregating the files in SQL instead grouped every
    # matching recording before the LIMIT (about 0.3 s at 50,000).
    ids = _filtered_recordings(form).order_by("-start_time", "-id").values_list("pk", flat=True)
    if _unfiltered(request.GET):
        # Counting 50,000 recordings took PostgreSQL 14 ms a page; the whole table's count is kept
        # in the cache and moves when the sync or a webhook adds recordings (zoomhub/counts.py).
        paginator = CountedPaginator(ids, PAGE_SIZE, count=table_count(Recording))
    else:
        paginator = Paginator(ids, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Plain values, not model instances: the rows show a dozen columns of 50 recordings.
    page.object_list = recording_page_rows(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recordings/recording_list.html",
        {
            "form": form,
            "page": page,
            "rows": recording_rows(
                page.object_list,
                host_names=recording_host_names({row["host_id"] for row in page.object_list}),
            ),
            "query": query.urlencode(),
            "filtered": bool(query),
            "has_sources": bool(page.object_list) or Source.objects.exists(),
        },
    )


def recording_detail(request, pk):
    recording = get_object_or_404(
        Recording.objects.select_related("source", "source__credential", "meeting"), pk=pk
    )
    files = list(recording.files.select_related("destination").order_by("recording_start", "id"))
    for file in files:
        file.kind_label = labels.file_type_label(file.file_type)
        view = labels.recording_type_label(file.recording_type)
        file.view_label = "" if view == file.kind_label else view  # not "Chat · Chat"
        file.player = labels.player_kind(file.file_type)
        file.can_serve = file.is_stored or (file.state != Recording.State.DELETED and bool(file.download_url))
    playable = [file for file in files if file.player and file.can_serve]
    chosen = request.GET.get("play", "")
    playing = next((f for f in playable if str(f.pk) == chosen), None) or _preferred(playable)
    deletions = recording.zoom_deletions.select_related("requested_by")[:20]
    response = render(
        request,
        "recordings/recording_detail.html",
        {
            "recording": recording,
            "files": files,
            "playable": playable,
            "playing": playing,
            "host": recording_host(recording),
            "deletions": deletions,
        },
    )
    if playing is not None and playing.destination is not None and playing.destination.is_s3:
        # The player's file comes from the bucket (a presigned redirect): allow that origin.
        origin = bucket_origin(playing.destination)
        if origin:
            response._csp_update = {"media-src": [SELF, origin]}
    return response


def _preferred(playable: list[RecordingFile]) -> RecordingFile | None:
    """Screen and speaker first (what a lesson's recording usually is), then any video, then audio."""
    order = ["shared_screen_with_speaker_view", "shared_screen_with_gallery_view", "speaker_view"]
    for view in order:
        for file in playable:
            if file.recording_type == view:
                return file
    videos = [f for f in playable if f.player == "video"]
    return (videos or playable or [None])[0]


@require_POST
def recording_legal_hold(request, pk):
    recording = get_object_or_404(Recording, pk=pk)
    hold = request.POST.get("hold") == "1"
    services.recording_set_legal_hold(recording=recording, hold=hold, by=request.user)
    if hold:
        messages.success(request, _("The recording is on legal hold: retention will not delete its copies."))
    else:
        messages.success(request, _("The legal hold is released."))
    return redirect("recordings:recording_detail", pk=recording.pk)


@require_POST
def file_request_download(request, pk):
    file = get_object_or_404(RecordingFile, pk=pk)
    if services.recording_file_request_download(file=file):
        messages.success(request, _("The file is queued for download."))
    else:
        messages.info(request, _("This file is already downloaded or being downloaded."))
    return redirect("recordings:recording_detail", pk=file.recording_id)


def file_serve(request, pk):
    """Our local copy, or Zoom's file streamed through ZoomHub: the token never reaches the browser."""
    file = get_object_or_404(
        RecordingFile.objects.select_related("recording__source__credential", "destination"), pk=pk
    )
    try:
        return recording_file_response(request, file, attachment=request.GET.get("download") == "1")
    except ZoomError as error:
        messages.error(request, _("Zoom refused the file: %(error)s") % {"error": error})
        return redirect(reverse("recordings:recording_detail", args=[file.recording_id]))


def _destination_form(request, destination=None):
    form = DestinationForm(request.POST or None, instance=destination)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in DestinationForm.Meta.fields}
        try:
            saved = destination_save(destination=destination, **values)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Destination “%(name)s” saved.") % {"name": saved.name})
            return redirect("recordings:source_list")
    return render(request, "recordings/destination_form.html", {"form": form, "destination": destination})


def destination_create(request):
    return _destination_form(request)


def destination_edit(request, pk):
    return _destination_form(request, get_object_or_404(Destination, pk=pk))


@require_POST
def destination_check(request, pk):
    destination = get_object_or_404(Destination, pk=pk)
    result = destination_test(destination=destination)
    if result.ok:
        messages.success(request, result.message)
    else:
        messages.error(request, result.message)
    return redirect("recordings:source_list")
