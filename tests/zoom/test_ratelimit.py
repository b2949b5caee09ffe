"""The client-side limiter: per-second slots, pauses learned from Zoom, daily caps."""

import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings

from zoomhub.zoom.errors import ZoomRateLimited
from zoomhub.zoom.limits import DAILY, Category, Plan
from zoomhub.zoom.ratelimit import LocalRateLimiter, RedisRateLimiter, budget_for, limiter_for

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


@pytest.fixture
def local(clock):
    return LocalRateLimiter(Plan.FREE, clock=clock.time, sleep=clock.sleep)


def test_budgets_follow_zooms_table():
    assert budget_for(Plan.PRO, Category.MEDIUM).count == 20
    assert budget_for(Plan.BUSINESS, Category.LIGHT).count == 80
    per_minute = budget_for(Plan.PRO, Category.RESOURCE_INTENSIVE)
    assert (per_minute.count, per_minute.window) == (10, 60.0)
    # Paid plans: Heavy and Resource-intensive draw from one daily pool.
    assert (
        budget_for(Plan.PRO, Category.HEAVY).daily_pool
        == budget_for(Plan.PRO, Category.RESOURCE_INTENSIVE).daily_pool
    )
    assert budget_for(Plan.FREE, Category.LIGHT).daily_cap == 6000


def test_local_limiter_spaces_a_burst_into_windows(local, clock):
    start = clock.now
    moments = []
    for _ in range(9):
        local.acquire("acct", Category.LIGHT)  # Free: 4 per second
        moments.append(clock.now - start)
    assert moments[:4] == [0, 0, 0, 0]
    # The margin (0.1 s) keeps the fifth request out of the first window.
    assert moments[4:8] == pytest.approx([1.1] * 4)
    assert moments[8] == pytest.approx(2.2)


def test_local_limiter_keeps_accounts_and_categories_apart(local, clock):
    for _ in range(4):
        local.acquire("acct-a", Category.LIGHT)
    local.acquire("acct-b", Category.LIGHT)
    local.acquire("acct-a", Category.MEDIUM)
    assert clock.sleeps == []


def test_a_pause_holds_the_category(local, clock):
    local.pause("acct", Category.MEDIUM, seconds=5)
    local.acquire("acct", Category.MEDIUM)
    assert clock.sleeps == [5]


def test_zero_remaining_daily_headers_pause_until_midnight(local, clock):
    clock.now = datetime(2024, 5, 30, 22, 0, tzinfo=UTC).timestamp()
    local.observe(
        "acct",
        Category.HEAVY,
        {"X-RateLimit-Type": "Daily-limit", "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0"},
    )
    with pytest.raises(ZoomRateLimited) as caught:
        local.acquire("acct", Category.HEAVY)
    assert caught.value.daily is True
    assert caught.value.resets_at == datetime(2024, 5, 31, tzinfo=UTC)


def test_remaining_above_zero_changes_nothing(local, clock):
    local.observe("acct", Category.LIGHT, {"X-RateLimit-Limit": "6000", "X-RateLimit-Remaining": "5893"})
    local.acquire("acct", Category.LIGHT)
    assert clock.sleeps == []


def test_a_spent_daily_cap_raises_without_calling_zoom(local, clock, monkeypatch):
    monkeypatch.setitem(DAILY[Plan.FREE], Category.MEDIUM, 3)
    clock.now = datetime(2024, 5, 30, 12, 0, tzinfo=UTC).timestamp()
    for _ in range(3):
        local.acquire("acct", Category.MEDIUM)
    with pytest.raises(ZoomRateLimited) as caught:
        local.acquire("acct", Category.MEDIUM)
    assert caught.value.daily is True
    assert caught.value.resets_at == datetime(2024, 5, 31, tzinfo=UTC)
    # A new UTC day, a new budget.
    clock.now = datetime(2024, 5, 31, 0, 0, 1, tzinfo=UTC).timestamp()
    local.acquire("acct", Category.MEDIUM)


