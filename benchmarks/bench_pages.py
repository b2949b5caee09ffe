"""Staff browsing big lists: 20 signed-in sessions paging through 10,000 lessons and 50,000
recordings (100,000 files) on gunicorn as docker-compose.yml runs it (loopback), for BENCH_PAGES_SECONDS (60; 15 with BENCH_QUICK=1),
after one session alone for BENCH_PAGES_SINGLE_SECONDS (20; 8 quick).

Reports latency percentiles per list (alone and under load), pages per second and gunicorn's CPU
time per page; never asserts.
"""

import datetime as dt
import os
import random
import threading
import time
from pathlib import Path

from benchmarks.common import (
    Row,
    at_most,
    cpu_seconds,
    database_url,
    free_port,
    percentile,
    recreate_database,
    stop,
    use_database,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parent.parent
NAME = "pages"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", "15" if QUICK else "60"))
SINGLE_SECONDS = float(os.environ.get("BENCH_PAGES_SINGLE_SECONDS", "8" if QUICK else "20"))
SESSIONS = int(os.environ.get("BENCH_PAGES_SESSIONS", "20"))
LESSONS = int(os.environ.get("BENCH_PAGES_LESSONS", "10000"))
RECORDINGS = int(os.environ.get("BENCH_PAGES_RECORDINGS", "50000"))
DASHBOARD_REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "40" if QUICK else "100"))


