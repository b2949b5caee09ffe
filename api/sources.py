"""/api/v1/sources and /api/v1/tasks — recording sources ("Input Source", docs/api.md) and their syncs.

Rules are recordings.validation's (through recordings.services); sync dates are checked by the
"Sync now" form's rules. A sync is a SyncRun: its id is the task_id a client polls.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from accounts.models import Credential
from api.auth import READ, WRITE, caller
from api.common import MAX_ID, Id, utc_iso
from api.errors import ApiError, responses, validation_failed
from api.pagination import PageParams, paginate
from api.parsing import InputSchema
from recordings import services
from recordings.forms import SyncNowForm
from recordings.models import Source, SyncRun, SyncStep
from recordings.tasks import sync_run_task
from zoomhub.queueing import enqueue_on_commit

router = Router(tags=["recordings"])

FIELD_NAMES = {
    "credential": "credential_id",
    **{
        name: f"config.{name}"
        for name in (
            "user_id",
            "include_trash",
            "recording_type",
            "is_master_account",
            "user_emails",
            "account_ids",
        )
    },
}
# How many failed or skipped steps a task answer lists (the count is always complete).
MAX_TASK_ERRORS = 200


class SourceConfig(InputSchema):
    """A source's Zoom settings (ZoomSourceConfig, docs/api.md)."""

    user_id: str | None = Field(None, max_length=200, description="Sync only this Zoom user (ID or email).")
    include_trash: bool = False
    recording_type: Literal["cloud", "all"] = "cloud"
    is_master_account: bool = False
    user_emails: list[str] | None = Field(None, max_length=5000, description="Master account, variant A.")
    account_ids: list[str] | None = Field(None, max_length=5000, description="Master account, variant B.")


class SourceIn(InputSchema):
    name: str = Field(..., max_length=200)
    platform: Literal["ZOOM", "zoom"] = "ZOOM"
    credential_id: int = Field(..., ge=1, le=MAX_ID)
    config: SourceConfig = Field(default_factory=SourceConfig)
    download_files: bool = Field(False, description="Keep a local copy of every file.")
    retention_days: int | None = Field(
        None, ge=1, le=36500, description="Delete local copies after this many days."
    )
    active: bool = Field(True, description="Synced every hour.")


class SourceOut(Schema):
    id: int
    name: str
    platform: str
    credential_id: int
    config: SourceConfig
    download_files: bool
    retention_days: int | None
    active: bool
    created_at: str


class SourcePage(Schema):
    items: list[SourceOut]
    next_cursor: str | None


class TaskCreated(Schema):
    task_id: str
    state: str
    from_date: dt.date
    to_date: dt.date


class TaskProgress(Schema):
    steps_done: int
    steps_total: int
    percent: int


class TaskCounts(Schema):
    recordings_seen: int
    recordings_created: int
    recordings_updated: int
    api_calls: int
    steps_failed: int
    steps_skipped: int


class TaskStepError(Schema):
    target: str
    window_from: dt.date
    window_to: dt.date
    trash: bool
    state: str
    message: str


class TaskOut(Schema):
    task_id: str
    kind: Literal["recordings_sync"]
    source_id: int
    state: Literal["queued", "running", "succeeded", "partial", "failed"]
    finished: bool
    from_date: dt.date
    to_date: dt.date
    progress: TaskProgress
    counts: TaskCounts
    error: str = Field(..., description="Why the whole run failed; empty otherwise.")
    errors: list[TaskStepError] = Field(
        ..., description="Failed or skipped steps (a user or window) with Zoom's message."
    )
    created_at: str
    started_at: str | None
    finished_at: str | None


class SyncQuery(InputSchema):
    from_date: dt.date | None = Field(None, description="First day (default: incremental, or 30 days back).")
    to_date: dt.date | None = Field(None, description="Last day (default: today).")


def source_out(source: Source) -> dict:
    return {
        "id": source.pk,
        "name": source.name,
        "platform": "ZOOM",
        "credential_id": source.credential_id,
        "config": {
            "user_id": source.user_id or None,
            "include_trash": source.include_trash,
            "recording_type": source.recording_type,
            "is_master_account": source.is_master_account,
            "user_emails": source.user_emails or None,
            "account_ids": source.account_ids or None,
        },
        "download_files": source.download_files,
        "retention_days": source.retention_days,
        "active": source.active,
        "created_at": utc_iso(source.created_at),
    }