def test_a_wait_longer_than_allowed_is_raised_not_slept(local, clock, settings):
    settings.ZOOM_RATE_LIMIT_MAX_WAIT = 3
    local.pause("acct", Category.LIGHT, seconds=10)
    with pytest.raises(ZoomRateLimited) as caught:
        local.acquire("acct", Category.LIGHT)
    assert caught.value.daily is False
    assert caught.value.retry_after == pytest.approx(10)
    assert clock.sleeps == []


@needs_redis
def test_the_limiter_is_shared_through_redis_when_the_cache_is_redis():
    assert isinstance(limiter_for(Plan.PRO), RedisRateLimiter)


@needs_redis
def test_redis_limiter_honours_daily_caps_and_pauses(monkeypatch, clock):
    monkeypatch.setitem(DAILY[Plan.FREE], Category.MEDIUM, 2)
    limiter = limiter_for(Plan.FREE, sleep=clock.sleep)
    key = f"acct-{uuid.uuid4().hex}"
    limiter.acquire(key, Category.MEDIUM)
    limiter.acquire(key, Category.MEDIUM)
    with pytest.raises(ZoomRateLimited) as caught:
        limiter.acquire(key, Category.MEDIUM)
    assert caught.value.daily is True

    other = f"acct-{uuid.uuid4().hex}"
    limiter.pause(other, Category.HEAVY, seconds=3600, daily=True)
    with pytest.raises(ZoomRateLimited) as paused:
        limiter.acquire(other, Category.HEAVY)
    assert 3590 < paused.value.retry_after <= 3600


@needs_redis
def test_redis_limiter_makes_a_burst_wait_for_the_next_window(clock):
    limiter = limiter_for(Plan.FREE, sleep=clock.sleep)
    key = f"acct-{uuid.uuid4().hex}"
    for _ in range(5):
        limiter.acquire(key, Category.LIGHT)
    # Four go at once; the fifth is told to wait about one window (1 s + margin).
    assert len(clock.sleeps) == 1
    assert 1.0 < clock.sleeps[0] <= 1.1


def _busiest_second(moments: list[float]) -> int:
    """The most requests inside any one-second window (Zoom counts its limits per second)."""
    return max(sum(1 for m in moments if first <= m < first + 1.0) for first in moments)


def test_a_big_budget_is_spread_so_zooms_second_never_fills(clock):
    """Business Medium (60/s): five at once, then evenly; never 60 inside one second, so our own
    requests never draw X-RateLimit-Remaining: 0 (which pauses every worker for a second)."""
    limiter = LocalRateLimiter(Plan.BUSINESS, clock=clock.time, sleep=clock.sleep)
    start = clock.now
    moments = []
    for _ in range(240):
        limiter.acquire("acct", Category.MEDIUM)
        moments.append(clock.now - start)
    assert moments[:5] == [0] * 5 and moments[5] > 0
    assert _busiest_second(moments) < 60
    # After the first five, one per 1.1 / 60 s: Zoom's rate, less the margin.
    assert moments[-1] == pytest.approx(235 * 1.1 / 60)


@needs_redis
def test_redis_limiter_spreads_a_big_budget_the_same_way(clock):
    limiter = limiter_for(Plan.BUSINESS, sleep=clock.sleep)
    key = f"acct-{uuid.uuid4().hex}"
    for _ in range(120):
        limiter.acquire(key, Category.MEDIUM)
    # The slots as the Lua script reserved them (Redis' clock, ms), not the waits: Redis' clock
    # moves on while the loop runs, and each wait is measured from a later moment.
    slots_key, _ = limiter._keys(key, Category.MEDIUM)
    slots = sorted(score / 1000 for _, score in limiter.redis.zrange(slots_key, 0, -1, withscores=True))
    assert len(slots) == 120
    # Five at once (as fast as the loop asks), the sixth a burst's share of the window later.
    assert slots[4] - slots[0] < 0.05 and slots[5] - slots[0] >= 5 * 1.1 / 60 - 0.001
    assert _busiest_second(slots) < 60
    # After the first five, one slot per 1.1 / 60 s: Zoom's rate less the margin (a slow loop
    # only spreads them further).
    assert 115 * 1.1 / 60 - 0.01 <= slots[-1] - slots[0] <= 115 * 1.1 / 60 + 0.3
