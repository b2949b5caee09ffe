"""What happens to attendance, announced for the apps that act on it (they connect in their ready()).

attendance_decided(session, status)  a held lesson's status (completed, no show, teacher absent,
    never took place) was decided or changed: computed from Zoom's data, or set or cleared by
    staff. Not sent while it is still pending, nor when a recomputation keeps the same status.
    Sent with sender=Session once the change has committed, with `send_robust` (a receiver's
    error is logged and undoes nothing).
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from attendance.computation import SessionStatus
from attendance.models import Session

logger = logging.getLogger(__name__)

attendance_decided = Signal()


def announce_if_decided(*, session: Session, status_before: str) -> None:
    """Send attendance_decided after the commit when the session's status moved to a decided one."""
    if session.status == status_before or session.status == SessionStatus.PENDING:
        return
    if not attendance_decided.has_listeners(sender=Session):  # receivers connect at start-up
        return

    def send() -> None:
        for receiver, result in attendance_decided.send_robust(
            sender=Session, session=session, status=session.status
        ):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %s of attendance_decided failed for session %s",
                    getattr(receiver, "__qualname__", receiver),
                    session.pk,
                    exc_info=result,
                )

    transaction.on_commit(send)
