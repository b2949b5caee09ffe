"""Which code handles which Zoom event: filled by the apps at start-up, checked before serving.

The webhooks app knows no product app. Each app that uses an event registers its handler in
its `AppConfig.ready()` and lists the events it subscribes to in `AppConfig.zoom_webhook_events`;
the system check in webhooks/checks.py refuses to start when a subscribed event has no handler
or a handler given by dotted path does not import. An event no installed app registered for is
kept as "unhandled", and the sweep hands it over once a later deployment registers a handler.

A handler is a plain function
    handle(*, event_type: str, body: dict, credential: Credential | None) -> None
that raises to have the event retried and returns to have it marked processed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

Handler = Callable[..., None]


class Route(Enum):
    STORED = "stored"  # the stored row is all there is to do (an app reads it later)
    UNHANDLED = "unhandled"  # no installed app registered for this event


@dataclass(frozen=True)
class Registration:
    event_type: str
    # A function, a dotted path to one (imported on first use, checked at start-up), or STORED.
    handler: Handler | str | Route
    app_label: str


class HandlerRegistry:
    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}

    def register(self, event_type: str, handler: Handler | str, *, app_label: str) -> None:
        """`handler` handles `event_type`; one app per event, so two claims are a start-up error."""
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
        """The handler for `event_type`, STORED, or UNHANDLED when no app registered one.

        A dotted path that does not import raises ImproperlyConfigured: the start-up check
        reports it too, so only a deployment that skipped the checks gets here, and then the
        event fails visibly and is retried instead of waiting silently.
        """
        registration = self.registrations.get(event_type)
        if registration is None:
            return Route.UNHANDLED
        return load(registration)

    def has_handler(self, event_type: str) -> bool:
        return event_type in self.registrations


def load(registration: Registration) -> Handler | Route:
    handler = registration.handler
    if isinstance(handler, str):
        try:
            handler = import_string(handler)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"The handler of Zoom event {registration.event_type!r} registered by "
                f"{registration.app_label!r} does not import: {error}"
            ) from error
    if not isinstance(handler, Route) and not callable(handler):
        raise ImproperlyConfigured(
            f"The handler of Zoom event {registration.event_type!r} registered by "
            f"{registration.app_label!r} is not callable."
        )
    return handler


handlers = HandlerRegistry()
