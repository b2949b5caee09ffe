"""What happens to a connected Zoom account, announced for the apps that act on it.

Sent with sender=Credential after the change has committed, with `send_robust` (a receiver's
error is logged and undoes nothing).

credential_deauthorized(credential, by_zoom)  the account's authorization is gone for good:
    staff disconnected it (by_zoom=False) or the Zoom user removed ZoomHub's app (by_zoom=True,
    Zoom's app_deauthorized event). Its tokens are deleted and it makes no more calls.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from accounts.models import Credential

logger = logging.getLogger(__name__)

credential_deauthorized = Signal()


def send_on_commit(signal: Signal, *, credential: Credential, **arguments) -> None:
    def send() -> None:
        for receiver, result in signal.send_robust(sender=Credential, credential=credential, **arguments):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %s of a credential signal failed for credential %s",
                    getattr(receiver, "__qualname__", receiver),
                    credential.pk,
                    exc_info=result,
                )

    if signal.has_listeners(sender=Credential):  # receivers connect at start-up, before any send
        transaction.on_commit(send)