def _seed() -> tuple[int, int, int]:
    from accounts.models import Credential, ZoomUser
    from meetings.models import Meeting, Person
    from recordings.models import Recording, RecordingFile, Source

    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Bench school",
        account_id="benchAcct01",
        client_id="benchClient01",
        client_secret="bench-client-secret",
    )
    hosts = [
        ZoomUser.objects.create(credential=credential, zoom_id=f"host{n}", email=f"host{n}@school.example")
        for n in range(20)
    ]
    teachers = [Person.objects.create(name=f"Teacher {n}", role=Person.Role.TEACHER) for n in range(20)]
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=200)
    lessons = []
    for n in range(LESSONS):
        at = start + dt.timedelta(hours=n % 24, days=n // 24)
        lessons.append(
            Meeting(
                topic=f"Lesson {n}",
                start_at=at,
                series_end_at=at + dt.timedelta(minutes=60),
                duration=60,
                host=hosts[n % 20],
                teacher=teachers[n % 20],
                zoom_meeting_id=90_000_000_000 + n,
                push_state=Meeting.PushState.SYNCED,
            )
        )
    lessons = Meeting.objects.bulk_create(lessons, batch_size=2000)
    # The dashboard's last 8 weeks: a session with its status for every lesson already held.
    from attendance.models import Session

    now = dt.datetime.now(dt.UTC)
    statuses = ["completed", "completed", "completed", "no_show", "teacher_absent", "never_took_place"]
    Session.objects.bulk_create(
        (
            Session(
                meeting=lesson,
                scheduled_start=lesson.start_at,
                scheduled_end=lesson.series_end_at,
                computed_status=statuses[n % len(statuses)],
                status=statuses[n % len(statuses)],
                needs_review=n % 50 == 0,
            )
            for n, lesson in enumerate(lessons)
            if lesson.series_end_at < now
        ),
        batch_size=2000,
    )
    source = Source.objects.create(name="Bench recordings", credential=credential)
    recordings = Recording.objects.bulk_create(
        (
            Recording(
                uuid=f"bench-{n}==",
                zoom_meeting_id=80_000_000_000 + n,
                source=source,
                host_id=f"host{n % 20}",
                host_email=f"host{n % 20}@school.example",
                topic=f"Recording {n}",
                start_time=start + dt.timedelta(minutes=30 * n),
                duration=45,
                total_size=100_000_000,
                recording_count=2,
            )
            for n in range(RECORDINGS)
        ),
        batch_size=5000,
    )
    # Every recording has its video and audio file, as Zoom lists them; one in ten is downloaded.
    RecordingFile.objects.bulk_create(
        (
            RecordingFile(
                recording=recording,
                zoom_file_id=f"bench-file-{recording.zoom_meeting_id}-{file_type}",
                file_type=file_type,
                file_extension=file_type,
                file_size=size,
                recording_start=recording.start_time,
                download_state=(RecordingFile.Download.DONE if n % 10 == 0 else RecordingFile.Download.NONE),
            )
            for n, recording in enumerate(recordings)
            for file_type, size in (("MP4", 90_000_000), ("M4A", 10_000_000))
        ),
        batch_size=5000,
    )
    return Meeting.objects.count(), Recording.objects.count(), RecordingFile.objects.count()


def _session_keys(count: int) -> list[str]:
    """Signed-in staff sessions, as allauth leaves them after a sign-in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    keys = []
    for n in range(count):
        user = User.objects.create_user(username=f"staff{n}", email=f"staff{n}@school.example", is_staff=True)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _browse(
    port: int, session_key: str, until: float, seed: int, results: dict, lock: threading.Lock
) -> None:
    import requests

    rng = random.Random(seed)
    http = requests.Session()
    http.cookies.set("sessionid", session_key, domain="127.0.0.1")
    lesson_pages = max(1, LESSONS // 50)
    recording_pages = max(1, RECORDINGS // 50)
    mine: dict[str, list[float]] = {"lessons": [], "recordings": []}
    statuses: dict[int, int] = {}
    while time.monotonic() < until:
        kind = "lessons" if rng.random() < 0.5 else "recordings"
        page = rng.randint(1, (lesson_pages if kind == "lessons" else recording_pages) // 4 or 1)
        url = f"http://127.0.0.1:{port}/{kind}/?page={page}" + ("&tab=upcoming" if kind == "lessons" else "")
        started = time.monotonic()
        response = http.get(url, timeout=60, allow_redirects=False)
        mine[kind].append(time.monotonic() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    with lock:
        for kind, values in mine.items():
            results.setdefault(kind, []).extend(values)
        for code, count in statuses.items():
            results.setdefault("statuses", {}).setdefault(code, 0)
            results["statuses"][code] += count


def _dashboard_times(port: int, session_key: str, count: int) -> list[float]:
    """The morning page, asked `count` times in a row by one session (after two warm-up calls)."""
    import requests

    http = requests.Session()
    http.cookies.set("sessionid", session_key, domain="127.0.0.1")
    url = f"http://127.0.0.1:{port}/"
    times = []
    for n in range(count + 2):
        started = time.monotonic()
        response = http.get(url, timeout=60, allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"the dashboard answered {response.status_code}")
        if n >= 2:
            times.append(time.monotonic() - started)
    return times


def run() -> list[Row]:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        return [Row(NAME, "skipped", "needs PostgreSQL (DATABASE_URL)")]
    db = dict(connection.settings_dict)
    bench_name = f"{db['NAME']}_bench_pages"
    recreate_database(db, bench_name)
    use_database(bench_name)
    web = None
    try:
        call_command("migrate", verbosity=0)
        seeded_at = time.monotonic()
        lessons, recordings, files = _seed()
        # What autovacuum does to a live database soon after such a load: statistics for the
        # planner and a visibility map, so counts can be index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seed_seconds = time.monotonic() - seeded_at
        keys = _session_keys(SESSIONS)
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(db, bench_name),
            "LOG_LEVEL": "WARNING",
        }
        from benchmarks.bench_webhooks import start_gunicorn

        web = start_gunicorn(port, env)  # docker-compose.yml's web command, on loopback
        if not wait_for_port(port, web):
            return [Row(NAME, "skipped", "gunicorn did not start")]
        results: dict = {}
        single: dict = {}
        lock = threading.Lock()
        _browse(port, keys[0], time.monotonic() + 2, 0, {}, lock)  # warm-up, not measured
        # One session alone first: what a page costs when nobody waits for a core.
        _browse(port, keys[0], time.monotonic() + SINGLE_SECONDS, 1, single, lock)
        dashboard = _dashboard_times(port, keys[0], DASHBOARD_REQUESTS)
        cpu_before = cpu_seconds(web.pid)
        until = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=_browse, args=(port, key, until, n, results, lock))
            for n, key in enumerate(keys)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        web_cpu = cpu_seconds(web.pid) - cpu_before
    finally:
        if web is not None:
            stop(web)
        connection.close()
        use_database(db["NAME"])
        recreate_database(db, bench_name, drop_only=True)
    total = len(results.get("lessons", [])) + len(results.get("recordings", []))
    cpu_per_page = web_cpu / max(total, 1) * 1000
    rows = [
        Row(
            NAME,
            "data",
            f"{lessons} lessons, {recordings} recordings, {files} files (seeded in {seed_seconds:.0f} s)",
        ),
    ]
    for kind, aim in (("lessons", ""), ("recordings", "p50 < 100 ms")):
        values = single.get(kind, [])
        rows.append(
            Row(
                NAME,
                f"1 session: /{kind}/ p50 / p95",
                f"{percentile(values, 0.50) * 1000:.0f} ms / {percentile(values, 0.95) * 1000:.0f} ms",
                aim,
            )
        )
    dashboard_p95 = percentile(dashboard, 0.95) * 1000
    rows.append(
        Row(
            NAME,
            "1 session: / (dashboard) p50 / p95",
            f"{percentile(dashboard, 0.50) * 1000:.0f} ms / {dashboard_p95:.0f} ms",
            "p95 < 150 ms",
            key="pages.dashboard_p95_ms",
            number=round(dashboard_p95),
            limit=150,
            ok=at_most(dashboard_p95, 150),
        )
    )
    statuses: dict = {}
    for part in (single, results):
        for code, count in part.get("statuses", {}).items():
            statuses[code] = statuses.get(code, 0) + count
    rows += [
        Row(
            NAME,
            "load",
            f"{SESSIONS} staff sessions for {SECONDS:.0f} s, gunicorn as docker-compose.yml runs it",
        ),
        Row(NAME, "statuses", ", ".join(f"{c}: {n}" for c, n in sorted(statuses.items()))),
        Row(NAME, "pages/s", f"{total / wall:.1f}"),
        Row(
            NAME,
            "gunicorn CPU per page",
            f"{cpu_per_page:.1f} ms",
            "≤ 12 ms",
            key="pages.cpu_ms_per_page",
            number=round(cpu_per_page, 2),
            limit=12,
            ok=at_most(cpu_per_page, 12),
        ),
    ]
    for kind in ("lessons", "recordings"):
        values = results.get(kind, [])
        rows.append(
            Row(
                NAME,
                f"{SESSIONS} sessions: /{kind}/ p50 / p95",
                f"{percentile(values, 0.50) * 1000:.0f} ms / {percentile(values, 0.95) * 1000:.0f} ms",
                "p95 < 300 ms",
                key=f"pages.{kind}_p95_ms",
                number=round(percentile(values, 0.95) * 1000),
                limit=300,
                ok=at_most(percentile(values, 0.95) * 1000, 300),
            )
        )
    return rows
