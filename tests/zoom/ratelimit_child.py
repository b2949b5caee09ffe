"""One worker process for test_ratelimit_processes: N calls through the shared limiter.

Usage: python -m tests.zoom.ratelimit_child <rate_limit_key> <calls>
Prints "ready", waits for a line on stdin (the start signal), then prints one JSON list: the moments (time.time()) at which its requests reached "Zoom".
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

import responses  # noqa: E402

from zoomhub.zoom.client import ZoomClient  # noqa: E402
from zoomhub.zoom.ratelimit import RedisRateLimiter, limiter_for  # noqa: E402


class StaticToken:
    def __init__(self, key):
        self.rate_limit_key = key

    def get_token(self):
        return "static-token-0123456789"

    def invalidate(self, token):
        pass


def main():
    key, calls = sys.argv[1], int(sys.argv[2])
    limiter = limiter_for("free")
    assert isinstance(limiter, RedisRateLimiter), limiter
    client = ZoomClient(StaticToken(key), plan="free", limiter=limiter)
    seen = []

    def answer(request):
        seen.append(time.time())
        return 200, {}, '{"id": "me"}'

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, "https://api.zoom.us/v2/users/me", callback=answer)
        # Warm up outside the measured budget: a process's first request pays for building the
        # HTTP session, which would otherwise land between the slot and the request.
        ZoomClient(StaticToken(f"{key}-warm-up"), plan="free", limiter=limiter).get("/users/me")
        seen.clear()
        print("ready", flush=True)
        sys.stdin.readline()  # start together with the other processes
        for _ in range(calls):
            client.get("/users/me")
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
