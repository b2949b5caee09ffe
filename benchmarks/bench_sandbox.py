"""The Zoom sandbox: seeding 50 users x 24 months x 10 recordings, listing them all, serving bytes."""

import time

import requests

from benchmarks.common import Row, percentile
from sandbox.control_client import SandboxControl
from sandbox.server import Sandbox


def run() -> list[Row]:
    sandbox = Sandbox(port=0).start()
    control = SandboxControl(sandbox.base_url)
    rows = []
    try:
        control.add_account(id="benchAcct", plan="business")
        control.add_user(account_id="benchAcct", email="owner@bench.example")
        control.add_app(client_id="benchApp", client_secret="bench-secret-0123456789", account_id="benchAcct")
        control.settings(rate_limits=False)
        started = time.perf_counter()
        seeded = control.seed_history(
            account_id="benchAcct", users=50, months=24, per_month=10, end="2030-06-30"
        )
        rows.append(
            Row(
                "sandbox",
                "seed 50 users x 24 months x 10",
                f"{(time.perf_counter() - started) * 1000:.0f} ms",
                "< 1 s",
            )
        )

        token = requests.post(
            f"{sandbox.oauth_base_url}/token",
            params={"grant_type": "account_credentials", "account_id": "benchAcct"},
            auth=("benchApp", "bench-secret-0123456789"),
            timeout=10,
        ).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        latencies, found = [], 0
        started = time.perf_counter()
        for email in seeded["emails"]:
            for year, month in [(2028 + (6 + m) // 12, (6 + m) % 12 + 1) for m in range(24)]:
                began = time.perf_counter()
                body = session.get(
                    f"{sandbox.api_base_url}/users/{email}/recordings",
                    params={
                        "from": f"{year}-{month:02d}-01",
                        "to": f"{year}-{month:02d}-28",
                        "page_size": 300,
                    },
                    timeout=10,
                ).json()
                latencies.append(time.perf_counter() - began)
                found += body["total_records"]
        elapsed = time.perf_counter() - started
        rows.append(Row("sandbox", "recordings listed (1,200 windows)", f"{found}", "12000"))
        rows.append(
            Row(
                "sandbox",
                "list window p50 / p95",
                f"{percentile(latencies, 0.5) * 1000:.1f} / {percentile(latencies, 0.95) * 1000:.1f} ms",
            )
        )
        rows.append(Row("sandbox", "list windows per second", f"{len(latencies) / elapsed:.0f}"))

        files = body["meetings"][0]["recording_files"]
        mp4 = next(f for f in files if f["file_type"] == "MP4")
        location = session.get(mp4["download_url"], allow_redirects=False, timeout=10).headers["Location"]
        started = time.perf_counter()
        size = 0
        with requests.get(location, stream=True, timeout=30) as response:
            for chunk in response.iter_content(1 << 20):
                size += len(chunk)
        seconds = time.perf_counter() - started
        rows.append(Row("sandbox", f"download {size >> 20} MiB", f"{size / seconds / (1 << 20):.0f} MiB/s"))
    finally:
        sandbox.stop()
    return rows
