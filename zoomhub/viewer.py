"""The zone of the person reading a page, when it is not the school's: their clock is added to
lesson times (meetings.timezones.format_lesson_time). Set per request by the user's preference."""

from asgiref.local import Local

_viewer = Local()


def activate_viewer_zone(name: str | None) -> None:
    """The reader's zone for this request or thread; None: none."""
    _viewer.zone = name or None


def viewer_zone_name() -> str | None:
    return getattr(_viewer, "zone", None)
