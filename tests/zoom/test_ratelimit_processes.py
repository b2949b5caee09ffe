"""Several worker processes sharing Redis stay, together, under Zoom's per-second limit."""

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from zoomhub.zoom.limits import PER_SECOND, Category, Plan

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) to share the limiter"),
]

PROCESSES = 3
CALLS_EACH = 6
LIMIT = int(PER_SECOND[Plan.FREE][Category.LIGHT])  # 4 per second: GET /users/me on a Free account


def most_in_any_second(moments: list[float]) -> int:
    """The largest number of requests inside any sliding window [t, t + 1 s)."""
    moments = sorted(moments)
    return max(sum(1 for m in moments if start <= m < start + 1.0) for start in moments)


def test_processes_sharing_redis_never_exceed_the_limit_together():
    key = f"test-account-{uuid.uuid4().hex}"
    start_at = time.time() + 4
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.zoom.ratelimit_child", key, str(CALLS_EACH), str(start_at)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    per_process = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        per_process.append(json.loads(out.strip().splitlines()[-1]))

    moments = [m for seen in per_process for m in seen]
    assert len(moments) == PROCESSES * CALLS_EACH
    assert most_in_any_second(moments) <= LIMIT
    # The processes really ran side by side, and the limiter let them use the budget (not one each).
    first_second = [m for m in moments if m < min(moments) + 1.0]
    assert len(first_second) == LIMIT
    assert all(min(seen) < max(moments) - 1.0 for seen in per_process)
