"""Recording transfer: Zoom sandbox → S3 server (moto, its own process), against a plain boto3 upload.

Both sides send the same bytes to the same S3 server. ZoomHub's side runs as production does:
the boto3 client comes from `s3_client()` of a Destination pointed at the server (its Config:
no botocore checksum trailers, `request_checksum_calculation="when_required"`), and the per-byte
pipeline of recording_file_transfer with that destination's defaults: the download from the
sandbox (run as its own process, as Zoom is another machine), SHA-256, and the MultipartSink
with the destination's part size, its part checksums (CRC32 headers) and the default parts in
flight; the database rows the transfer also writes (a few per file) are left out. The baseline is
`boto3.client.upload_file` of the same bytes from a file on local disk, with boto3's defaults
(8 MiB parts, 10 threads, CRC32 of every part). Aim: ZoomHub's rate at least 0.8x the baseline's.
CPU seconds per side (the S3 server, the sandbox, this process) are reported beside the rates.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.common import Row, at_least, cpu_seconds, free_port, stop, wait_for_port

MIB = 1024 * 1024
ACCESS_KEY, SECRET_KEY, REGION = "AKIABENCH0000000001", "bench-secret-key-0123456789", "us-east-1"


def _start(args: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not wait_for_port(port, process, timeout=60):
        stop(process)
        raise RuntimeError(f"{args[1]} did not start")
    return process


def _destination(endpoint_url: str, bucket: str):
    """An S3 destination as staff would enter it (unsaved: nothing here touches the database)."""
    from recordings.models import Destination

    return Destination(
        name="Bench bucket",
        kind=Destination.Kind.S3,
        endpoint_url=endpoint_url,
        region=REGION,
        bucket=bucket,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        addressing_style=Destination.Addressing.PATH,
    )


def _zoomhub_transfer(destination, client, key: str, url: str, token: str) -> str:
    from django.conf import settings

    from accounts.services.tokens import GrantTokens
    from recordings.services.destinations import put_extra
    from recordings.services.multipart import MultipartSink
    from recordings.services.transfer import CHUNK
    from zoomhub.zoom.client import ZoomClient

    digest = hashlib.sha256()
    sink = MultipartSink(
        client,
        bucket=destination.bucket,
        key=key,
        part_size=destination.part_size,
        concurrency=settings.RECORDINGS_S3_PART_CONCURRENCY,
        extra=put_extra(destination),
        checksums=destination.part_checksums,
    )

    def write(chunk: bytes) -> None:
        digest.update(chunk)
        sink.write(chunk)

    ZoomClient(GrantTokens(token, rate_limit_key="bench")).download(url, write=write, chunk_size=CHUNK)
    sink.finish()
    return digest.hexdigest()


def run() -> list[Row]:
    import boto3

    from recordings.services.destinations import s3_client
    from sandbox.control_client import SandboxControl

    size = (64 if os.environ.get("BENCH_QUICK") else 256) * MIB
    # The best of three rounds, each side: the S3 server and the sandbox share two cores with
    # whatever else runs, and one slow round says more about the machine than about either side.
    rounds = 3
    s3_port, zoom_port = free_port(), free_port()
    s3 = _start(["-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], s3_port)
    zoom = _start(["-m", "sandbox", "--port", str(zoom_port)], zoom_port)
    rows: list[Row] = []
    try:
        zoom_url = f"http://127.0.0.1:{zoom_port}"
        control = SandboxControl(zoom_url)
        control.add_account(id="benchAcct", plan="business")
        control.add_user(account_id="benchAcct", email="teacher@bench.example")
        control.add_app(client_id="benchApp", client_secret="bench-secret-0123456789", account_id="benchAcct")
        control.settings(rate_limits=False)
        played = control.play_lesson(
            host="teacher@bench.example", speed=0, recording={"delay_minutes": 0, "mp4_size": size}
        )
        token = requests.post(
            f"{zoom_url}/oauth/token",
            params={"grant_type": "account_credentials", "account_id": "benchAcct"},
            auth=("benchApp", "bench-secret-0123456789"),
            timeout=10,
        ).json()["access_token"]
        meeting = requests.get(
            f"{zoom_url}/v2/meetings/{requests.utils.quote(played['uuid'], safe='')}/recordings",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        url = next(f["download_url"] for f in meeting["recording_files"] if f["file_type"] == "MP4")
        client = boto3.client(  # the baseline: boto3's defaults
            "s3",
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        client.create_bucket(Bucket="bench")
        destination = _destination(f"http://127.0.0.1:{s3_port}", "bench")
        ours_client = s3_client(destination)

        with tempfile.TemporaryDirectory() as folder:
            on_disk = Path(folder) / "recording.mp4"
            with (
                requests.get(url, headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=60) as r,
                on_disk.open("wb") as out,
            ):
                for chunk in r.iter_content(MIB):
                    out.write(chunk)
            assert on_disk.stat().st_size == size
            ours, baseline = [], []
            cpu = {"ours": [], "baseline": []}

            def measured(side: str, rates: list, transfer) -> None:
                before = (cpu_seconds(s3.pid), cpu_seconds(zoom.pid), time.process_time())
                started = time.perf_counter()
                transfer()
                rates.append(size / MIB / (time.perf_counter() - started))
                after = (cpu_seconds(s3.pid), cpu_seconds(zoom.pid), time.process_time())
                cpu[side].append([b - a for a, b in zip(before, after, strict=True)])

            for n in range(rounds):
                measured(
                    "baseline",
                    baseline,
                    lambda n=n: client.upload_file(str(on_disk), "bench", f"baseline-{n}"),
                )
                measured(
                    "ours",
                    ours,
                    lambda n=n: _zoomhub_transfer(destination, ours_client, f"zoomhub-{n}", url, token),
                )
        assert client.head_object(Bucket="bench", Key="zoomhub-0")["ContentLength"] == size
        best_ours, best_baseline = max(ours), max(baseline)
        label = f"{size // MIB} MiB"
        rows.append(Row("transfer", f"sandbox → S3 server, {label} (MB/s)", f"{best_ours:.0f}"))
        rows.append(Row("transfer", f"boto3 upload_file from disk, {label} (MB/s)", f"{best_baseline:.0f}"))
        for side, name in (("ours", "ZoomHub"), ("baseline", "boto3")):
            s3_cpu, zoom_cpu, own_cpu = (min(run[i] for run in cpu[side]) for i in range(3))
            rows.append(
                Row(
                    "transfer",
                    f"{name}: CPU s, S3 server / sandbox / bench process",
                    f"{s3_cpu:.2f} / {zoom_cpu:.2f} / {own_cpu:.2f}",
                )
            )
        rows.append(
            Row(
                "transfer",
                "ZoomHub / boto3 from disk",
                f"{best_ours / best_baseline:.2f}x",
                "≥ 0.8x",
                key="transfer.ratio",
                number=round(best_ours / best_baseline, 2),
                limit=0.8,
                ok=at_least(best_ours / best_baseline, 0.8),
            )
        )
    finally:
        stop(zoom)
        stop(s3)
    return rows
