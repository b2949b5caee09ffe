"""/api/v1/meetings/{id}/registrants — a webinar's registrants, approved or denied from ZoomHub.

Webinars themselves are meetings of `kind` "webinar" (api/meetings.py). Registrants arrive by
Zoom's webinar.registration_* events; `refresh` reads them from Zoom at once.
"""

from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from accounts.services import CredentialUnusable
from api.auth import READ, WRITE, caller
from api.common import Id, utc_iso
from api.errors import ApiError, responses
from meetings import webinars
from meetings.models import Meeting, WebinarRegistrant
from zoomhub.zoom.errors import ZoomError

router = Router(tags=["webinars"])


class RegistrantOut(Schema):
    id: int
    zoom_registrant_id: str
    email: str
    first_name: str
    last_name: str
    status: Literal["pending", "approved", "denied", "cancelled"]
    join_url: str | None = Field(..., description="Their own join link, once approved.")
    registered_at: str
    decided_at: str | None


class RegistrantList(Schema):
    items: list[RegistrantOut]


def registrant_out(registrant: WebinarRegistrant) -> dict:
    return {
        "id": registrant.pk,
        "zoom_registrant_id": registrant.zoom_registrant_id,
        "email": registrant.email,
        "first_name": registrant.first_name,
        "last_name": registrant.last_name,
        "status": registrant.status,
        "join_url": registrant.join_url or None,
        "registered_at": utc_iso(registrant.registered_at),
        "decided_at": utc_iso(registrant.decided_at) if registrant.decided_at else None,
    }


def _webinar(meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("host__credential"), pk=meeting_id)
    if not meeting.is_webinar:
        raise ApiError(
            409, _("Meeting %(id)s is a lesson, not a webinar.") % {"id": meeting_id}, code="not_a_webinar"
        )
    return meeting


def _listed(meeting: Meeting) -> dict:
    return {"items": [registrant_out(r) for r in meeting.registrants.all()]}


@router.get("/meetings/{meeting_id}/registrants", auth=READ, response=responses({200: RegistrantList}, 404))
def list_registrants(request, meeting_id: Id):
    """A webinar's registrants, in the order they registered (a lesson has none)."""
    return _listed(get_object_or_404(Meeting, pk=meeting_id))


@router.post(
    "/meetings/{meeting_id}/registrants/refresh",
    auth=WRITE,
    response=responses({200: RegistrantList}, 404, 409, 502),
)
def refresh_registrants(request, meeting_id: Id):
    """Read the webinar's registrants from Zoom now (Zoom's events keep them current otherwise)."""
    meeting = _webinar(meeting_id)
    try:
        webinars.registrants_refresh(meeting=meeting)
    except CredentialUnusable as error:
        raise ApiError(409, str(error), code="zoom_account_unusable") from None
    except ZoomError as error:
        raise ApiError(502, _("Zoom answered: %(message)s") % {"message": error}) from None
    return _listed(meeting)


def _decide(request, registrant_id: int, action: str) -> dict:
    registrant = get_object_or_404(
        WebinarRegistrant.objects.select_related("webinar__host__credential"), pk=registrant_id
    )
    try:
        webinars.registrant_decide(registrant=registrant, action=action, actor=caller(request).user)
    except CredentialUnusable as error:
        raise ApiError(409, str(error), code="zoom_account_unusable") from None
    except ValidationError as error:
        raise ApiError(409, " ".join(error.messages), code="zoom_refused") from None
    return registrant_out(registrant)


# One registrant by its own id (it names its webinar), as Zoom's PUT .../registrants/status decides it.
@router.post(
    "/meetings/registrants/{registrant_id}/approve",
    auth=WRITE,
    response=responses({200: RegistrantOut}, 404, 409),
)
def approve_registrant(request, registrant_id: Id):
    """Approve a registrant in Zoom: Zoom emails them their own join link, also in the answer."""
    return _decide(request, registrant_id, "approve")


@router.post(
    "/meetings/registrants/{registrant_id}/deny",
    auth=WRITE,
    response=responses({200: RegistrantOut}, 404, 409),
)
def deny_registrant(request, registrant_id: Id):
    """Deny a registrant in Zoom."""
    return _decide(request, registrant_id, "deny")


@router.post(
    "/meetings/registrants/{registrant_id}/cancel",
    auth=WRITE,
    response=responses({200: RegistrantOut}, 404, 409),
)
def cancel_registrant(request, registrant_id: Id):
    """Cancel an approved registrant's registration in Zoom."""
    return _decide(request, registrant_id, "cancel")
