"""Where a request's CPU goes: `python -m benchmarks.profile_web webhooks|pages [N]`.

Runs N requests through the whole Django stack (middleware included, as gunicorn would) in this
process under cProfile, on its own PostgreSQL database, and writes
benchmarks/profiles/<path>-<date>.prof and .txt (top functions by own and cumulative time).
`webhooks` posts signed deliveries shaped like bench_webhooks'; `pages` seeds bench_pages' data
(BENCH_PAGES_LESSONS / BENCH_PAGES_RECORDINGS, smaller by default here) and pages through the
lesson and recording lists as one staff user. It asserts nothing.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

PROFILES = Path(__file__).resolve().parent / "profiles"


def _webhooks(client, count: int):
    from accounts.models import Credential
    from benchmarks import bench_webhooks
    from zoomhub.zoom.webhooks import sign

    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Bench account",
        account_id="AAAAAABBBB",
        client_id="benchClient01",
        client_secret="bench-client-secret",
        webhook_secret_token=bench_webhooks.SECRET,
    )
    path = f"/webhooks/zoom/{credential.webhook_code}/"
    bodies = bench_webhooks.with_duplicates(bench_webhooks._bodies(count + 50))

    def post(raw: bytes):
        ts = str(int(time.time()))
        response = client.post(
            path,
            data=raw,
            content_type="application/json",
            headers={"x-zm-request-timestamp": ts, "x-zm-signature": sign(bench_webhooks.SECRET, ts, raw)},
        )
        assert response.status_code == 200, response.status_code

    for raw in bodies[:50]:
        post(raw)  # warm-up
    return [lambda raw=raw: post(raw) for raw in bodies[50 : 50 + count]]


def _pages(client, count: int):
    os.environ.setdefault("BENCH_PAGES_LESSONS", "2000")
    os.environ.setdefault("BENCH_PAGES_RECORDINGS", "10000")
    from benchmarks import bench_pages

    bench_pages.LESSONS = int(os.environ["BENCH_PAGES_LESSONS"])
    bench_pages.RECORDINGS = int(os.environ["BENCH_PAGES_RECORDINGS"])
    bench_pages._seed()
    from accounts.models import User

    user = User.objects.create_user(username="staff", email="staff@school.example", is_staff=True)
    client.force_login(user)
    urls = [
        f"/lessons/?page={1 + n % 20}&tab=upcoming" if n % 2 == 0 else f"/recordings/?page={1 + n % 20}"
        for n in range(count)
    ]

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for url in urls[:10]:
        get(url)
    return [lambda url=url: get(url) for url in urls]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    which = argv[0] if argv else "webhooks"
    count = int(argv[1]) if len(argv) > 1 else (1000 if which == "webhooks" else 200)
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from benchmarks.common import bench_database

    stamp = time.strftime("%Y-%m-%d-%H%M")
    with bench_database(f"profile_{which}"):
        cache.clear()
        client = Client(HTTP_HOST="127.0.0.1")
        calls = {"webhooks": _webhooks, "pages": _pages}[which](client, count)
        profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
        cpu = time.process_time()
        profiler.enable()
        for call in calls:
            call()
        profiler.disable()
        cpu = time.process_time() - cpu
        # Without the profiler, for the per-request CPU figure.
        plain = {"webhooks": _webhooks, "pages": _pages}
        del plain
    PROFILES.mkdir(exist_ok=True)
    profiler.dump_stats(PROFILES / f"{which}-{stamp}.prof")
    out = io.StringIO()
    out.write(
        f"{which}: {count} requests in-process under cProfile, {cpu * 1000 / count:.2f} ms CPU each (inflated)\n\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(60)
    text = out.getvalue().replace(str(Path.cwd()) + "/", "")
    (PROFILES / f"{which}-{stamp}.txt").write_text(text)
    print(text[:3000])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
