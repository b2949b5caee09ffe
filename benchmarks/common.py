import contextlib
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    benchmark: str
    metric: str
    value: str
    aim: str = ""
    # A headline figure (kept in benchmarks/results and drawn in history.svg): its key, its number,
    # the aim's limit as a number, and whether this run met the aim.
    key: str = ""
    number: float | None = None
    limit: float | None = None
    ok: bool | None = None

    def as_dict(self) -> dict:
        return {
            "benchmark": self.benchmark,
            "metric": self.metric,
            "value": self.value,
            "aim": self.aim,
            "key": self.key,
            "number": self.number,
            "limit": self.limit,
            "ok": self.ok,
        }


def at_most(value: float, limit: float) -> bool:
    return value == value and value <= limit  # NaN (not measured) misses


def at_least(value: float, limit: float) -> bool:
    return value == value and value >= limit


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _mark(ok: bool | None) -> str:
    return {True: "✓", False: "✗"}.get(ok, "")


def print_table(rows: list[Row], *, column: str = "value") -> None:
    headers = ("benchmark", "metric", column, "aim", "met")
    table = [headers] + [(r.benchmark, r.metric, r.value, r.aim, _mark(r.ok)) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(5)]
    for index, row in enumerate(table):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


# Helpers the benchmarks share: each runs on its own PostgreSQL database and, where it measures
# a server, on loopback processes it starts and stops itself. Django must be set up already.


def database_url(db: dict, name: str) -> str:
    """A DATABASE_URL for database `name` on the server of `db` (a Django settings_dict)."""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{name}"


def recreate_database(db: dict, name: str, *, drop_only: bool = False) -> None:
    """Drop database `name` (closing its connections) and, unless drop_only, create it empty."""
    import psycopg

    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def use_database(name: str) -> None:
    """Point this process's default connection at `name`."""
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections.settings["default"]["NAME"] = name
    del connections["default"]


@contextlib.contextmanager
def bench_database(suffix: str):
    """A fresh, migrated `<DATABASE_URL's name>_bench_<suffix>` for the block; dropped afterwards.

    Yields (the original settings_dict, the bench database's name); the default connection points
    at the bench database inside the block and back at the original one after it.
    """
    from django.core.management import call_command
    from django.db import connection

    db = dict(connection.settings_dict)
    name = f"{db['NAME']}_bench_{suffix}"
    recreate_database(db, name)
    use_database(name)
    try:
        call_command("migrate", verbosity=0)
        yield db, name
    finally:
        use_database(db["NAME"])
        recreate_database(db, name, drop_only=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's workers), from /proc.

    Children that already exited count too (the process's cutime/cstime): gunicorn replaces a
    worker after max_requests, and a bench of a few thousand requests outlives its first workers."""
    total = 0.0
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        return float("nan")
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])
            if one == pid:  # utime, stime, then cutime, cstime: its reaped children
                ticks += int(fields[13]) + int(fields[14])
            total += ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


class DatabaseSessionsCPU:
    """CPU of the PostgreSQL sessions connected to one database while it runs (a context manager):
    sampled every `every` seconds, so sessions of other databases on a shared machine are left out
    and sessions that end (gunicorn replaces its workers) still count up to their last sample."""

    def __init__(self, database: str, every: float = 0.25) -> None:
        self.database, self.every = database, every
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def _sample(self, cursor) -> None:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
        for (pid,) in cursor.fetchall():
            seconds = cpu_seconds(pid)
            if seconds == seconds:  # not NaN: still there
                self.first.setdefault(pid, seconds)
                self.last[pid] = seconds

    def _sample_until_stopped(self) -> None:
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as own, own.cursor() as cursor:
            self._sample(cursor)
            self._started.set()
            while not self._stop.wait(self.every):
                self._sample(cursor)
            self._sample(cursor)

    def __enter__(self):
        self._started = threading.Event()
        self._thread.start()
        self._started.wait(10)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat: diff two readings."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan"), float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / ticks, sum(fields) / ticks
