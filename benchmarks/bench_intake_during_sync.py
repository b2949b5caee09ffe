"""Webhook intake at the webhooks benchmark's rate WHILE a big recordings sync runs (issue 9).

The two loads the hourly beat and Zoom produce together, all on this machine (loopback):
1. its own PostgreSQL database (`<DATABASE_URL's name>_bench_intake_sync`);
2. the Zoom sandbox as its own process: a Business-plan master account with USERS x MONTHS x 10
   recordings, 50 ms latency per call (as bench_sync);
3. gunicorn (bench_webhooks', as compose runs it) and two Celery worker processes on the bench's own queue, so
   events are processed while they arrive;
4. `manage.py sync_recordings` in its own process (as a worker would run it) and, at the same
   moment, signed webhook deliveries paced at RATE per second (10 % delivered twice) for SECONDS
   (60; 15 with BENCH_QUICK=1);
5. waits (bounded) for the sync and for the queue to drain, then checks that every event accepted
   was stored once and processed exactly once, and that the sync stored every recording.
It reports figures and asserts nothing.
"""

import os
import subprocess
import sys
import time
import uuid

from benchmarks import bench_sync, bench_webhooks
from benchmarks.common import (
    Row,
    at_least,
    at_most,
    bench_database,
    cpu_seconds,
    database_url,
    free_port,
    machine_busy_seconds,
    percentile,
    stop,
    wait_for_port,
)

NAME = "intake+sync"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = float(os.environ.get("BENCH_COMBINED_SECONDS", "15" if QUICK else "60"))
RATE = float(os.environ.get("BENCH_COMBINED_RATE", "500"))  # bench_webhooks' aim: ≥ 500 accepted/s
CONNECTIONS = int(os.environ.get("BENCH_COMBINED_CONNECTIONS", "12"))
USERS = int(os.environ.get("BENCH_COMBINED_USERS", "20" if QUICK else "50"))
MONTHS = int(os.environ.get("BENCH_COMBINED_MONTHS", "12" if QUICK else "24"))
SYNC_TIMEOUT = 600.0


def _skip(reason: str) -> list[Row]:
    return [Row(NAME, "skipped", reason)]


