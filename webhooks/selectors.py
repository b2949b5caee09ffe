"""Reads of the webhook event log that other parts use."""

from django.db.models import QuerySet

from webhooks.models import WebhookEvent


def webhook_events_for_meeting(
    *, zoom_meeting_id: str | int | None = None, zoom_meeting_uuid: str | None = None
) -> QuerySet[WebhookEvent]:
    """Events about one Zoom meeting (every occurrence) or one held instance (its UUID), oldest first.

    Events for meetings created directly in Zoom are kept too, so the lessons import can link
    them later. Both arguments together narrow to that instance of that meeting.
    """
    if zoom_meeting_id in (None, "") and not zoom_meeting_uuid:
        raise ValueError("Give a Zoom meeting ID or a meeting UUID.")
    events = WebhookEvent.objects.all()
    if zoom_meeting_id not in (None, ""):
        events = events.filter(zoom_meeting_id=str(zoom_meeting_id))
    if zoom_meeting_uuid:
        events = events.filter(zoom_meeting_uuid=zoom_meeting_uuid)
    return events.order_by("event_ts", "id")
