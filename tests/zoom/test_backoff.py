"""The one back-off of jobs that retry later (lesson pushes, webhook events, attendance, downloads)."""

import datetime as dt
import random

import pytest

from zoomhub.zoom.backoff import backoff_delay

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def test_the_wait_doubles_from_the_first_up_to_the_longest():
    waits = [backoff_delay(n, first=MINUTE, longest=HOUR) for n in range(1, 10)]
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize("attempts", [0, -3])
def test_before_any_failure_the_wait_is_the_first(attempts):
    assert backoff_delay(attempts, first=MINUTE, longest=HOUR) == MINUTE


def test_a_first_wait_longer_than_the_longest_is_capped():
    assert backoff_delay(1, first=2 * HOUR, longest=HOUR) == HOUR


def test_thousands_of_attempts_stay_at_the_longest_instead_of_overflowing():
    assert backoff_delay(10_000, first=MINUTE, longest=HOUR) == HOUR


def test_jitter_spreads_each_wait_within_its_share_of_the_capped_wait():
    rng = random.Random(7)
    waits = [backoff_delay(3, first=MINUTE, longest=HOUR, jitter=0.1, rng=rng) for _ in range(200)]
    seconds = [w.total_seconds() for w in waits]
    assert min(seconds) >= 4 * 60 * 0.9
    assert max(seconds) <= 4 * 60 * 1.1
    assert len(set(seconds)) > 100  # spread out, not one value
    capped = backoff_delay(50, first=MINUTE, longest=HOUR, jitter=0.1, rng=rng).total_seconds()
    assert 3600 * 0.9 <= capped <= 3600 * 1.1
