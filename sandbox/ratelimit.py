"""Zoom's rate limits per account: per-second (per-minute for Resource-intensive) and daily.

https://developers.zoom.us/docs/api/rate-limits/ — limits from zoomhub.zoom.limits, the table
both our client's limiter and this sandbox follow. Windows are fixed (one second, one minute,
one UTC day) and read the sandbox clock, so a frozen clock makes them deterministic.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from sandbox.clock import Clock, iso
from zoomhub.zoom.limits import DAILY, HEAVY_POOL_SHARED, PER_SECOND, Category, Plan

# Both messages as on Zoom's rate-limits page.
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."


@dataclass
class Verdict:
    allowed: bool
    headers: dict[str, str]
    body: dict | None = None


@dataclass
class RateLimiter:
    clock: Clock
    windows: dict[tuple, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.windows.clear()

    def check(self, *, account_id: str, plan: str, category: Category) -> Verdict:
        now = self.clock.time()
        plan_limits = PER_SECOND[Plan(plan)]
        if category == Category.RESOURCE_INTENSIVE:
            window_seconds, limit = 60, max(1, round(plan_limits[category] * 60))
        else:
            window_seconds, limit = 1, max(1, math.floor(plan_limits[category]))
        window = (account_id, category.value, "qps", int(now // window_seconds))
        daily_cap = DAILY[Plan(plan)].get(category)
        day = self.clock.now().date()
        pool = "heavy-pool" if plan != Plan.FREE and category in HEAVY_POOL_SHARED else category.value
        daily_key = (account_id, pool, "day", day.isoformat())

        used_now = self.windows.get(window, 0)
        used_today = self.windows.get(daily_key, 0)
        if daily_cap is not None and used_today >= daily_cap:
            reset_at = iso(
                self.clock.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
            )
            return Verdict(
                False,
                {
                    "X-RateLimit-Category": category.value,
                    "X-RateLimit-Type": "Daily-limit",
                    "X-RateLimit-Limit": str(daily_cap),
                    "X-RateLimit-Remaining": "0",
                    "Retry-After": reset_at,
                },
                {
                    "code": 429,
                    "message": DAILY_MESSAGE,
                },
            )
        if used_now >= limit:
            retry_after = max(1, math.ceil((int(now // window_seconds) + 1) * window_seconds - now))
            return Verdict(
                False,
                {
                    "X-RateLimit-Category": category.value,
                    "X-RateLimit-Type": "QPS",
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": "0",
                    "Retry-After": str(retry_after),
                },
                {"code": 429, "message": QPS_MESSAGE},
            )
        if len(self.windows) > 50_000:
            self.windows = {k: v for k, v in self.windows.items() if k[2] == "day"}
        self.windows[window] = used_now + 1
        self.windows[daily_key] = used_today + 1
        if daily_cap is not None:
            headers = {
                "X-RateLimit-Category": category.value,
                "X-RateLimit-Type": "Daily-limit",
                "X-RateLimit-Limit": str(daily_cap),
                "X-RateLimit-Remaining": str(daily_cap - used_today - 1),
            }
        else:
            headers = {
                "X-RateLimit-Category": category.value,
                "X-RateLimit-Type": "QPS",
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": str(limit - used_now - 1),
            }
        return Verdict(True, headers)
