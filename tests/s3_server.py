"""A real S3 API on loopback for the tests: moto's server mode in its own process.

    with running_s3_server() as s3:      # or the session fixture `s3_server`
        s3.client().create_bucket(Bucket="recordings")
        s3.endpoint_url                  # http://127.0.0.1:<free port>

Nothing is patched in-process: ZoomHub's boto3 and django-storages code talks HTTP to it as it
would to MinIO or AWS.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import requests

ACCESS_KEY = "AKIAZOOMHUBTEST0001"
SECRET_KEY = "test-secret-key-never-shown-0123456789"
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint_url: str
    process: subprocess.Popen

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_s3_server(*, start_timeout: float = 60.0) -> Iterator[S3Server]:
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:  # the process needs a moment to import moto and listen
            if process.poll() is not None:
                raise RuntimeError(f"moto server exited with {process.returncode}")
            try:
                requests.get(f"{url}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield S3Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
