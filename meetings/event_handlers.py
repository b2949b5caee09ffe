"""Zoom meeting events for lessons, registered with the webhooks app in MeetingsConfig.ready().

Each handler has the contract's signature: handle(*, event_type, body, credential) -> None, where
`body` is the whole webhook JSON. Returning marks the event processed; raising has it retried.
Events about meetings ZoomHub does not know change nothing (the stored event stays for a later
import). Every handler is idempotent: a redelivered event finds the lesson already changed.
https://developers.zoom.us/docs/api/meetings/events/
"""

from accounts.models import Credential
from meetings import inbound, webinars
from meetings.models import Meeting


def _payload(body: dict) -> dict:
    payload = body.get("payload")
    return payload if isinstance(payload, dict) else {}


def _object(body: dict) -> dict:
    zoom_object = _payload(body).get("object")
    return zoom_object if isinstance(zoom_object, dict) else {}


def meeting_created(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_create_from_zoom(payload=_payload(body), credential=credential)


def meeting_started(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_mark_started(zoom_object=_object(body))


def meeting_ended(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_mark_ended(zoom_object=_object(body))


def meeting_updated(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_apply_zoom_update(payload=_payload(body))


def meeting_deleted(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_mark_deleted_in_zoom(payload=_payload(body))


def webinar_created(*, event_type: str, body: dict, credential: Credential | None) -> None:
    inbound.meeting_create_from_zoom(payload=_payload(body), credential=credential, kind=Meeting.Kind.WEBINAR)


def webinar_registration(*, event_type: str, body: dict, credential: Credential | None) -> None:
    webinars.registration_event(event_type=event_type, payload=_payload(body))


# Webinars share the meetings' ids, and their events the meetings' shapes
# (https://developers.zoom.us/docs/api/meetings/events/#tag/webinar): the lesson code handles both.
HANDLERS = {
    "meeting.created": meeting_created,
    "meeting.started": meeting_started,
    "meeting.ended": meeting_ended,
    "meeting.updated": meeting_updated,
    "meeting.deleted": meeting_deleted,
    "webinar.created": webinar_created,
    "webinar.started": meeting_started,
    "webinar.ended": meeting_ended,
    "webinar.updated": meeting_updated,
    "webinar.deleted": meeting_deleted,
    "webinar.registration_created": webinar_registration,
    "webinar.registration_approved": webinar_registration,
    "webinar.registration_denied": webinar_registration,
    "webinar.registration_cancelled": webinar_registration,
}
