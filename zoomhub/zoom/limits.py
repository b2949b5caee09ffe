"""Zoom's published rate limits, shared by our client's limiter and the sandbox.

https://developers.zoom.us/docs/api/rate-limits/ (per account, shared by every app on it).
"""

from enum import StrEnum


class Category(StrEnum):
    LIGHT = "Light"
    MEDIUM = "Medium"
    HEAVY = "Heavy"
    RESOURCE_INTENSIVE = "Resource-intensive"


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"
    BUSINESS = "business"  # Business, Education, Enterprise and up


# Requests per second, by plan and category. Resource-intensive is per minute on Zoom's
# page (Pro 10/min, Business 20/min); it is stored here as a per-second rate.
PER_SECOND = {
    Plan.FREE: {
        Category.LIGHT: 4,
        Category.MEDIUM: 2,
        Category.HEAVY: 1,
        Category.RESOURCE_INTENSIVE: 1 / 60,
    },
    Plan.PRO: {
        Category.LIGHT: 30,
        Category.MEDIUM: 20,
        Category.HEAVY: 10,
        Category.RESOURCE_INTENSIVE: 10 / 60,
    },
    Plan.BUSINESS: {
        Category.LIGHT: 80,
        Category.MEDIUM: 60,
        Category.HEAVY: 40,
        Category.RESOURCE_INTENSIVE: 20 / 60,
    },
}

# Daily caps. Free has one per category; paid plans share one pool between Heavy and
# Resource-intensive. None means no published daily cap.
DAILY = {
    Plan.FREE: {Category.LIGHT: 6000, Category.MEDIUM: 2000, Category.HEAVY: 1000},
    Plan.PRO: {Category.HEAVY: 30000, Category.RESOURCE_INTENSIVE: 30000},
    Plan.BUSINESS: {Category.HEAVY: 60000, Category.RESOURCE_INTENSIVE: 60000},
}
HEAVY_POOL_SHARED = (Category.HEAVY, Category.RESOURCE_INTENSIVE)

# Meeting create/update requests per host user per day, reset at 00:00 UTC.
MEETING_CREATE_UPDATE_PER_USER_PER_DAY = 100
DAILY_MEETING_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted "
    "for this particular user. You may resume these requests at GMT 00:00:00."
)

# Which category an endpoint belongs to, by method and path pattern (first match wins).
# {id} matches one path segment. Unlisted endpoints count as Medium, the common case.
ENDPOINT_CATEGORIES: list[tuple[str, str, Category]] = [
    ("GET", "/users/{id}/recordings", Category.MEDIUM),
    ("GET", "/meetings/{id}/recordings", Category.LIGHT),
    ("GET", "/users", Category.MEDIUM),
    ("GET", "/users/{id}", Category.LIGHT),
    ("GET", "/accounts", Category.MEDIUM),
    ("POST", "/users/{id}/meetings", Category.MEDIUM),
    ("GET", "/users/{id}/meetings", Category.MEDIUM),
    ("GET", "/meetings/{id}", Category.LIGHT),
    ("PATCH", "/meetings/{id}", Category.LIGHT),
    ("DELETE", "/meetings/{id}", Category.LIGHT),
    ("GET", "/report/meetings/{id}/participants", Category.HEAVY),
    ("GET", "/past_meetings/{id}/participants", Category.MEDIUM),
    ("GET", "/past_meetings/{id}/instances", Category.MEDIUM),
    ("GET", "/past_meetings/{id}", Category.LIGHT),
    ("POST", "/users/{id}/webinars", Category.MEDIUM),
    ("GET", "/webinars/{id}", Category.LIGHT),
    ("PATCH", "/webinars/{id}", Category.LIGHT),
    ("DELETE", "/webinars/{id}", Category.LIGHT),
    ("GET", "/report/webinars/{id}/participants", Category.HEAVY),
    ("GET", "/past_webinars/{id}/absentees", Category.MEDIUM),
]


def category_for(method: str, path: str) -> Category:
    """The rate-limit category of a request; `path` is relative to the API base (/users/me)."""
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    for pattern_method, pattern, category in ENDPOINT_CATEGORIES:
        if pattern_method != method.upper():
            continue
        pattern_segments = [s for s in pattern.split("/") if s]
        if len(pattern_segments) != len(segments):
            continue
        if all(p == "{id}" or p == s for p, s in zip(pattern_segments, segments, strict=True)):
            return category
    return Category.MEDIUM
