"""Waiting longer after each failed try: the one back-off of every job that retries later.

Lesson pushes, webhook events, attendance fetches and recording downloads each pass their own
first and longest wait. (Retries inside one HTTP call are the client's own: zoomhub/zoom/client.py.)
"""

import datetime as dt
import random

# 2**64 times any first wait is past any ceiling; stopping there keeps timedelta from overflowing.
_MAX_DOUBLINGS = 64


def backoff_delay(
    attempts: int,
    *,
    first: dt.timedelta,
    longest: dt.timedelta,
    jitter: float = 0.0,
    rng: random.Random | None = None,
) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: `first`, then twice, four times … as long, at most
    `longest`. A `jitter` share (0.1: ±10 %) spreads the waits, so jobs that failed together (a Zoom
    outage) do not all come back at the same moment."""
    doublings = min(max(attempts - 1, 0), _MAX_DOUBLINGS)
    seconds = min(first.total_seconds() * 2**doublings, longest.total_seconds())
    if jitter:
        seconds *= (rng or random).uniform(1 - jitter, 1 + jitter)
    return dt.timedelta(seconds=seconds)
