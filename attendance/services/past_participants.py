"""Zoom's participant list of one past meeting, as programs ask for it by meeting ID or UUID.

The attendance endpoint other programs call (`POST /api/zoom/get-meeting-attendees`) answers
Zoom's own rows of GET /past_meetings/{id}/participants, every page, through the account's shared
token and rate limiter (never a token per call).
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.services import credential_client
from attendance.models import Session
from meetings.models import Meeting
from zoomhub.zoom.client import meeting_path_id

# A meeting ID (9 to 11 digits) or an instance UUID (base64: letters, digits, + / =).
MEETING_REFERENCE = re.compile(r"\d{5,20}|[A-Za-z0-9+/=]{10,100}")


class UnknownAccount(Exception):
    """Which connected account held the meeting cannot be told; the message says why."""


def account_for_meeting(zoom_call_id: str) -> Credential:
    """The account whose lesson (or held session) this is; else the school's only usable account."""
    meetings = Meeting.objects.select_related("host__credential")
    lesson = None
    if zoom_call_id.isdigit():
        lesson = meetings.filter(zoom_meeting_id=int(zoom_call_id)).first()
    if lesson is None:
        session = (
            Session.objects.select_related("meeting__host__credential").filter(zoom_uuid=zoom_call_id).first()
        )
        lesson = session.meeting if session is not None else None
    if lesson is None:
        lesson = meetings.filter(Q(zoom_uuid=zoom_call_id) & ~Q(zoom_uuid="")).first()
    if lesson is not None:
        return lesson.host.credential
    usable = list(Credential.objects.filter(status=Credential.Status.ACTIVE).order_by("id")[:2])
    if len(usable) == 1:
        return usable[0]
    if not usable:
        raise UnknownAccount(_("No usable Zoom account is connected."))
    raise UnknownAccount(
        _("No lesson here has the Zoom meeting %(id)s, and several Zoom accounts are connected.")
        % {"id": zoom_call_id}
    )


def past_meeting_participants(*, zoom_call_id: str) -> dict:
    """{"total_records", "participants"}: every row Zoom lists, all pages. Raises ZoomError, UnknownAccount."""
    credential = account_for_meeting(zoom_call_id)
    client = credential_client(credential=credential)
    rows = list(
        client.paginate(
            f"/past_meetings/{meeting_path_id(zoom_call_id)}/participants", items_key="participants"
        )
    )
    return {"total_records": len(rows), "participants": rows}
