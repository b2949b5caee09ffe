"""Sources and the sync runs staff start: every write goes through here."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Source, SyncRun
from recordings.planning import default_from_date
from recordings.validation import normalise_emails, split_list
from zoomhub.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

SOURCE_FIELDS = (
    "name",
    "credential",
    "recording_type",
    "include_trash",
    "user_id",
    "is_master_account",
    "user_emails",
    "account_ids",
    "download_files",
    "retention_days",
    "active",
    "destination",
    "path_template",
    "free_zoom_cloud",
)


class SyncAlreadyRunning(Exception):
    def __init__(self, run: SyncRun) -> None:
        self.run = run
        super().__init__(_("A sync of this source is already under way."))


def _apply(source: Source, values: dict) -> Source:
    for field, value in values.items():
        if field not in SOURCE_FIELDS:
            raise TypeError(f"Source has no editable field {field!r}")
        if field == "user_emails":
            value = normalise_emails(value)
        elif field == "account_ids":
            value = split_list(value)
        elif field == "user_id":
            value = (value or "").strip()
        setattr(source, field, value)
    # Raises ValidationError with a message per field (recordings.validation) and changes nothing.
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_create(**values) -> Source:
    return _apply(Source(), values)


@transaction.atomic
def source_update(*, source: Source, **values) -> Source:
    return _apply(source, values)


def sync_run_default_dates(*, source: Source, today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    last = (
        SyncRun.objects.filter(source=source, state=SyncRun.State.SUCCEEDED)
        .order_by("-to_date")
        .values_list("to_date", flat=True)
        .first()
    )
    start = default_from_date(
        last_success_to=last,
        today=today,
        overlap_days=settings.RECORDINGS_SYNC_OVERLAP_DAYS,
        first_days=settings.RECORDINGS_FIRST_SYNC_DAYS,
    )
    return start, today


def sync_run_active(*, source: Source) -> SyncRun | None:
    return (
        SyncRun.objects.filter(source=source, state__in=[SyncRun.State.QUEUED, SyncRun.State.RUNNING])
        .order_by("-created_at")
        .first()
    )


def sync_run_create(
    *,
    source: Source,
    from_date: date | None = None,
    to_date: date | None = None,
    trigger: str = SyncRun.Trigger.MANUAL,
    requested_by=None,
) -> SyncRun:
    """A queued run (no task yet). Raises SyncAlreadyRunning, or ValueError on impossible dates."""
    default_from, default_to = sync_run_default_dates(source=source)
    to_date = to_date or default_to
    from_date = from_date or min(default_from, to_date)
    if from_date > to_date:
        raise ValueError(_("The start date is after the end date."))
    if to_date > timezone.localdate():
        raise ValueError(_("The end date is in the future."))
    with transaction.atomic():
        # One run per source at a time: lock the source row while checking.
        Source.objects.select_for_update().get(pk=source.pk)
        active = sync_run_active(source=source)
        if active is not None:
            raise SyncAlreadyRunning(active)
        try:
            return SyncRun.objects.create(
                source=source,
                from_date=from_date,
                to_date=to_date,
                trigger=trigger,
                requested_by=requested_by,
            )
        except IntegrityError as exc:  # pragma: no cover - the check above holds the lock
            raise ValueError(str(exc)) from None


def sync_run_start(**kwargs) -> SyncRun:
    """Create a run and enqueue its task once the transaction commits."""
    from recordings.tasks import sync_run_task

    with transaction.atomic():
        run = sync_run_create(**kwargs)
        enqueue_on_commit(sync_run_task, run_id=run.pk)
    logger.info("Sync run %s of source %s queued (%s…%s)", run.pk, run.source_id, run.from_date, run.to_date)
    return run
