"""What happens to recordings, announced for the apps that act on it.

recording_completed(recording, created)  Zoom's recording.completed brought a new recording or new
    files: `recording` is the Recording (files upserted, downloads queued when its source asks);
    `created` is False for a recording a sync had already found. A redelivery sends nothing. Sent with sender=Recording once the change
    has committed, with `send_robust` (a receiver's error is logged and undoes nothing).
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from recordings.models import Recording

logger = logging.getLogger(__name__)

recording_completed = Signal()


def send_on_commit(signal: Signal, *, recording: Recording, **arguments) -> None:
    def send() -> None:
        for receiver, result in signal.send_robust(sender=Recording, recording=recording, **arguments):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %s of a recording signal failed for recording %s",
                    getattr(receiver, "__qualname__", receiver),
                    recording.pk,
                    exc_info=result,
                )

    if signal.has_listeners(sender=Recording):  # receivers connect at start-up, before any send
        transaction.on_commit(send)
