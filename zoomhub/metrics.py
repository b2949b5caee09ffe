"""/metrics for Prometheus: counters kept by the processes, gauges read at scrape time.

Counters (webhook deliveries, Zoom calls, token requests) live in the process that counts them.
Under gunicorn and Celery there are many processes: with PROMETHEUS_MULTIPROC_DIR set (compose
shares one folder between web and worker), each process writes its own file and a scrape sums
them; without it (make run, tests) a scrape sees the answering process's own counters.

Gauges (events waiting, queue depth, sync runs and recordings per state, downloads in flight,
the last task a worker took) are read when Prometheus asks, from the database and Redis: each app
registers a `collect() -> Iterable[Metric]` with `metric_sources` in its `AppConfig.ready()`,
the way dashboard cards are registered.

docs/metrics.md lists every metric.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import socket
import time
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import values as prometheus_values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# The classic text format: every Prometheus version (2.x and 3.x) reads it.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

if MULTIPROC_DIR:
    # Web and worker containers share the folder but not their PID namespaces: the host name
    # (the container id) keeps two processes with the same PID apart.
    prometheus_values.ValueClass = prometheus_values.MultiProcessValue(
        process_identifier=lambda: f"{socket.gethostname()}-{os.getpid()}"
    )

# This process's counters (under PROMETHEUS_MULTIPROC_DIR they also go to its file).
LOCAL = CollectorRegistry()
WEBHOOK_DELIVERIES = Counter(
    "zoomhub_webhook_deliveries",
    "Webhook deliveries from Zoom by how they were answered.",
    ["result"],
    registry=LOCAL,
)
WEBHOOK_ACK_SECONDS = Histogram(
    "zoomhub_webhook_ack_seconds",
    "Time from a webhook request reaching Django to its answer (Zoom gives up after 3 s).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
    registry=LOCAL,
)
ZOOM_REQUESTS = Counter(
    "zoomhub_zoom_requests",
    "Answers from Zoom's REST API by endpoint category and status (429 apart from other 4xx).",
    ["category", "status"],
    registry=LOCAL,
)
ZOOM_TOKEN_REQUESTS = Counter(
    "zoomhub_zoom_token_requests",
    "Requests to Zoom's OAuth token endpoint by grant type and status.",
    ["grant_type", "status"],
    registry=LOCAL,
)
WEBHOOK_RESULTS = (
    "accepted",
    "duplicate",
    "url_validation",
    "refused_signature",
    "refused_body",
    "refused_size",
    "unknown_url",
    "unavailable",
)


def webhook_answered(result: str, seconds: float) -> None:
    WEBHOOK_DELIVERIES.labels(result=result).inc()
    WEBHOOK_ACK_SECONDS.observe(seconds)


# /v2/users/{id}/recordings → "recordings"; /v2/report/meetings/{id}/participants → "report".
_CATEGORY_BY_SEGMENT = {
    "users": "users",
    "meetings": "meetings",
    "past_meetings": "past_meetings",
    "report": "report",
    "metrics": "dashboard",
    "webinars": "webinars",
    "accounts": "accounts",
}


def endpoint_category(path: str) -> str:
    """A short, bounded label for a Zoom API path (never ids: they would explode the series)."""
    segments = [part for part in path.split("/") if part]
    if segments and segments[0] == "v2":
        segments = segments[1:]
    if not segments:
        return "other"
    if "recordings" in segments:
        return "recordings"
    if segments[0] == "rec" or "download" in segments[0]:
        return "download"
    return _CATEGORY_BY_SEGMENT.get(segments[0], "other")


def status_label(status: int) -> str:
    if status == 429:
        return "429"
    return f"{status // 100}xx"


def observe_zoom_response(response) -> None:
    """requests' response hook on the Zoom session: counts every answer, API and OAuth alike."""
    try:
        request = response.request
        parts = urlsplit(request.url)
        if parts.path.rstrip("/").endswith("/oauth/token"):
            body = request.body or ""
            if isinstance(body, bytes):
                body = body.decode("ascii", "replace")
            query = parse_qs(parts.query)
            grant = (parse_qs(body).get("grant_type") or query.get("grant_type") or ["unknown"])[0]
            if grant not in ("refresh_token", "authorization_code", "account_credentials"):
                grant = "other"
            ZOOM_TOKEN_REQUESTS.labels(grant_type=grant, status=status_label(response.status_code)).inc()
        elif "/oauth/" not in parts.path:
            ZOOM_REQUESTS.labels(
                category=endpoint_category(parts.path), status=status_label(response.status_code)
            ).inc()
    except Exception:  # counting must never break a Zoom call
        logger.exception("Could not count a Zoom answer")


