"""Gunicorn for ZoomHub behind nginx: `gunicorn zoomhub.wsgi:application --config deploy/gunicorn.conf.py`.

gthread workers: each process serves GUNICORN_THREADS requests at once, so a page waiting on
PostgreSQL or a webhook waiting on Redis does not block the requests behind it. Static files and
recording downloads never reach gunicorn (nginx serves them), so requests are short.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Eight threads, not four: a keep-alive connection stays with the worker that accepted it, so 20
# staff sessions land unevenly on three workers (say 9 / 6 / 5), and with four threads a worker's
# fifth to ninth requests waited for a thread while the other workers' cores sat idle. With eight,
# a busy worker takes them all and the GIL and the kernel share the cores (pages bench, 20
# sessions: p95 0.76-1.02 s with 4 threads, 0.36-0.59 s with 8; webhooks unchanged).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Django and the project are imported once, in the master, and every worker is forked from it:
# a new worker (at start, and after max_requests below) costs a fork instead of a second of CPU
# importing everything again. Under a webhook load the replaced workers' imports were a quarter of
# gunicorn's CPU. Nothing opens a database or Redis connection at import (they open on first use
# in each worker).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
# A request running longer than this is a bug or a hung dependency: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound. Not every 2,000
# requests: at Zoom's webhook bursts (a thousand a second) that replaced a worker every few
# seconds, and each new one pays a fork, eight new database connections, the key derivation of
# the encrypted fields and cold caches. 50,000 is still hours of a school's normal traffic.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))
# nginx is the only client; it sets X-Forwarded-Proto/For on every request.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
# nginx in front already writes one access line per request, with the client's real address;
# a second line from gunicorn cost a tenth of its CPU under Zoom's webhook bursts. GUNICORN_ACCESS_LOG=-
# (stdout) brings it back, e.g. when gunicorn runs without nginx.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def child_exit(server, worker):
    """A worker that exits leaves its /metrics file behind; its live gauges must stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
