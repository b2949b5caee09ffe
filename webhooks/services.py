"""Webhook events: recording a delivery, claiming and processing it, sweeping what was missed.

Life of an event: stored `pending` by the intake (nothing else: the row is the durable record,
and no broker round trip holds up Zoom's delivery) → picked up in a batch by the dispatcher
(`enqueued_at` set; see dispatcher.py), which hands the batch to a worker in one task → claimed
by that worker (`processing`) → `processed`, `unhandled` (no installed app registered a handler
for it) or `failed` with a retry time (exponential back-off); after MAX_ATTEMPTS it stays `failed`
with no retry time. The beat sweep is the backstop: it resends what no dispatcher picked up or
whose batch never arrived (broker down, process killed), retries failed events whose time came,
and reclaims events whose worker died mid-way.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential
from webhooks import registry
from webhooks.events import event_fields, fingerprint
from webhooks.models import WebhookEvent
from zoomhub.zoom.backoff import backoff_delay

logger = logging.getLogger(__name__)
State = WebhookEvent.State

MAX_ATTEMPTS = 8
RETRY_BASE_DELAY = timedelta(seconds=30)
RETRY_MAX_DELAY = timedelta(hours=1)
# A pending event whose task was sent this long ago and is still pending: send it again
# (the broker may have lost it, or never got it).
RESEND_AFTER = timedelta(seconds=30)
# Longer than the processing task's hard time limit, so a live worker never loses its claim.
STALE_CLAIM_AFTER = timedelta(minutes=10)
SWEEP_BATCH = 1000
# PostgreSQL's LISTEN/NOTIFY channel the intake wakes the dispatcher on.
NOTIFY_CHANNEL = "zoomhub_webhook_events"
LAST_ERROR_LIMIT = 2000


def _retry_broker_now() -> None:
    from webhooks.broker import resume_publishing

    resume_publishing()


def _send_on_commit(event_id: int) -> None:
    from webhooks.broker import send_process_task

    transaction.on_commit(lambda: send_process_task(event_id=event_id))


@dataclass(frozen=True)
class Receipt:
    event_id: int | None
    created: bool  # False: a redelivery of an event already stored


# Every column of a new event, in the order of the INSERT below.
_INSERT_COLUMNS = (
    "credential_id",
    "event_type",
    "event_ts",
    "fingerprint",
    "raw_body",
    "body",
    "account_id",
    "zoom_meeting_id",
    "zoom_meeting_uuid",
    "participant_uuid",
    "participant_user_id",
    "participant_email",
    "participant_name",
    "state",
    "attempts",
    "last_error",
    "received_at",
    "next_attempt_at",
    "enqueued_at",
)


def _insert_once(values: dict) -> int | None:
    """INSERT … ON CONFLICT (fingerprint) DO NOTHING RETURNING id: the new id, or None for a duplicate.

    One statement and one round trip, committed on its own in autocommit mode; a duplicate is
    not an error (no exception, no error line in the server log). Concurrent deliveries of one
    event race on the unique index and exactly one of them gets an id. PostgreSQL and SQLite
    (>= 3.35) both speak this SQL; this is the intake's hot path, so it skips the ORM's compiler.
    """
    connection = transaction.get_connection()
    sql = _INSERT_SQL.get(connection.vendor) or _INSERT_SQL.setdefault(
        connection.vendor, _insert_sql(connection)
    )
    if connection.vendor == "postgresql":
        return _insert_server_bound(connection, sql, [values[c] for c in _INSERT_COLUMNS])
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[c] for c in _INSERT_COLUMNS])
        row = cursor.fetchone()
    return row[0] if row else None


# The intake's INSERT per database vendor, built once: quoting nineteen column names on every
# delivery cost more than binding its values.
_INSERT_SQL: dict[str, str] = {}


def _insert_sql(connection) -> str:
    table = connection.ops.quote_name(WebhookEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    placeholders = ", ".join(
        "%s::jsonb" if (c == "body" and connection.vendor == "postgresql") else "%s" for c in _INSERT_COLUMNS
    )
    # Only our own quoted identifiers are interpolated; every value is a bound parameter.
    conflict = connection.ops.quote_name("fingerprint")
    returning = connection.ops.quote_name("id")
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT ({conflict}) DO NOTHING RETURNING {returning}"  # noqa: S608
    if connection.vendor == "postgresql":
        # Wake the dispatcher in the same round trip, only when a row was inserted; PostgreSQL
        # delivers the notification when this commits.
        sql += f", pg_notify('{NOTIFY_CHANNEL}', '')"
    return sql


def _insert_server_bound(connection, sql: str, params: list) -> int | None:
    """The intake's INSERT on PostgreSQL with its values bound by the server, not quoted here.

    Django's psycopg cursors bind on the client: every value, the event's whole JSON twice, is
    escaped and spliced into the SQL text in Python, which was a fifth of the intake's CPU. A
    plain psycopg cursor sends them beside the statement, and psycopg prepares a statement it has
    run a few times, so PostgreSQL stops parsing and planning it too. Errors still come out as
    Django's DatabaseError.
    """
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def webhook_event_record(*, credential_id: int | None, raw_body: str, body: dict) -> Receipt:
    """Store a verified event once (its fingerprint is unique) and send its task once committed.

    Database errors propagate so the view answers 503 and Zoom delivers again.
    """
    fields = event_fields(body)
    connection = transaction.get_connection()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # The raw text is the JSON to store, unless parse_body had to drop NULs jsonb cannot hold.
    body_json = json.dumps(body) if "\\u0000" in raw_body else raw_body
    event_id = _insert_once(
        {
            "credential_id": credential_id,
            "event_type": fields.event_type,
            "event_ts": fields.event_ts,
            "fingerprint": fingerprint(body),
            "raw_body": raw_body,
            "body": body_json,
            "account_id": fields.account_id,
            "zoom_meeting_id": fields.zoom_meeting_id,
            "zoom_meeting_uuid": fields.zoom_meeting_uuid,
            "participant_uuid": fields.participant_uuid,
            "participant_user_id": fields.participant_user_id,
            "participant_email": fields.participant_email,
            "participant_name": fields.participant_name,
            "state": State.PENDING,
            "attempts": 0,
            "last_error": "",
            "received_at": now,
            "next_attempt_at": now,
            "enqueued_at": None,  # for the dispatcher
        }
    )
    if event_id is None:
        return Receipt(event_id=None, created=False)
    if _processes_inline():
        # No worker and no dispatcher in eager mode (tests, a one-process setup): process it here
        # once committed, as a worker would.
        _send_on_commit(event_id)
    return Receipt(event_id=event_id, created=True)


def _processes_inline() -> bool:
    from zoomhub.celery_app import app

    return bool(app.conf.task_always_eager)


def webhook_event_claim(*, event_id: int, now: datetime | None = None) -> datetime | None:
    """Take the event for this worker; the claim time, or None when another worker got there first."""
    now = now or timezone.now()
    claimed = WebhookEvent.objects.filter(
        pk=event_id, state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now
    ).update(state=State.PROCESSING, claimed_at=now, attempts=F("attempts") + 1)
    return now if claimed == 1 else None


def _finish(event_id: int, claimed_at: datetime, **changes) -> bool:
    """Record the outcome, only if our claim still stands (a reclaimed event belongs to another)."""
    updated = WebhookEvent.objects.filter(pk=event_id, state=State.PROCESSING, claimed_at=claimed_at).update(
        **changes
    )
    return updated == 1


class ClaimLost(Exception):
    """The claim was taken over (stale) while the handler ran; its writes are rolled back."""


_ROUTE_STATES = {registry.Route.STORED: State.PROCESSED, registry.Route.UNHANDLED: State.UNHANDLED}


def webhook_event_process(*, event_id: int) -> str:
    """Claim the event and run its handler; returns the state it ended in (or "skipped")."""
    claimed_at = webhook_event_claim(event_id=event_id)
    if claimed_at is None:
        return "skipped"  # processed already, not due yet, or another worker has it
    return _process_claimed(WebhookEvent.objects.select_related("credential").get(pk=event_id), claimed_at)


def _claimed_events(event_ids: list[int]) -> list[WebhookEvent]:
    """The batch's events in two queries whatever its size, each with its credential (decrypted
    once per credential, not once per event); the raw text is left behind (handlers read `body`)."""
    events = WebhookEvent.objects.filter(pk__in=event_ids).defer("raw_body").in_bulk()
    credentials = Credential.objects.in_bulk({e.credential_id for e in events.values() if e.credential_id})
    found = []
    for event_id in event_ids:
        event = events.get(event_id)
        if event is None:
            continue  # deleted in the admin since it was claimed
        if event.credential_id:
            WebhookEvent.credential.field.set_cached_value(event, credentials.get(event.credential_id))
        found.append(event)
    return found


def _process_claimed(event: WebhookEvent, claimed_at: datetime) -> str:
    event_id = event.pk
    try:
        route = registry.handlers.resolve(event.event_type)
        if isinstance(route, registry.Route):
            state = _ROUTE_STATES[route]
            done_at = None if state == State.UNHANDLED else timezone.now()
            _finish(
                event_id, claimed_at, state=state, processed_at=done_at, next_attempt_at=None, last_error=""
            )
            return state
        # The handler's writes and the "processed" mark commit together, or not at all.
        with transaction.atomic():
            route(event_type=event.event_type, body=event.body, credential=event.credential)
            if not _finish(
                event_id,
                claimed_at,
                state=State.PROCESSED,
                processed_at=timezone.now(),
                next_attempt_at=None,
                last_error="",
            ):
                raise ClaimLost
        return State.PROCESSED
    except ClaimLost:
        logger.warning(
            "Webhook event %s was reclaimed while its handler ran; left to the new claim.", event_id
        )
        return "skipped"
    except Exception as error:
        return _record_failure(event, claimed_at, error)


def _record_failure(event: WebhookEvent, claimed_at: datetime, error: Exception) -> str:
    attempts = event.attempts  # read after the claim, so it counts this try
    message = f"{type(error).__name__}: {error}"[:LAST_ERROR_LIMIT]
    gave_up = attempts >= MAX_ATTEMPTS
    next_attempt_at = (
        None
        if gave_up
        else timezone.now() + backoff_delay(attempts, first=RETRY_BASE_DELAY, longest=RETRY_MAX_DELAY)
    )
    _finish(event.pk, claimed_at, state=State.FAILED, last_error=message, next_attempt_at=next_attempt_at)
    logger.warning(
        "Webhook event %s (%s) failed on attempt %s%s: %s",
        event.pk,
        event.event_type,
        attempts,
        " and will not be retried" if gave_up else "",
        type(error).__name__,
    )
    return State.FAILED


@dataclass(frozen=True)
class SweepResult:
    sent: int
    reclaimed: int
    handlers_arrived: int


def webhook_events_sweep(*, now: datetime | None = None) -> SweepResult:
    """Resend what is due: lost tasks, retries, stale claims, events that have a handler now."""
    now = now or timezone.now()
    reclaimed = _reclaim_stale_claims(now)
    handlers_arrived = _release_unhandled(now)
    with transaction.atomic():
        due = list(
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
            .filter(_handed_over_long_ago(now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        WebhookEvent.objects.filter(pk__in=due).update(enqueued_at=now)
        if due:
            # The sweep tries the broker even if this process paused publishing after a failure;
            # a first failure pauses it again, so a hung broker costs one timeout, not one per event.
            transaction.on_commit(_retry_broker_now)
        for event_id in due:
            _send_on_commit(event_id)
    return SweepResult(sent=len(due), reclaimed=reclaimed, handlers_arrived=handlers_arrived)


def _handed_over_long_ago(now: datetime) -> Q:
    """Due events no dispatcher has picked up for RESEND_AFTER, or whose batch never arrived."""
    return Q(enqueued_at__isnull=True, received_at__lte=now - RESEND_AFTER) | Q(
        enqueued_at__lte=now - RESEND_AFTER
    )


def webhook_events_take(*, limit: int, now: datetime | None = None) -> list[int]:
    """The dispatcher's pick-up: up to `limit` due events nobody has in hand, marked handed over.

    New events (never handed over) and retries whose time came, oldest first. SKIP LOCKED lets
    several dispatchers run. A batch lost after this commits (broker down, process killed) is
    not lost: its events are due again RESEND_AFTER later, here and in the sweep.
    """
    now = now or timezone.now()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return _take_in_one_statement(connection, limit, now)
    with transaction.atomic():
        due = list(
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - RESEND_AFTER))
            .order_by("id")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            WebhookEvent.objects.filter(pk__in=due).update(enqueued_at=now)
    return due


def _take_in_one_statement(connection, limit: int, now: datetime) -> list[int]:
    """The same pick-up as one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING:
    one round trip instead of a transaction of four, and no ORM compiling per batch."""
    table = connection.ops.quote_name(WebhookEvent._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    resend = connection.ops.adapt_datetimefield_value(now - RESEND_AFTER)
    sql = (
        f"UPDATE {table} SET enqueued_at = %s WHERE id IN ("  # noqa: S608  (our own quoted name only)
        f"SELECT id FROM {table} WHERE state IN (%s, %s) AND next_attempt_at <= %s "
        "AND (enqueued_at IS NULL OR enqueued_at <= %s) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
        ") RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, State.PENDING, State.FAILED, at, resend, limit])
        return sorted(row[0] for row in cursor.fetchall())


def webhook_events_process_batch(*, event_ids: list[int], now: datetime | None = None) -> dict[str, int]:
    """Process a dispatcher's batch: claim it in one statement, finish the events that need no
    handler in one statement per outcome, run the handlers one by one in arrival order.

    Returns how many events ended in each state ("skipped": claimed elsewhere or not due).
    """
    now = now or timezone.now()
    claimed = _claim_batch(event_ids, now) if event_ids else {}
    taken = set(claimed)
    counts: dict[str, int] = {"skipped": len(event_ids) - len(taken)}
    without_handler: dict[str, list[int]] = {}
    with_handler: list[int] = []
    for event_id in sorted(taken):
        route = registry.handlers.resolve(claimed[event_id])
        if isinstance(route, registry.Route):
            without_handler.setdefault(_ROUTE_STATES[route], []).append(event_id)
        else:
            with_handler.append(event_id)
    for state, ids in without_handler.items():
        done_at = None if state == State.UNHANDLED else timezone.now()
        WebhookEvent.objects.filter(pk__in=ids, state=State.PROCESSING, claimed_at=now).update(
            state=state, processed_at=done_at, next_attempt_at=None, last_error=""
        )
        counts[state] = counts.get(state, 0) + len(ids)
    for event in _claimed_events(with_handler):
        state = _process_claimed(event, now)
        counts[state] = counts.get(state, 0) + 1
    return counts


def _claim_batch(event_ids: list[int], now: datetime) -> dict[int, str]:
    """One UPDATE … RETURNING claims every due event of the batch: id -> event type.

    Events another worker holds, or that are done or not due, are left out by its WHERE clause.
    """
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(WebhookEvent._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    ids = ", ".join(["%s"] * len(event_ids))
    sql = (
        f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608
        f"WHERE id IN ({ids}) AND state IN (%s, %s) AND next_attempt_at <= %s RETURNING id, event_type"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [State.PROCESSING, at, *event_ids, State.PENDING, State.FAILED, at])
        return dict(cursor.fetchall())


def _reclaim_stale_claims(now: datetime) -> int:
    """Events a worker claimed and never finished (killed, lost): back in line to retry."""
    stale = WebhookEvent.objects.filter(state=State.PROCESSING, claimed_at__lt=now - STALE_CLAIM_AFTER)
    error = _("The worker processing it stopped before finishing.")
    retried = stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=State.FAILED, next_attempt_at=now, last_error=error
    )
    given_up = stale.update(state=State.FAILED, next_attempt_at=None, last_error=error)
    return retried + given_up


def _release_unhandled(now: datetime) -> int:
    """Events kept while no app handled them, whose event now has a handler: process them."""
    waiting = WebhookEvent.objects.filter(state=State.UNHANDLED)
    types = set(waiting.values_list("event_type", flat=True).distinct())
    ready = [t for t in types if registry.handlers.has_handler(t)]
    if not ready:
        return 0
    return waiting.filter(event_type__in=ready).update(
        state=State.PENDING, next_attempt_at=now, enqueued_at=None, attempts=0
    )


def webhook_events_reprocess(*, event_ids: list[int]) -> int:
    """Put events back in line (the admin's "reprocess"); events being processed are left alone."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookEvent.objects.filter(pk__in=event_ids)
            .exclude(state=State.PROCESSING)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        WebhookEvent.objects.filter(pk__in=ids).update(
            state=State.PENDING, next_attempt_at=now, enqueued_at=now, attempts=0, last_error=""
        )
        for event_id in ids:
            _send_on_commit(event_id)
    return len(ids)
