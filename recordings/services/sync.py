"""Running a sync: claim the run, plan targets x windows once, list every step's pages, upsert.

Why it is shaped like this:
* Exactly once across crashes. The plan (one SyncStep per target x window, plus each target's trash)
  is stored in one transaction; each step's pages are fetched first and then written in ONE
  transaction that claims the step (pending → done), upserts the recordings and adds the step's
  counts to the run. A worker killed mid-step leaves the step pending and nothing of it counted;
  the redelivered task (acks_late) claims the run again and does only the pending steps.
* Speed. Steps run on a bounded pool of threads; every call still takes a slot from the shared
  rate limiter (zoomhub.zoom.ratelimit), so the pool fills Zoom's Medium budget without 429s.
* Zoom's silent one-month cut: windows come from recordings.planning, and every answer's from/to is
  compared with what was asked (a cut answer fails the step loudly instead of losing recordings).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from recordings.models import Recording, Source, SyncRun, SyncStep
from recordings.planning import windows
from recordings.services.upsert import recordings_upsert
from zoomhub.zoom.errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomError,
    ZoomNotFound,
    ZoomPermissionError,
)
from zoomhub.zoom.limits import PER_SECOND, Category, Plan

logger = logging.getLogger(__name__)


class SyncRunBusy(Exception):
    """Another worker holds the run (its heartbeat is fresh): try again later."""


class SyncRetryLater(Exception):
    """Some steps hit transient Zoom errors; they stay pending for the task's next attempt."""

    def __init__(self, message: str, countdown: float) -> None:
        super().__init__(message)
        self.countdown = countdown


class WindowCut(ZoomError):
    """Zoom answered for a shorter range than asked (its silent one-month cut)."""


class SourceClients:
    """One ZoomClient per Zoom account a source reads: its credential's, or one per sub-account.

    The account_ids variant asks a Server-to-Server token per sub-account (the same app's client
    id and secret, that account's id); the token cache makes that one token request per account.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self._clients: dict[str, object] = {}
        self._lock = threading.Lock()

    def for_account(self, account_id: str = ""):
        with self._lock:
            if account_id not in self._clients:
                self._clients[account_id] = self._build(account_id)
            return self._clients[account_id]

    def _build(self, account_id: str):
        from accounts.services import credential_client

        return credential_client(credential=self.source.credential, account_id=account_id)


@dataclass
class StepOutcome:
    state: str
    error: str = ""
    transient: bool = False
    fatal: ZoomError | None = None


def recordings_path(target: str) -> str:
    return f"/users/{quote(target, safe='@')}/recordings"


def sync_run_claim(*, run_id: int, task_id: str = "") -> SyncRun | None:
    """Take the run for this worker, atomically; None when it is finished (nothing to do).

    A run is free when queued, or running with a heartbeat older than RECORDINGS_SYNC_STALE_SECONDS
    (its worker died). Raises SyncRunBusy when a live worker holds it.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.RECORDINGS_SYNC_STALE_SECONDS)
    free = Q(state=SyncRun.State.QUEUED) | Q(state=SyncRun.State.RUNNING, heartbeat_at__lt=stale)
    taken = (
        SyncRun.objects.filter(pk=run_id)
        .filter(free)
        .update(
            state=SyncRun.State.RUNNING,
            heartbeat_at=now,
            celery_task_id=task_id[:64],
            attempts=F("attempts") + 1,
            started_at=Coalesce("started_at", now),
        )
    )
    run = SyncRun.objects.select_related("source__credential").filter(pk=run_id).first()
    if run is None or run.is_finished:
        return None
    if not taken:
        raise SyncRunBusy(f"Sync run {run_id} is being run by another worker.")
    return run


def _list_users(client) -> list[dict]:
    return [
        u
        for u in client.paginate("/users", items_key="users", params={"status": "active"})
        if u.get("status", "active") == "active"
    ]


def _target(user: dict) -> str:
    # Emails name targets (readable on the run page, and what webhooks carry as host_email).
    return (user.get("email") or "").lower() or user["id"]


