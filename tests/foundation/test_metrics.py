"""/metrics after a recordings sync against the sandbox and 100 webhook deliveries."""

import json
import time
from datetime import date, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import Credential
from recordings.models import Recording, Source, SyncRun
from recordings.services import sync_run_create, sync_run_execute
from zoomhub import workers
from zoomhub.zoom.webhooks import sign

pytestmark = pytest.mark.django_db

ACCOUNT, CLIENT_ID, CLIENT_SECRET = "metricsAcct01", "metricsClient01", "metrics-client-secret-0123"
WEBHOOK_SECRET = "metricsWEBHOOKsecret01"


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _deliver(client, credential, body: dict, *, secret=WEBHOOK_SECRET):
    raw = json.dumps(body).encode()
    now = int(time.time())
    return client.post(
        credential.webhook_path,
        raw,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=str(now),
        HTTP_X_ZM_SIGNATURE=sign(secret, now, raw),
    )


def _ended(number: int) -> dict:
    return {
        "event": "meeting.ended",
        "event_ts": 1709564520000 + number,
        "payload": {
            "account_id": ACCOUNT,
            "object": {"id": str(81000000000 + number), "uuid": f"m{number}=="},
        },
    }


def test_metrics_count_the_sync_zoom_calls_and_webhooks(client, zoom_sandbox_settings, settings, tmp_path):
    # The sync in this test's transaction: one thread (the threaded path has its own tests).
    settings.RECORDINGS_SYNC_THREADS = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECORDINGS_PARTIAL_DIR = tmp_path / "partial"
    zoom = zoom_sandbox_settings
    zoom.control.add_account(id=ACCOUNT, name="School", plan="business", is_master=True)
    zoom.control.add_app(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, kind="server_to_server", account_id=ACCOUNT
    )
    end = date.today().replace(day=1) - timedelta(days=1)
    history = zoom.control.seed_history(
        account_id=ACCOUNT, users=2, months=1, per_month=3, end=end.isoformat()
    )
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        webhook_secret_token=WEBHOOK_SECRET,
        is_master_account=True,
        plan=Credential.Plan.BUSINESS,
    )
    source = Source.objects.create(
        name="School", credential=credential, is_master_account=True, user_emails=history["emails"]
    )
    before = scrape(client)

    run = sync_run_execute(
        run_id=sync_run_create(source=source, from_date=end.replace(day=1), to_date=end).pk
    )
    assert run.state == SyncRun.State.SUCCEEDED
    answers = [_deliver(client, credential, _ended(n)).status_code for n in range(90)]
    answers += [_deliver(client, credential, _ended(n)).status_code for n in range(5)]  # Zoom redelivers
    answers += [_deliver(client, credential, _ended(500 + n), secret="wrong").status_code for n in range(5)]
    assert answers == [200] * 95 + [401] * 5

    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("zoomhub_webhook_deliveries_total", result="accepted") == 90
    assert delta("zoomhub_webhook_deliveries_total", result="duplicate") == 5
    assert delta("zoomhub_webhook_deliveries_total", result="refused_signature") == 5
    assert delta("zoomhub_webhook_ack_seconds_count") == 100
    assert delta("zoomhub_webhook_ack_seconds_bucket", le="3.0") == 100  # every answer within Zoom's 3 s
    calls = zoom.control.calls()
    listed = calls["GET /v2/users/{userId}/recordings"]
    assert listed > 0
    assert delta("zoomhub_zoom_requests_total", category="recordings", status="2xx") == listed
    assert (
        delta("zoomhub_zoom_token_requests_total", grant_type="account_credentials", status="2xx")
        == (calls["POST /oauth/token"])
    )
    # Gauges read at scrape time from the database.
    assert value(after, "zoomhub_sync_runs", state="succeeded") == 1
    assert (
        value(after, "zoomhub_recordings", state="available")
        == Recording.objects.count()
        == history["recordings"]
    )
    assert value(after, "zoomhub_webhook_events_waiting", state="pending") == 90  # no worker in this test
    assert value(after, "zoomhub_recording_files", state="downloading") == 0
    if settings.REDIS_URL:
        assert value(after, "zoomhub_broker_up") == 1
        assert ("zoomhub_celery_queue_length", (("queue", "celery"),)) in after


def test_metrics_are_for_prometheus_only(client, settings):
    settings.METRICS_TOKEN = "metrics-token-0123456789"
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 403
    )
    scrape(client, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer metrics-token-0123456789")
    scrape(client, REMOTE_ADDR="10.1.2.3")


def test_a_stalled_worker_shows_on_the_dashboard_and_in_metrics(admin_client, settings):
    settings.WORKER_STALL_MINUTES = 5
    workers.note_task_taken("celery@worker-1", now=time.time() - 60)
    workers._last_write = 0.0
    assert value(scrape(admin_client), "zoomhub_worker_stalled") == 0
    assert "No worker has taken a task" not in admin_client.get("/").content.decode()

    workers.note_task_taken("celery@worker-1", now=time.time() - 7 * 60)
    workers._last_write = 0.0
    samples = scrape(admin_client)
    assert value(samples, "zoomhub_worker_stalled") == 1
    assert value(samples, "zoomhub_worker_last_task_age_seconds") >= 7 * 60
    assert "No worker has taken a task for 7 minutes" in admin_client.get("/").content.decode()


def test_the_sample_grafana_dashboard_graphs_only_metrics_zoomhub_exposes():
    import re

    from django.conf import settings

    dashboard = json.loads((settings.BASE_DIR / "docs" / "grafana-dashboard.json").read_text())
    documented = (settings.BASE_DIR / "docs" / "metrics.md").read_text()
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    used = {name for expr in exprs for name in re.findall(r"zoomhub_[a-z_]+", expr)}
    base = {re.sub(r"_(bucket|count|sum)$", "", name) for name in used}
    assert base and all(f"`{name}`" in documented for name in base), base