class MetricSources:
    """The apps' scrape-time gauges, registered in their AppConfig.ready()."""

    def __init__(self) -> None:
        self.sources: list[tuple[str, object]] = []

    def register(self, collect, *, app_label: str) -> None:
        if (app_label, collect) not in self.sources:  # ready() may run twice in some test set-ups
            self.sources.append((app_label, collect))

    def collect(self):
        for app_label, collect in self.sources:
            try:
                yield from collect()
            except Exception:
                # One broken source (Redis down, say) must not hide the others.
                logger.exception("Metrics of %s could not be read", app_label)


metric_sources = MetricSources()


def gauge(
    name: str, documentation: str, samples: Iterable[tuple[dict, float]], labels=()
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for label_values, value in samples:
        family.add_metric([label_values[label] for label in labels], value)
    return family


class _Counters:
    def collect(self):
        yield from LOCAL.collect()


def exposition() -> bytes:
    registry = CollectorRegistry()
    if MULTIPROC_DIR:
        MultiProcessCollector(registry)  # every process's counters, this one's included
    else:
        registry.register(_Counters())
    registry.register(metric_sources)
    return generate_latest(registry)


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for network in settings.METRICS_ALLOWED_NETWORKS:
        try:
            if client in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_NETWORKS has an entry that is not a network: %r", network)
    return False


class MetricsMiddleware:
    """Answers /metrics before sessions, CSRF and the staff check; times webhook answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == METRICS_PATH:
            if not _allowed(request):
                return HttpResponse("Forbidden.", status=403, content_type="text/plain; charset=utf-8")
            return HttpResponse(exposition(), content_type=CONTENT_TYPE)
        if not request.path.startswith("/webhooks/"):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        result = getattr(request, "webhook_result", None) or _result_of(response.status_code)
        webhook_answered(result, time.perf_counter() - started)
        return response


def _result_of(status: int) -> str:
    return {
        200: "accepted",
        400: "refused_body",
        401: "refused_signature",
        404: "unknown_url",
        405: "refused_body",
        413: "refused_size",
    }.get(status, "unavailable")


def _queue_names() -> list[str]:
    names = {"celery", getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    return sorted(names)


def collect():
    """The project's own gauges: Celery's queue in Redis and the last task a worker took."""
    from zoomhub import workers

    age = workers.seconds_since_last_task()
    yield gauge(
        "zoomhub_worker_last_task_age_seconds",
        "Seconds since any Celery worker took a task (-1: no worker has reported one).",
        [({}, -1.0 if age is None else age)],
    )
    yield gauge(
        "zoomhub_worker_stalled",
        "1 when no worker has taken a task for WORKER_STALL_MINUTES.",
        [({}, 1.0 if age is not None and age >= workers.stall_seconds() else 0.0)],
    )
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith(("redis://", "rediss://")):
        return
    import redis

    client = redis.Redis.from_url(
        broker_url,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in _queue_names():
                pipe.llen(name)
            pipe.hlen("unacked")
            answers = pipe.execute()
    except redis.RedisError as error:
        logger.warning("Celery queue depth unreadable (%s)", type(error).__name__)
        yield gauge(
            "zoomhub_broker_up", "1 when the Celery broker (Redis) answered this scrape.", [({}, 0.0)]
        )
        return
    finally:
        client.close()
    yield gauge("zoomhub_broker_up", "1 when the Celery broker (Redis) answered this scrape.", [({}, 1.0)])
    yield gauge(
        "zoomhub_celery_queue_length",
        "Tasks waiting in each Celery queue in Redis.",
        [({"queue": name}, float(depth)) for name, depth in zip(_queue_names(), answers[:-1], strict=True)],
        labels=("queue",),
    )
    yield gauge(
        "zoomhub_celery_unacked",
        "Tasks taken by workers and not yet acknowledged (acks_late: running or lost with a worker).",
        [({}, float(answers[-1]))],
    )