@router.post("/sources", auth=WRITE, response=responses({201: SourceOut}))
def create_source(request, payload: SourceIn):
    """Add a source (what to sync) on a connected Zoom account."""
    credential = Credential.objects.filter(pk=payload.credential_id).first()
    if credential is None:
        raise ApiError(
            400,
            _("No Zoom account has this id."),
            code="validation_error",
            fields={"credential_id": _("No Zoom account has the id %(id)s.") % {"id": payload.credential_id}},
        )
    config = payload.config
    try:
        source = services.source_create(
            name=payload.name,
            credential=credential,
            recording_type=config.recording_type,
            include_trash=config.include_trash,
            user_id=config.user_id or "",
            is_master_account=config.is_master_account,
            user_emails=config.user_emails or [],
            account_ids=config.account_ids or [],
            download_files=payload.download_files,
            retention_days=payload.retention_days,
            active=payload.active,
        )
    except ValidationError as error:
        raise validation_failed(error, field_names=FIELD_NAMES) from None
    return Status(201, source_out(source))


@router.get("/sources", auth=READ, response=responses({200: SourcePage}))
def list_sources(request, page: Query[PageParams]):
    items, next_cursor = paginate(Source.objects.all(), order=("id",), page=page, scope="sources")
    return {"items": [source_out(s) for s in items], "next_cursor": next_cursor}


@router.get("/sources/{source_id}", auth=READ, response=responses({200: SourceOut}, 404))
def get_source(request, source_id: Id):
    return source_out(get_object_or_404(Source, pk=source_id))


@router.post("/sources/{source_id}/sync", auth=WRITE, response=responses({202: TaskCreated}, 404, 409))
def sync_source(request, source_id: Id, query: Query[SyncQuery]):
    """Start a sync of the source; poll GET /tasks/{task_id}. One sync per source at a time (409)."""
    source = get_object_or_404(Source, pk=source_id)
    form = SyncNowForm(data={"from_date": query.from_date, "to_date": query.to_date})
    if not form.is_valid():
        raise validation_failed(ValidationError(form.errors.as_data()))
    try:
        with transaction.atomic():
            run = services.sync_run_create(
                source=source,
                from_date=form.cleaned_data.get("from_date"),
                to_date=form.cleaned_data.get("to_date"),
                trigger=SyncRun.Trigger.MANUAL,
                requested_by=caller(request).user,
            )
            # A broker outage leaves the run queued; the hourly sync job sends it again.
            enqueue_on_commit(sync_run_task, run_id=run.pk)
    except services.SyncAlreadyRunning as busy:
        raise ApiError(
            409,
            _("A sync of this source is already under way: task %(task)s.") % {"task": busy.run.pk},
            code="sync_already_running",
        ) from None
    except ValueError as error:
        raise ApiError(400, str(error), code="validation_error", fields={"from_date": str(error)}) from None
    return Status(
        202, {"task_id": str(run.pk), "state": run.state, "from_date": run.from_date, "to_date": run.to_date}
    )


def task_out(run: SyncRun, problems: list[SyncStep], failed: int, skipped: int) -> dict:
    return {
        "task_id": str(run.pk),
        "kind": "recordings_sync",
        "source_id": run.source_id,
        "state": run.state,
        "finished": run.is_finished,
        "from_date": run.from_date,
        "to_date": run.to_date,
        "progress": {"steps_done": run.steps_done, "steps_total": run.steps_total, "percent": run.percent},
        "counts": {
            "recordings_seen": run.recordings_seen,
            "recordings_created": run.recordings_created,
            "recordings_updated": run.recordings_updated,
            "api_calls": run.api_calls,
            "steps_failed": failed,
            "steps_skipped": skipped,
        },
        "error": run.error,
        "errors": [
            {
                "target": step.target,
                "window_from": step.window_from,
                "window_to": step.window_to,
                "trash": step.trash,
                "state": step.state,
                "message": step.error,
            }
            for step in problems
        ],
        "created_at": utc_iso(run.created_at),
        "started_at": utc_iso(run.started_at),
        "finished_at": utc_iso(run.finished_at),
    }


@router.get("/tasks/{task_id}", auth=READ, response=responses({200: TaskOut}, 404))
def get_task(request, task_id: str):
    """A sync's state, progress, counts and per-user errors (from its SyncRun)."""
    if not task_id.isdigit() or not 1 <= int(task_id) <= MAX_ID:
        raise ApiError(404, _("No task has this id."))
    run = get_object_or_404(SyncRun, pk=int(task_id))
    problem_states = [SyncStep.State.FAILED, SyncStep.State.SKIPPED]
    problems = list(run.steps.filter(state__in=problem_states).order_by("target", "id")[:MAX_TASK_ERRORS])
    counts = run.steps.aggregate(
        failed=Count("id", filter=Q(state=SyncStep.State.FAILED)),
        skipped=Count("id", filter=Q(state=SyncStep.State.SKIPPED)),
    )
    return task_out(run, problems, counts["failed"], counts["skipped"])
