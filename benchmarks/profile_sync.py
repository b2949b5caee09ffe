"""Where the sync's CPU and database time go: `python -m benchmarks.profile_sync [USERS MONTHS]`.

Seeds the sandbox like bench_sync, syncs once with no latency and no rate limit on one thread under
cProfile, and writes benchmarks/profiles/sync-<date>.prof (open with `python -m pstats` or
snakeviz) and sync-<date>.txt: the top functions by own and cumulative time, and the SQL time by
statement kind. It asserts nothing.
"""

import cProfile
import io
import os
import pstats
import re
import sys
import threading
import time
from pathlib import Path

PROFILES = Path(__file__).resolve().parent / "profiles"


class SqlByKind:
    """Seconds and counts of SQL per statement kind (verb + table)."""

    def __init__(self) -> None:
        self.kinds: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            match = re.match(r'\s*(\w+)(?:.*?(?:FROM|INTO|UPDATE)\s+"?(\w+)"?)?', sql, re.S | re.I)
            kind = " ".join(g for g in (match.groups() if match else ("?",)) if g)
            if sql.lstrip().upper().startswith("UPDATE"):
                kind = "UPDATE " + sql.split()[1].strip('"')
            with self.lock:
                slot = self.kinds.setdefault(kind, [0.0, 0])
                slot[0] += took
                slot[1] += 1

    def attach(self, sender, connection, **kwargs):
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)

    def report(self) -> str:
        lines = [f"{'SQL kind':50} {'seconds':>8} {'count':>7}"]
        for kind, (seconds, count) in sorted(self.kinds.items(), key=lambda kv: -kv[1][0]):
            lines.append(f"{kind[:50]:50} {seconds:8.2f} {count:7d}")
        return "\n".join(lines)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    users = int(argv[0]) if argv else 20
    months = int(argv[1]) if len(argv) > 1 else 12
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test.utils import override_settings

    from benchmarks import bench_sync
    from benchmarks.common import recreate_database, use_database
    from zoomhub.zoom.ratelimit import reset_local_state

    db = dict(connection.settings_dict)
    name = f"{db['NAME']}_bench_profile"
    recreate_database(db, name)
    use_database(name)
    sql = SqlByKind()
    connection_created.connect(sql.attach)
    if connection.connection is not None:
        sql.attach(None, connection)
    stamp = time.strftime("%Y-%m-%d-%H%M")
    try:
        call_command("migrate", verbosity=0)
        cache.clear()
        reset_local_state()
        start, end = bench_sync._history_range(months)
        with bench_sync._sandbox_process() as (base, control), bench_sync.zoom_at(base):
            _seeded, source = bench_sync.seed_master(control, start=start, end=end, users=users)
            control.latency(ms=0)
            control.settings(rate_limits=False)
            profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
            with override_settings(RECORDINGS_SYNC_THREADS=1):
                cpu = time.process_time()
                profiler.enable()
                measured = bench_sync._sync(
                    source,
                    start,
                    end,
                    bench_sync.DatabaseClock(),
                    clients_factory=bench_sync._unlimited_clients,
                )
                profiler.disable()
                cpu = time.process_time() - cpu
        created = measured["run"].recordings_created
        PROFILES.mkdir(exist_ok=True)
        profiler.dump_stats(PROFILES / f"sync-{stamp}.prof")
        out = io.StringIO()
        out.write(
            f"sync of {created} recordings ({users} users x {months} months), one thread, no latency/limit, "
            f"under cProfile (CPU time): {cpu:.2f} s CPU, {measured['wall']:.2f} s wall, "
            f"{cpu * 1000 / max(created, 1):.2f} ms CPU per recording (cProfile inflates it)\n\n"
        )
        out.write(sql.report() + "\n\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        text = out.getvalue().replace(str(Path.cwd()) + "/", "")
        (PROFILES / f"sync-{stamp}.txt").write_text(text)
        print(text[:6000])
    finally:
        connection_created.disconnect(sql.attach)
        use_database(db["NAME"])
        recreate_database(db, name, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
