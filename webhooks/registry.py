"""Which code handles which Zoom event: filled by the apps at start-up, checked before serving.

The webhooks app knows no product app. Each app that uses an event registers its handler in
its `AppConfig.ready()` and lists the events it subscribes to in `AppConfig.zoom_webhook_events`;
the system check in webhooks/checks.py refuses to start when a subscribed event has no handler.
Handlers are functions, never dotted paths: a renamed handler then fails where it is imported,
in `ready()`, instead of at the first delivery. An event no installed app registered for is
kept as "unhandled", and the sweep hands it over once a later deployment registers a handler.

A handler is a plain function
    handle(*, event_type: str, body: dict, credential: Credential | None) -> None
that raises to have the event retried and returns to have it marked processed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import ImproperlyConfigured

Handler = Callable[..., None]


class Route(Enum):
    STORED = "stored"  # the stored row is all there is to do (an app reads it later)
    UNHANDLED = "unhandled"  # no installed app registered for this event


@dataclass(frozen=True)
class Registration:
    event_type: str
    handler: Handler | Route  # a function, or STORED
    app_label: str


class HandlerRegistry:
    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}

    def register(self, event_type: str, handler: Handler, *, app_label: str) -> None:
        """`handler` handles `event_type`; one app per event, so two claims are a start-up error."""
        if not callable(handler):
            raise ImproperlyConfigured(
                f"The handler of Zoom event {event_type!r} registered by {app_label!r} must be a "
                f"function, not {handler!r}."
            )
        self._add(Registration(event_type=event_type, handler=handler, app_label=app_label))

    def register_stored(self, event_type: str, *, app_label: str) -> None:
        """Keeping the event is all `app_label` needs (it reads the stored rows later)."""
        self._add(Registration(event_type=event_type, handler=Route.STORED, app_label=app_label))

    def _add(self, registration: Registration) -> None:
        existing = self.registrations.get(registration.event_type)
        if existing is not None and existing != registration:
            raise ImproperlyConfigured(
                f"Zoom event {registration.event_type!r} is registered by {existing.app_label!r} and "
                f"{registration.app_label!r}; one app handles each event."
            )
        self.registrations[registration.event_type] = registration

    def resolve(self, event_type: str) -> Handler | Route:
        """The handler for `event_type`, STORED, or UNHANDLED when no app registered one."""
        registration = self.registrations.get(event_type)
        if registration is None:
            return Route.UNHANDLED
        return registration.handler

    def has_handler(self, event_type: str) -> bool:
        return event_type in self.registrations


handlers = HandlerRegistry()
