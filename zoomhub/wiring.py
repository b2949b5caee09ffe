"""Signal receivers the apps connect at start-up, remembered so a check sees they stay connected.

Apps connect receivers with `connect()` from their `AppConfig.ready()`, importing the signal and
the receiver by name, so a renamed one stops the start with an ImportError or AttributeError.
A receiver that is connected and later lost (disconnected, or a weak reference collected) is
caught by the system check below: nothing that should react to an event can silently stop.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import checks
from django.dispatch import Signal


@dataclass(frozen=True)
class Connection:
    signal: Signal
    signal_name: str
    receiver_name: str
    dispatch_uid: str
    app_label: str


connections: dict[str, Connection] = {}


def connect(signal: Signal, receiver: Callable, *, signal_name: str, app_label: str) -> None:
    """Connect `receiver` for good (a strong reference) and remember that `app_label` needs it."""
    receiver_name = f"{receiver.__module__}.{receiver.__qualname__}"
    dispatch_uid = f"{app_label}:{signal_name}:{receiver_name}"
    signal.connect(receiver, weak=False, dispatch_uid=dispatch_uid)
    connections[dispatch_uid] = Connection(
        signal=signal,
        signal_name=signal_name,
        receiver_name=receiver_name,
        dispatch_uid=dispatch_uid,
        app_label=app_label,
    )


def is_connected(connection: Connection) -> bool:
    # Signal.receivers holds (lookup_key, receiver, is_async); lookup_key[0] is the dispatch_uid.
    return any(entry[0][0] == connection.dispatch_uid for entry in connection.signal.receivers)


@checks.register()
def check_signal_receivers(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"{connection.receiver_name} of app {connection.app_label!r} is no longer connected to "
            f"{connection.signal_name}.",
            hint="Something disconnected it after start-up; connect receivers only with zoomhub.wiring.connect().",
            obj=connection.app_label,
            id="zoomhub.E001",
        )
        for connection in connections.values()
        if not is_connected(connection)
    ]
