"""A big master account synced against the Zoom sandbox: calls, 429s, wall time vs the rate-limit floor.

What it does, all on this machine:
1. creates its own PostgreSQL database (`<DATABASE_URL's name>_bench_sync`) and migrates it;
2. starts the Zoom sandbox as its own process (Zoom is not inside our process either) with
   Business-plan limits enforced, 50 ms latency on every call, and a master account seeded with USERS users x MONTHS months x PER_MONTH recordings;
3. syncs a `user_emails` master source over exactly those months (one token, calendar-month windows,
   every target on the sync's thread pool behind the shared rate limiter);
4. reports the API calls made against the fewest possible (one token + one list call per
   user x window x page), the 429s Zoom answered, the wall time against the floor Zoom's
   Medium limit sets (list calls / 60 per second), and the time spent in the database.
A second sync of the same range shows what an hourly re-sync costs. It asserts nothing.
"""

import contextlib
import os
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

from benchmarks.common import Row, free_port, recreate_database, stop, use_database

NAME = "sync"
USERS = int(os.environ.get("BENCH_SYNC_USERS", "10" if os.environ.get("BENCH_QUICK") == "1" else "50"))
MONTHS = int(os.environ.get("BENCH_SYNC_MONTHS", "6" if os.environ.get("BENCH_QUICK") == "1" else "24"))
PER_MONTH = int(os.environ.get("BENCH_SYNC_PER_MONTH", "10"))
LATENCY_MS = 50
ACCOUNT = "benchMaster01"
CLIENT_ID, CLIENT_SECRET = "benchS2SClient01", "bench-s2s-client-secret-0123456789"


def _skip(reason: str) -> list[Row]:
    return [Row(NAME, "skipped", reason)]


class DatabaseClock:
    """Time spent in SQL on every connection (each sync thread opens its own)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0
        self.lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - started
                self.queries += 1

    def attach(self, sender, connection, **kwargs):
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)


@contextlib.contextmanager
def _sandbox_process():
    from sandbox.control_client import SandboxControl

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    control = SandboxControl(base)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                control.state()
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)
        yield base, control
    finally:
        stop(process)


@contextlib.contextmanager
def zoom_at(base: str):
    """This process talks to the sandbox at `base` instead of Zoom for the block."""
    from django.conf import settings

    saved = settings.ZOOM_API_BASE_URL, settings.ZOOM_OAUTH_BASE_URL
    settings.ZOOM_API_BASE_URL, settings.ZOOM_OAUTH_BASE_URL = f"{base}/v2", f"{base}/oauth"
    try:
        yield
    finally:
        settings.ZOOM_API_BASE_URL, settings.ZOOM_OAUTH_BASE_URL = saved


def _history_range(months: int = MONTHS) -> tuple[date, date]:
    end = date.today().replace(day=1) - timedelta(days=1)  # the last whole month
    first = end.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, end


def seed_master(
    control, *, start: date, end: date, users: int, per_month: int = PER_MONTH, webhook_secret: str = ""
):
    """A Business-plan master account in the sandbox with `users` x months of history, 50 ms per call,
    and its `user_emails` source here. Returns (the sandbox's seed summary, the source)."""
    from accounts.models import Credential
    from recordings.models import Source

    control.add_account(id=ACCOUNT, name="Bench school", plan="business", is_master=True)
    control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT
    )
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    seeded = control.seed_history(
        account_id=ACCOUNT,
        users=users,
        months=months,
        per_month=per_month,
        end=end.isoformat(),
        mp4_size=1024,
    )
    control.latency(ms=LATENCY_MS)
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Bench master",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        is_master_account=True,
        plan=Credential.Plan.BUSINESS,
        webhook_secret_token=webhook_secret,
    )
    source = Source.objects.create(
        name="Bench master recordings",
        credential=credential,
        is_master_account=True,
        user_emails=seeded["emails"],
    )
    return seeded, source