def run() -> list[Row]:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "postgresql":
        return _skip("needs PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL:
        return _skip("needs Redis (REDIS_URL): the broker and the shared rate limiter live there")

    from zoomhub.zoom.ratelimit import reset_local_state

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    queue = f"bench-intake-sync-{uuid.uuid4().hex[:8]}"
    processes: list[subprocess.Popen] = []
    with bench_database("intake_sync") as (db, bench_name):
        try:
            cache.clear()
            reset_local_state()
            start, end = bench_sync._history_range(MONTHS)
            with bench_sync._sandbox_process() as (base, control), bench_sync.zoom_at(base):
                seeded, source = bench_sync.seed_master(
                    control, start=start, end=end, users=USERS, webhook_secret=bench_webhooks.SECRET
                )
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "tests.settings",
                    "DATABASE_URL": database_url(db, bench_name),
                    "ZOOMHUB_TEST_QUEUE": queue,  # tests.settings' default queue: every task sent stays here
                    "ZOOM_API_BASE_URL": f"{base}/v2",
                    "ZOOM_OAUTH_BASE_URL": f"{base}/oauth",
                    "LOG_LEVEL": "WARNING",
                    "PYTHONUNBUFFERED": "1",
                }
                port = free_port()
                web = bench_webhooks.start_gunicorn(port, env)
                processes.append(web)
                if not wait_for_port(port, web):
                    return _skip("gunicorn did not start")
                path = f"/webhooks/zoom/{source.credential.webhook_code}/"
                bench_webhooks.warm_up(port, path)
                worker = bench_webhooks.start_worker(queue, env)
                processes.append(worker)

                from recordings.models import Recording, SyncRun
                from webhooks.models import WebhookEvent

                warmed = WebhookEvent.objects.count()
                deliveries = bench_webhooks.with_duplicates(bench_webhooks._bodies(int(RATE * SECONDS)))
                control.clear_calls()
                sync_started = time.monotonic()
                sync = subprocess.Popen(
                    [
                        sys.executable, "manage.py", "sync_recordings", str(source.pk),
                        "--from", start.isoformat(), "--to", end.isoformat(),
                    ],
                    cwd=bench_webhooks.ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
                processes.append(sync)
                cpu_before = cpu_seconds(web.pid), cpu_seconds(worker.pid), machine_busy_seconds()
                latencies, statuses, wall = bench_webhooks._load(
                    port, path, deliveries, rate=RATE, seconds=SECONDS, connections=CONNECTIONS
                )
                web_cpu = cpu_seconds(web.pid) - cpu_before[0]
                worker_cpu = cpu_seconds(worker.pid) - cpu_before[1]
                busy, elapsed = (a - b for a, b in zip(machine_busy_seconds(), cpu_before[2], strict=True))
                intake_end = time.monotonic()
                try:
                    sync.wait(timeout=max(1.0, SYNC_TIMEOUT - (intake_end - sync_started)))
                except subprocess.TimeoutExpired:
                    stop(sync)
                sync_wall = time.monotonic() - sync_started if sync.returncode is not None else float("nan")
                drain = bench_webhooks.wait_until_processed()
                calls = control.calls()
                log = control.requests(limit=5000)

            accepted = statuses.get(200, 0)
            sent = len(latencies)
            stored = WebhookEvent.objects.count() - warmed
            distinct_sent = len(set(deliveries[:sent]))
            once, total, left_open = bench_webhooks.processed_once()
            run_ = SyncRun.objects.filter(source=source).order_by("-id").first()
            list_calls = sum(n for route, n in calls.items() if route.endswith("/recordings"))
            throttled = sum(1 for r in log if r["status"] == 429)
            from zoomhub.zoom.limits import PER_SECOND, Category, Plan

            floor = list_calls / PER_SECOND[Plan.BUSINESS][Category.MEDIUM]
            finished = run_ and run_.finished_at and run_.started_at
            run_seconds = (run_.finished_at - run_.started_at).total_seconds() if finished else float("nan")
            p99 = percentile(latencies, 0.99) * 1000
            return [
                Row(NAME, "load average before (shared machine)", load_before),
                Row(
                    NAME,
                    "intake",
                    f"{RATE:.0f}/s asked for {SECONDS:.0f} s, {CONNECTIONS} keep-alive clients, "
                    "gunicorn and worker as docker-compose.yml runs them",
                ),
                Row(NAME, "deliveries sent (10% duplicates)", f"{sent} of {len(deliveries)} in {wall:.1f} s"),
                Row(NAME, "statuses", ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))),
                Row(
                    NAME,
                    "accepted deliveries/s during the sync",
                    f"{accepted / wall:.0f}",
                    f"≥ {RATE:.0f}",
                    key="intake_sync.accepted_per_s",
                    number=round(accepted / wall),
                    limit=RATE,
                    ok=at_least(accepted / wall, RATE * 0.98),  # the pacing itself lags a little
                ),
                Row(
                    NAME,
                    "CPU during the intake",
                    f"machine {100 * busy / elapsed:.0f} % busy of {os.cpu_count()} cores; "
                    f"gunicorn {1000 * web_cpu / max(sent, 1):.1f} ms per delivery, "
                    f"workers {1000 * worker_cpu / max(sent, 1):.1f} ms per delivery",
                ),
                Row(NAME, "ack latency p50", f"{percentile(latencies, 0.50) * 1000:.1f} ms"),
                Row(
                    NAME,
                    "ack latency p99",
                    f"{p99:.1f} ms",
                    "< 100 ms",
                    key="intake_sync.p99_ms",
                    number=round(p99, 1),
                    limit=100,
                    ok=at_most(p99, 100),
                ),
                Row(NAME, "events stored / distinct sent", f"{stored} / {distinct_sent}", "equal"),
                Row(
                    NAME,
                    "processed exactly once (1 claim)",
                    f"{once} / {total} (still open: {left_open}; drained {drain:.1f} s after the intake)",
                    "all",
                ),
                Row(
                    NAME,
                    "sync: state, recordings in Zoom / stored",
                    f"{run_.state if run_ else 'no run'}, {seeded['recordings']} / {Recording.objects.count()}",
                    "succeeded, equal",
                ),
                Row(
                    NAME,
                    "sync: wall (command) / run / rate-limit floor",
                    f"{sync_wall:.1f} s / {run_seconds:.1f} s / {floor:.1f} s = {run_seconds / floor:.2f}x",
                    "run ≤ 1.3x floor",
                    key="intake_sync.sync_over_floor",
                    number=round(run_seconds / floor, 3),
                    limit=1.3,
                    ok=at_most(run_seconds / floor, 1.3),
                ),
                Row(
                    NAME,
                    "sync: API calls, 429s",
                    f"{sum(calls.values())} calls ({list_calls} list), {throttled} x 429",
                    "0 x 429",
                ),
            ]
        finally:
            for process in processes:
                stop(process)
            bench_webhooks.delete_queue(queue)
