"""Webhook intake under load: gunicorn on loopback, signed deliveries, then real workers.

What it does, all on this machine:
1. creates its own PostgreSQL database (`<DATABASE_URL's name>_bench_webhooks`), migrates it and
   adds one credential with a webhook secret;
2. starts the web server and a Celery worker with the very commands docker-compose.yml runs
   (its `web` service's gunicorn command, bound to 127.0.0.1 instead of 0.0.0.0, and its `worker`
   service's celery command on the bench's own queue), on that database;
3. posts EVENTS distinct signed events (participant joins/leaves and deauthorizations shaped like
   Zoom's), plus every DUPLICATE_EVERY-th one again, from CONNECTIONS keep-alive connections,
   stopping at MAX_SECONDS whatever happens; records each acknowledgement's latency, while the
   worker (its dispatcher included) processes what arrives;
4. waits until nothing is left to do, and checks every accepted event was stored once and
   claimed/processed exactly once.
It prints figures and asserts nothing. Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from benchmarks.common import (
    DatabaseSessionsCPU,
    Row,
    at_least,
    at_most,
    bench_database,
    cpu_seconds,
    database_url,
    free_port,
    percentile,
    stop,
    wait_for_port,
)

NAME = "webhooks"
EVENTS = int(
    os.environ.get("BENCH_WEBHOOK_EVENTS", "1500" if os.environ.get("BENCH_QUICK") == "1" else "6000")
)
DUPLICATE_EVERY = 10
CONNECTIONS = int(os.environ.get("BENCH_WEBHOOK_CONNECTIONS", "8"))
MAX_SECONDS = 60.0
PROCESS_TIMEOUT = 180.0
DRAIN_LIMIT = 1.0
SECRET = "bench-webhook-secret-token"
OPEN_STATES = ("pending", "processing", "failed")
ROOT = Path(__file__).resolve().parent.parent


def _skip(reason: str) -> list[Row]:
    return [Row(NAME, "skipped", reason)]


def _bodies(count: int) -> list[bytes]:
    """Distinct events shaped like Zoom's: joins and leaves of many participants, a few deauthorizations."""
    fixtures = ROOT / "tests" / "fixtures" / "zoom"
    joined = json.loads((fixtures / "meeting.participant_joined__signed_in.json").read_text())
    left = json.loads((fixtures / "meeting.participant_left__signed_in.json").read_text())
    removed = json.loads((fixtures / "app_deauthorized__user.json").read_text())
    bodies = []
    base_ts = int(time.time() * 1000)
    for n in range(count):
        template = removed if n % 10 == 9 else (joined if n % 2 == 0 else left)
        body = json.loads(json.dumps(template))
        body["event_ts"] = base_ts + n
        if template is removed:
            body["payload"]["user_id"] = f"bench-user-{n}"
        else:
            participant = body["payload"]["object"]["participant"]
            participant["participant_uuid"] = f"bench-participant-{n}"
            participant["user_id"] = str(16_000_000 + n)
            participant["user_name"] = f"Student {n}"
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


