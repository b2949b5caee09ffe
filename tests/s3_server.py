"""A real S3 API on loopback for the tests: moto's server mode in its own process.

    with running_s3_server() as s3:      # or the session fixture `s3_server`
        s3.client().create_bucket(Bucket="recordings")
        s3.endpoint_url                  # http://127.0.0.1:<free port>

Nothing is patched in-process: ZoomHub's boto3 and django-storages code talks HTTP to it as it
would to MinIO or AWS. One thing is added to moto in its own process (run as this file): like AWS
and MinIO, it recomputes the CRC32 of a part or object sent with an `x-amz-checksum-crc32` header
and refuses it with BadDigest when they differ (moto 5 keeps the value unchecked).
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
        [sys.executable, __file__, "-H", "127.0.0.1", "-p", str(port)],
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


def serve_checking_crc32(argv: list[str]) -> None:
    """moto's server, refusing a PUT whose x-amz-checksum-crc32 does not match its body."""
    import base64
    import zlib

    from moto.s3.exceptions import S3ClientError
    from moto.s3.responses import S3Response
    from moto.server import main

    class BadDigest(S3ClientError):
        code = "BadDigest"
        message = "The CRC32 you specified did not match the calculated checksum."

    real_put = S3Response._key_response_put

    def checked_put(self, query, key_name):
        sent = self.headers.get("x-amz-checksum-crc32")
        if sent and "x-amz-copy-source" not in self.headers:
            body = self.body.encode() if isinstance(self.body, str) else bytes(self.body or b"")
            if base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode() != sent:
                raise BadDigest()
        return real_put(self, query, key_name)

    S3Response._key_response_put = checked_put
    main(argv)


if __name__ == "__main__":
    serve_checking_crc32(sys.argv[1:])
