"""Which code handles which Zoom event, named by dotted path and imported only when needed.

`meetings` must not import the apps that come after it (recordings, attendance), so the table
names handlers instead of importing them. A handler is a plain function
    handle(*, event_type: str, body: dict, credential: Credential | None) -> None
that raises to have the event retried and returns to have it marked processed.
"""

from collections.abc import Callable
from enum import Enum
from importlib import import_module


class Route(Enum):
    STORED = "stored"  # the stored row is all there is to do (attendance reads it later)
    IGNORED = "ignored"  # an event ZoomHub does not use
    NOT_INSTALLED = "not_installed"  # a handler is planned but its module/function is not there yet


# Handler functions are named after the event: "meeting.started" -> meeting_started.
HANDLERS: dict[str, str | Route] = {
    "meeting.started": "meetings.event_handlers.meeting_started",
    "meeting.ended": "meetings.event_handlers.meeting_ended",
    "meeting.updated": "meetings.event_handlers.meeting_updated",
    "meeting.deleted": "meetings.event_handlers.meeting_deleted",
    "meeting.participant_joined": Route.STORED,
    "meeting.participant_left": Route.STORED,
    "recording.completed": "recordings.event_handlers.recording_completed",
    "recording.trashed": "recordings.event_handlers.recording_trashed",
    "recording.deleted": "recordings.event_handlers.recording_deleted",
    "app_deauthorized": "meetings.webhooks.handlers.app_deauthorized",
}

Handler = Callable[..., None]


def _import(dotted: str) -> Handler | None:
    """The function at `dotted`, or None when its module or the function does not exist yet.

    An ImportError raised *inside* an existing handler module is a bug, not a missing
    handler: it propagates so the event fails visibly instead of waiting forever.
    """
    module_path, _, name = dotted.rpartition(".")
    try:
        module = import_module(module_path)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if module_path == missing or module_path.startswith(missing + "."):
            return None
        raise
    return getattr(module, name, None)


def resolve(event_type: str) -> Handler | Route:
    """The handler for `event_type`, or the route saying why there is none to call."""
    target = HANDLERS.get(event_type, Route.IGNORED)
    if isinstance(target, Route):
        return target
    handler = _import(target)
    return Route.NOT_INSTALLED if handler is None else handler