def sync_run_plan(*, run: SyncRun, clients: SourceClients) -> int:
    """Store the run's steps (targets x windows, trash first); return how many. Done once per run."""
    source = run.source
    targets: list[tuple[str, str]] = []  # (account_id, target)
    failed: list[SyncStep] = []
    calls = 0
    if source.user_id:
        targets = [("", source.user_id)]
    elif source.is_master_account and source.user_emails:
        targets = [("", email) for email in source.user_emails]
    elif source.is_master_account and source.account_ids:
        for account_id in source.account_ids:
            try:
                users = _list_users(clients.for_account(account_id))
                calls += max(1, -(-len(users) // 300))
            except ZoomError as error:
                logger.warning("Listing users of Zoom account %s failed: %s", account_id, error)
                failed.append(
                    SyncStep(
                        run=run,
                        account_id=account_id,
                        target=_("(users of account %(id)s)") % {"id": account_id},
                        window_from=run.from_date,
                        window_to=run.to_date,
                        state=SyncStep.State.FAILED,
                        error=str(error),
                        finished_at=timezone.now(),
                    )
                )
                continue
            targets.extend((account_id, _target(u)) for u in users)
    elif source.credential.kind == "oauth":
        targets = [("", "me")]
    else:
        users = _list_users(clients.for_account(""))
        calls += max(1, -(-len(users) // 300))
        targets = [("", _target(u)) for u in users]

    steps: list[SyncStep] = []
    if source.include_trash:
        steps += [
            SyncStep(
                run=run, account_id=a, target=t, window_from=run.from_date, window_to=run.to_date, trash=True
            )
            for a, t in targets
        ]
    for window in windows(run.from_date, run.to_date):
        steps += [
            SyncStep(run=run, account_id=a, target=t, window_from=window.start, window_to=window.end)
            for a, t in targets
        ]
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().get(pk=run.pk)
        if locked.planned:  # another attempt planned it first
            return locked.steps_total
        SyncStep.objects.bulk_create(failed + steps, ignore_conflicts=True)
        total = len(failed) + len(steps)
        SyncRun.objects.filter(pk=run.pk).update(
            planned=True, steps_total=total, steps_done=len(failed), api_calls=F("api_calls") + calls
        )
    run.refresh_from_db()
    return total


def _fetch_step(client, step: SyncStep) -> tuple[list[dict], int]:
    """All pages of one step, promptly (Zoom's next_page_token expires after 15 minutes)."""
    if step.trash:
        params = {"trash": "true", "trash_type": "meeting_recordings", "mc": "false"}
    else:
        params = {
            "from": step.window_from.isoformat(),
            "to": step.window_to.isoformat(),
            "trash": "false",
            "mc": "false",
        }
    meetings: list[dict] = []
    pages = 0
    for page in client.pages(recordings_path(step.target), params=params, page_size=300):
        pages += 1
        if not step.trash:
            answered = (page.get("from") or params["from"], page.get("to") or params["to"])
            if answered != (params["from"], params["to"]):
                raise WindowCut(
                    _("Zoom answered for %(got_from)s…%(got_to)s instead of %(from)s…%(to)s.")
                    % {
                        "got_from": answered[0],
                        "got_to": answered[1],
                        "from": params["from"],
                        "to": params["to"],
                    }
                )
        meetings.extend(page.get("meetings") or [])
    return meetings, pages


def _mark_unlisted(*, step: SyncStep, listed: list[str]) -> int:
    """Recordings of this target inside the window that Zoom no longer lists: deleted (or trashed).

    Only starts at least a day away from the window's edges count, because Zoom's from/to are dates
    in a timezone we cannot see; a recording on an edge day is left to webhooks and the trash listing.
    """
    start = datetime.combine(step.window_from + timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(step.window_to, time.min, tzinfo=UTC)
    if start >= end:
        return 0
    unlisted = (
        Recording.objects.filter(
            target=step.target, state=Recording.State.AVAILABLE, start_time__gte=start, start_time__lt=end
        )
        .exclude(uuid__in=listed)
        .values_list("uuid", flat=True)
    )
    from recordings.services.upsert import recordings_mark

    return recordings_mark(uuids=list(unlisted), state=Recording.State.DELETED)


def _finish_step(*, run: SyncRun, step: SyncStep, meetings: list[dict], pages: int) -> list[int]:
    """One transaction: claim the step, upsert its recordings, count them on the run."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Losing this commit in a database crash only means the step is pending again and is
            # listed once more (everything in it is idempotent), so it need not wait for the fsync.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        claimed = SyncStep.objects.filter(pk=step.pk, state=SyncStep.State.PENDING).update(
            state=SyncStep.State.DONE, pages=pages, recordings_seen=len(meetings), error="", finished_at=now
        )
        if not claimed:  # a duplicate delivery finished it first
            return []
        result = recordings_upsert(
            meetings=meetings,
            source=run.source,
            state=Recording.State.TRASHED if step.trash else Recording.State.AVAILABLE,
            target=step.target,
            host_email=step.target if "@" in step.target else "",
        )
        if not step.trash:
            _mark_unlisted(step=step, listed=result.uuids)
        SyncRun.objects.filter(pk=run.pk).update(
            steps_done=F("steps_done") + 1,
            recordings_seen=F("recordings_seen") + len(meetings),
            recordings_created=F("recordings_created") + result.created,
            recordings_updated=F("recordings_updated") + result.updated,
            api_calls=F("api_calls") + pages,
            heartbeat_at=now,
        )
    return result.new_file_ids


def _fail_step(*, run: SyncRun, step: SyncStep, state: str, error: str) -> None:
    with transaction.atomic():
        claimed = SyncStep.objects.filter(pk=step.pk, state=SyncStep.State.PENDING).update(
            state=state, error=error[:2000], finished_at=timezone.now()
        )
        if claimed:
            SyncRun.objects.filter(pk=run.pk).update(
                steps_done=F("steps_done") + 1, api_calls=F("api_calls") + 1, heartbeat_at=timezone.now()
            )


def sync_step_execute(*, run: SyncRun, step: SyncStep, clients: SourceClients) -> StepOutcome:
    """List one step and store it. A missing or unlicensed user is skipped; the run goes on."""
    try:
        meetings, pages = _fetch_step(clients.for_account(step.account_id), step)
    except ZoomAuthError as error:
        return StepOutcome(state=SyncStep.State.PENDING, error=str(error), fatal=error)
    except (ZoomNotFound, ZoomBadRequest) as error:
        # Zoom 1001 "User does not exist" (404), or 400 for a user without a license/cloud recording.
        message = _("Skipped %(target)s: %(error)s") % {"target": step.target, "error": error}
        logger.warning("Sync run %s: %s", run.pk, message)
        _fail_step(run=run, step=step, state=SyncStep.State.SKIPPED, error=str(error))
        return StepOutcome(state=SyncStep.State.SKIPPED, error=str(error))
    except ZoomError as error:
        if error.transient and not isinstance(error, ZoomPermissionError):
            logger.warning("Sync run %s, %s: transient Zoom error %s", run.pk, step, error)
            SyncStep.objects.filter(pk=step.pk).update(error=str(error)[:2000])
            return StepOutcome(state=SyncStep.State.PENDING, error=str(error), transient=True)
        logger.warning("Sync run %s, %s failed: %s", run.pk, step, error)
        _fail_step(run=run, step=step, state=SyncStep.State.FAILED, error=str(error))
        return StepOutcome(state=SyncStep.State.FAILED, error=str(error))
    new_files = _finish_step(run=run, step=step, meetings=meetings, pages=pages)
    if new_files:
        from recordings.services.downloads import recording_files_enqueue

        recording_files_enqueue(file_ids=new_files)
    return StepOutcome(state=SyncStep.State.DONE)


def _thread_count(source: Source, steps: int) -> int:
    plan = source.credential.plan if source.credential.plan in Plan._value2member_map_ else Plan.PRO
    medium = int(PER_SECOND[Plan(plan)][Category.MEDIUM])
    return max(1, min(settings.RECORDINGS_SYNC_THREADS, medium, steps))


class _Heartbeat:
    """Keeps the run's heartbeat fresh while this worker lives, so a dead worker's run is reclaimed."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"sync-run-{run_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        interval = max(0.2, settings.RECORDINGS_SYNC_STALE_SECONDS / 4)
        try:
            while not self.stop.wait(interval):
                SyncRun.objects.filter(pk=self.run_id, state=SyncRun.State.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _run_steps(
    run: SyncRun,
    steps: list[SyncStep],
    clients: SourceClients,
    threads: int,
    on_progress: Callable[[], None] | None = None,
) -> list[StepOutcome]:
    stop = threading.Event()
    progress_lock = threading.Lock()

    def work(step: SyncStep) -> StepOutcome:
        if stop.is_set():
            return StepOutcome(state=SyncStep.State.PENDING, error="stopped")
        try:
            outcome = sync_step_execute(run=run, step=step, clients=clients)
            if outcome.fatal is not None:
                stop.set()
            if on_progress is not None:
                with progress_lock:
                    on_progress()
            return outcome
        finally:
            if threading.current_thread() is not threading.main_thread():
                close_old_connections()
                connection.close()

    if threads == 1:
        return [work(step) for step in steps]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"sync-run-{run.pk}") as pool:
        try:
            return list(pool.map(work, steps))
        except BaseException:
            # E.g. Celery's soft time limit: let the steps under way finish, skip the rest.
            stop.set()
            raise


def _finalize(run: SyncRun, *, fatal: ZoomError | None = None) -> SyncRun:
    now = timezone.now()
    states = list(run.steps.values_list("state", flat=True))
    good = sum(1 for s in states if s == SyncStep.State.DONE)
    bad = len(states) - good
    if fatal is not None:
        SyncStep.objects.filter(run=run, state=SyncStep.State.PENDING).update(
            state=SyncStep.State.FAILED, error=str(fatal)[:2000], finished_at=now
        )
        state = SyncRun.State.FAILED
        error = _("Zoom refused the account's credentials: %(error)s") % {"error": fatal}
    elif bad and not good:
        state, error = SyncRun.State.FAILED, _("Every target failed; see the errors below.")
    elif bad:
        state, error = SyncRun.State.PARTIAL, ""
    else:
        state, error = SyncRun.State.SUCCEEDED, ""
    SyncRun.objects.filter(pk=run.pk).update(
        state=state, error=error, finished_at=now, steps_done=len(states), heartbeat_at=now
    )
    run.refresh_from_db()
    logger.info(
        "Sync run %s %s: %s seen, %s created, %s updated, %s API calls",
        run.pk,
        run.state,
        run.recordings_seen,
        run.recordings_created,
        run.recordings_updated,
        run.api_calls,
    )
    return run


def sync_run_fail(*, run_id: int, error: str) -> None:
    SyncRun.objects.filter(pk=run_id).exclude(state__in=SyncRun.FINISHED).update(
        state=SyncRun.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def sync_run_execute(
    *,
    run_id: int,
    task_id: str = "",
    clients_factory: Callable[[Source], SourceClients] = SourceClients,
    on_progress: Callable[[], None] | None = None,
) -> SyncRun | None:
    """Do (the rest of) a run. Returns the finished run, or None when there was nothing to do.

    Raises SyncRunBusy (another live worker has it) or SyncRetryLater (transient Zoom trouble; the
    pending steps are kept for the next attempt).
    """
    run = sync_run_claim(run_id=run_id, task_id=task_id)
    if run is None:
        return None
    source = run.source
    if not source.credential.is_usable:
        sync_run_fail(
            run_id=run.pk,
            error=_("The Zoom account “%(name)s” is %(status)s: reconnect or check it first.")
            % {"name": source.credential.name, "status": source.credential.get_status_display().lower()},
        )
        run.refresh_from_db()
        return run
    clients = clients_factory(source)
    with _Heartbeat(run.pk):
        try:
            if not run.planned:
                sync_run_plan(run=run, clients=clients)
        except ZoomAuthError as error:
            return _finalize(run, fatal=error)
        except ZoomError as error:
            if error.transient and run.attempts < settings.RECORDINGS_SYNC_MAX_ATTEMPTS:
                raise SyncRetryLater(str(error), countdown=30) from None
            sync_run_fail(
                run_id=run.pk, error=_("Could not list the Zoom users: %(error)s") % {"error": error}
            )
            run.refresh_from_db()
            return run
        pending = list(run.steps.filter(state=SyncStep.State.PENDING).order_by("-trash", "window_from", "id"))
        # The trash first: a recording found there is marked trashed before a window would mark it deleted.
        trash_steps = [s for s in pending if s.trash]
        window_steps = [s for s in pending if not s.trash]
        outcomes: list[StepOutcome] = []
        for group in (trash_steps, window_steps):
            if group and not any(o.fatal for o in outcomes):
                threads = _thread_count(source, len(group))
                outcomes += _run_steps(run, group, clients, threads, on_progress)
    fatal = next((o.fatal for o in outcomes if o.fatal is not None), None)
    if fatal is None and any(o.transient for o in outcomes):
        run.refresh_from_db()
        if run.attempts < settings.RECORDINGS_SYNC_MAX_ATTEMPTS:
            SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.QUEUED)
            raise SyncRetryLater(
                _("Zoom was unavailable for some steps; they will be retried."), countdown=60
            )
        SyncStep.objects.filter(run=run, state=SyncStep.State.PENDING).update(
            state=SyncStep.State.FAILED, finished_at=timezone.now()
        )
    return _finalize(run, fatal=fatal)
