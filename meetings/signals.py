"""What happens to a lesson, announced for the apps that act on it (they connect in their ready()).

Every signal is sent with sender=Meeting, once the transaction that made the change has
committed (so a receiver never sees a change that was rolled back), and with `send_robust`:
one receiver's error is logged and does not stop the others or undo the change.

lesson_scheduled(meeting, actor, from_zoom)   a lesson was created (by staff, or imported from Zoom)
lesson_changed(meeting, actor, from_zoom, rescheduled)
                                              a lesson's time, topic, people or settings changed;
                                              rescheduled is True when its time moved
lesson_cancelled(meeting, actor, from_zoom)   a lesson was cancelled here, or deleted in Zoom
lesson_started(meeting, zoom_uuid, started_at)  Zoom says a held instance began
lesson_ended(meeting, zoom_uuid, ended_at)      Zoom says a held instance ended
webinar_registrant_approved(meeting, registrant)
                                              a webinar's registrant was approved (here, by Zoom's
                                              automatic approval, or by staff in Zoom)
webinar_registrant_withdrawn(meeting, registrant)
                                              a registrant was denied or their registration cancelled

`actor` is the staff user who made the change (None when Zoom did); `from_zoom` is True when
the change came from Zoom (webhook or import) rather than from ZoomHub's pages or API.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

from meetings.models import Meeting

logger = logging.getLogger(__name__)

lesson_scheduled = Signal()
lesson_changed = Signal()
lesson_cancelled = Signal()
lesson_started = Signal()
lesson_ended = Signal()
webinar_registrant_approved = Signal()
webinar_registrant_withdrawn = Signal()


def send_on_commit(signal: Signal, *, meeting: Meeting, **arguments) -> None:
    """Send `signal` for `meeting` after the current transaction commits (at once outside one)."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=Meeting, meeting=meeting, **arguments):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %s of a lesson signal failed for lesson %s",
                    getattr(receiver, "__qualname__", receiver),
                    meeting.pk,
                    exc_info=result,
                )

    if signal.has_listeners(sender=Meeting):  # receivers connect at start-up, before any send
        transaction.on_commit(send)