def _signed_requests(port: int, path: str, deliveries: list[bytes]) -> list[bytes]:
    """Each delivery as the bytes of a whole HTTP request, signed as Zoom signs (now; valid 5 min).

    Built before the clock starts: the load generator is the bench's instrument, and every
    microsecond of CPU it spends is taken from the server it measures on the same two cores.
    """
    from zoomhub.zoom.webhooks import sign

    timestamp = str(int(time.time()))
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
    return [
        (
            f"{head}x-zm-request-timestamp: {timestamp}\r\nx-zm-signature: {sign(SECRET, timestamp, raw)}\r\n"
            f"Content-Length: {len(raw)}\r\n\r\n"
        ).encode()
        + raw
        for raw in deliveries
    ]


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, bool]:
    """Send one request on a keep-alive connection; (status, whether the server closes it)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.lower().split(b"\r\n")
    length = next((int(line[15:]) for line in lines if line.startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        rest += chunk
    return int(lines[0][9:12]), b"connection: close" in lines


def _load(
    port: int,
    path: str,
    deliveries: list[bytes],
    *,
    rate: float | None = None,
    seconds: float = MAX_SECONDS,
    connections: int = CONNECTIONS,
) -> tuple[list[float], dict[int, int], float]:
    """Post the deliveries from keep-alive connections; latencies (s), statuses, wall time.

    Without `rate`, as fast as the server answers; with it, delivery n is due `n / rate` seconds
    after the start (deliveries never sent early, so a slow server shows as a lower achieved
    rate). Stops after `seconds` whatever happens. A delivery whose connection fails counts as
    status 0 (not sent again).
    """
    requests = _signed_requests(port, path, deliveries)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    next_index = iter(range(len(requests)))
    begin = time.monotonic()
    deadline = begin + seconds

    def worker():
        sock = None
        mine, codes = [], {}
        while time.monotonic() < deadline:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            if rate is not None:
                due = begin + index / rate
                if due >= deadline:
                    break
                # Pacing the load generator to the schedule (not waiting for a result).
                time.sleep(max(0.0, due - time.monotonic()))
            started = time.perf_counter()
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                status, closing = _exchange(sock, requests[index])
            except (OSError, ValueError):
                status, closing = 0, True
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
            if closing and sock is not None:
                sock.close()
                sock = None
        if sock is not None:
            sock.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.monotonic() - started


def compose_command(service: str) -> list[str]:
    """The `command:` of a docker-compose.yml service as argv (the last `&&` part of a shell one)."""
    import yaml

    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service].get("command")
    if not command:
        raise LookupError(f"docker-compose.yml has no command for {service}")
    if isinstance(command, list):  # the exec form: ["gunicorn", "zoomhub.wsgi:application", …]
        return [str(part) for part in command]
    return shlex.split(command.split("&&")[-1].strip().strip('"'))


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    """compose's web command, bound to 127.0.0.1:port instead of 0.0.0.0:8000.

    The command takes its bind from deploy/gunicorn.conf.py; a --bind on the command line wins
    over the config file."""
    argv = compose_command("web")
    address = f"127.0.0.1:{port}"
    if "--bind" in argv:
        argv[argv.index("--bind") + 1] = address
    else:
        argv += ["--bind", address]
    return subprocess.Popen(
        [sys.executable, "-m", *argv], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def start_worker(queue: str, env: dict) -> subprocess.Popen:
    """compose's worker command on the bench's own queue (its dispatcher sends batches there too)."""
    argv = compose_command("worker")
    return subprocess.Popen(
        [sys.executable, "-m", *argv, "-Q", queue, "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def warm_up(port: int, path: str) -> None:
    """Imports, key derivation for the encrypted secret, connections: not measured."""
    warm = _bodies(CONNECTIONS * 30)
    _load(port, path, [w.replace(b"bench-participant-", b"warmup-participant-") for w in warm])


def with_duplicates(bodies: list[bytes]) -> list[bytes]:
    """Every DUPLICATE_EVERY-th event delivered twice, as Zoom redelivers."""
    return [b for n, b in enumerate(bodies) for _ in range(2 if n % DUPLICATE_EVERY == 0 else 1)]


def wait_until_processed(timeout: float = PROCESS_TIMEOUT) -> float:
    """Seconds until no event is pending, processing or failed (or the timeout)."""
    from webhooks.models import WebhookEvent

    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline and WebhookEvent.objects.filter(state__in=OPEN_STATES).exists():
        time.sleep(0.25)
    return time.monotonic() - started


def processed_once() -> tuple[int, int, int]:
    """(events processed with exactly one claim, events stored, events still open)."""
    from webhooks.models import WebhookEvent

    return (
        WebhookEvent.objects.filter(state=WebhookEvent.State.PROCESSED, attempts=1).count(),
        WebhookEvent.objects.count(),
        WebhookEvent.objects.filter(state__in=OPEN_STATES).count(),
    )


def delete_queue(queue: str) -> None:
    from django.conf import settings

    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
    except Exception as error:
        print(f"could not delete the bench queue {queue}: {error}", file=sys.stderr)


def run() -> list[Row]:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return _skip("needs PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL:
        return _skip("needs Redis (REDIS_URL)")

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    processes: list[subprocess.Popen] = []
    with bench_database("webhooks") as (db, bench_name):
        try:
            from accounts.models import Credential
            from webhooks.models import WebhookEvent

            credential = Credential.objects.create(
                kind=Credential.Kind.SERVER_TO_SERVER,
                name="Bench account",
                account_id="AAAAAABBBB",
                client_id="benchClient01",
                client_secret="bench-client-secret",
                webhook_secret_token=SECRET,
            )
            path = f"/webhooks/zoom/{credential.webhook_code}/"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": database_url(db, bench_name),
                "ZOOMHUB_TEST_QUEUE": queue,  # tests.settings' default queue: every task sent stays here
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
            port = free_port()
            web = start_gunicorn(port, env)
            processes.append(web)
            if not wait_for_port(port, web):
                return _skip("gunicorn did not start")
            worker = start_worker(queue, env)
            processes.append(worker)

            warm_up(port, path)
            if wait_until_processed(timeout=60) >= 60:
                return _skip("the worker did not process the warm-up deliveries")
            warmed = WebhookEvent.objects.count()

            deliveries = with_duplicates(_bodies(EVENTS))
            cpu_before = cpu_seconds(web.pid)
            worker_cpu_before = cpu_seconds(worker.pid)
            client_cpu_before = time.process_time()
            with DatabaseSessionsCPU(bench_name) as postgres:
                latencies, statuses, wall = _load(port, path, deliveries)
            client_cpu = time.process_time() - client_cpu_before
            web_cpu = cpu_seconds(web.pid) - cpu_before
            done_during_load = WebhookEvent.objects.exclude(state__in=OPEN_STATES).count() - warmed
            accepted = statuses.get(200, 0)
            stored = WebhookEvent.objects.count() - warmed
            drain = wait_until_processed()
            worker_cpu = cpu_seconds(worker.pid) - worker_cpu_before
            stop(worker)
            stop(web)

            once, total, left_open = processed_once()
            distinct_sent = len({deliveries[i] for i in range(min(len(latencies), len(deliveries)))})
            rate = accepted / wall if wall else 0.0
            # Steady state: what the workers finished while the deliveries came in. They keep up
            # when what is left at the end is only what was on its way (a batch gathers for 100 ms,
            # then waits for a free worker): it is done within DRAIN_LIMIT seconds. Workers slower
            # than the intake would leave a backlog growing with the length of the run.
            processed_rate = done_during_load / wall if wall else 0.0
            stored_rate = stored / wall if wall else 0.0
            web_argv = " ".join(compose_command("web"))
            p99 = percentile(latencies, 0.99) * 1000
            return [
                Row(NAME, "server (docker-compose.yml)", web_argv.replace("0.0.0.0:8000", "127.0.0.1")),
                Row(NAME, "worker (docker-compose.yml)", " ".join(compose_command("worker"))),
                Row(NAME, "load average before (shared machine)", load_before),
                Row(
                    NAME,
                    "deliveries sent (10% duplicates)",
                    f"{len(latencies)} in {wall:.1f} s from {CONNECTIONS} keep-alive clients",
                ),
                Row(NAME, "statuses", ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))),
                Row(
                    NAME,
                    "accepted deliveries/s",
                    f"{rate:.0f}",
                    "≥ 1000",
                    key="webhooks.accepted_per_s",
                    number=round(rate),
                    limit=1000,
                    ok=at_least(rate, 1000),
                ),
                Row(NAME, "ack latency p50", f"{percentile(latencies, 0.50) * 1000:.1f} ms"),
                Row(
                    NAME,
                    "ack latency p99",
                    f"{p99:.1f} ms",
                    "< 50 ms",
                    key="webhooks.p99_ms",
                    number=round(p99, 1),
                    limit=50,
                    ok=at_most(p99, 50),
                ),
                Row(NAME, "ack latency max", f"{max(latencies, default=0) * 1000:.1f} ms"),
                Row(NAME, "gunicorn CPU per delivery", f"{web_cpu / max(len(latencies), 1) * 1000:.2f} ms"),
                Row(
                    NAME,
                    "load generator CPU per delivery",
                    f"{client_cpu / max(len(latencies), 1) * 1000:.2f} ms",
                ),
                Row(
                    NAME,
                    "PostgreSQL CPU per delivery during the load (its sessions)",
                    f"{postgres.seconds / max(len(latencies), 1) * 1000:.2f} ms",
                ),
                Row(
                    NAME,
                    "events lost (distinct sent - stored)",
                    f"{distinct_sent - stored} ({stored} stored of {distinct_sent} sent)",
                    "0",
                    key="webhooks.lost",
                    number=distinct_sent - stored,
                    limit=0,
                    ok=distinct_sent == stored and left_open == 0,
                ),
                Row(
                    NAME,
                    "processed exactly once (1 claim)",
                    f"{once} / {total} (still open: {left_open})",
                    "all",
                ),
                Row(
                    NAME,
                    "events processed/s (worker running during the load)",
                    f"{processed_rate:.0f} of {stored_rate:.0f} new events/s ({done_during_load} done during "
                    f"the load, the last {stored - done_during_load} in {drain:.1f} s after it; "
                    f"worker CPU {worker_cpu / max(stored, 1) * 1000:.2f} ms per event)",
                    f"≥ new events/s, the rest done in ≤ {DRAIN_LIMIT:.0f} s",
                    key="webhooks.processed_per_s",
                    number=round(processed_rate),
                    limit=None,
                    ok=drain <= DRAIN_LIMIT and left_open == 0,
                ),
            ]
        finally:
            for process in processes:
                stop(process)
            delete_queue(queue)