def _sync(source, start: date, end: date, clock: DatabaseClock) -> dict:
    from recordings.models import SyncRun
    from recordings.services import sync_run_create, sync_run_execute

    run = sync_run_create(source=source, from_date=start, to_date=end, trigger=SyncRun.Trigger.COMMAND)
    db_before, queries_before = clock.seconds, clock.queries
    started = time.perf_counter()
    finished = sync_run_execute(run_id=run.pk)
    wall = time.perf_counter() - started
    return {
        "run": finished,
        "wall": wall,
        "db": clock.seconds - db_before,
        "queries": clock.queries - queries_before,
    }


def run() -> list[Row]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created

    if connection.vendor != "postgresql":
        return _skip("needs PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL:
        return _skip("needs Redis (REDIS_URL): the shared rate limiter lives there")

    from django.core.cache import cache

    from zoomhub.zoom.limits import PER_SECOND, Category, Plan
    from zoomhub.zoom.ratelimit import reset_local_state

    db = dict(connection.settings_dict)
    bench_name = f"{db['NAME']}_bench_sync"
    recreate_database(db, bench_name)
    use_database(bench_name)
    clock = DatabaseClock()
    connection_created.connect(clock.attach)
    rows: list[Row] = []
    try:
        call_command("migrate", verbosity=0)
        cache.clear()
        reset_local_state()
        start, end = _history_range()
        with _sandbox_process() as (base, control), zoom_at(base):
            seeded, source = seed_master(control, start=start, end=end, users=USERS)
            control.clear_calls()
            first = _sync(source, start, end, clock)
            log = control.requests(limit=5000)
            calls = control.calls()
            control.clear_calls()
            second = _sync(source, start, end, clock)
            second_calls = control.calls()

        from recordings.models import Recording

        token_calls = sum(n for route, n in calls.items() if "/oauth/token" in route)
        list_calls = sum(n for route, n in calls.items() if route.endswith("/recordings"))
        api_calls = sum(calls.values())
        windows = len(
            {
                (r["query"].get("from"), r["query"].get("to"))
                for r in log
                if r["route"].endswith("/recordings")
            }
        )
        pages_needed = -(-PER_MONTH // 300)
        fewest = 1 + USERS * windows * pages_needed
        throttled = sum(1 for r in log if r["status"] == 429)
        medium = PER_SECOND[Plan.BUSINESS][Category.MEDIUM]
        floor = list_calls / medium
        run_one = first["run"]
        rows += [
            Row(
                NAME,
                "recordings in Zoom / stored",
                f"{seeded['recordings']} / {Recording.objects.count()}",
                "equal",
            ),
            Row(
                NAME,
                "first sync state",
                f"{run_one.state}, {run_one.recordings_created} created",
                "succeeded",
            ),
            Row(
                NAME,
                "API calls made / fewest possible",
                f"{api_calls} / {fewest} = {api_calls / fewest:.2f}",
                "1.00",
            ),
            Row(NAME, "token requests", str(token_calls), "1"),
            Row(NAME, "429s received", str(throttled), "0"),
            Row(
                NAME,
                "wall time / rate-limit floor",
                f"{first['wall']:.1f} s / {floor:.1f} s = {first['wall'] / floor:.2f}x",
                "<= 1.3x",
            ),
            Row(
                NAME,
                "calls per second achieved",
                f"{api_calls / first['wall']:.1f}",
                f"~{medium} (Medium, Business)",
            ),
            Row(NAME, "database time (first sync)", f"{first['db']:.2f} s in {first['queries']} queries", ""),
            Row(
                NAME,
                "re-sync: wall / calls / created / DB",
                f"{second['wall']:.1f} s / {sum(second_calls.values())} / {second['run'].recordings_created} / "
                f"{second['db']:.2f} s in {second['queries']} queries",
                "0 created",
            ),
        ]
    finally:
        connection_created.disconnect(clock.attach)
        use_database(db["NAME"])
        recreate_database(db, bench_name, drop_only=True)
    return rows
