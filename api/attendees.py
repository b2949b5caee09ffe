"""POST /api/zoom/get-meeting-attendees — the attendance endpoint other programs already call.

Body `{"zoomCallId": <meeting ID or UUID>}`, answer `{"participants": [...]}`: Zoom's own rows of
the past meeting's participant list, every page, fetched through ZoomHub's shared token cache and
rate limiter. When Zoom refuses, the answer is the API's JSON error naming the cause (the meeting
is unknown or not over, a scope is missing, the account's keys were refused, Zoom is busy or down),
never a bare 500. Authentication: an API token (read is enough), or a signed-in staff session.
"""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import field_validator

from accounts.services import CredentialUnusable
from api.auth import READ
from api.errors import ApiError, responses
from api.parsing import InputSchema
from attendance.services.past_participants import (
    MEETING_REFERENCE,
    UnknownAccount,
    past_meeting_participants,
)
from zoomhub.zoom.errors import (
    ZoomConnectionError,
    ZoomError,
    ZoomNotFound,
    ZoomPermissionError,
    ZoomRateLimited,
    ZoomServerError,
)

router = Router(tags=["zoom-compatible"])


class AttendeesIn(InputSchema):
    zoomCallId: int | str = Field(  # the calling program's own name
        ..., description="The Zoom meeting ID (its latest held instance) or one instance's UUID."
    )

    @field_validator("zoomCallId")
    @classmethod
    def _reference(cls, value: int | str) -> str:
        text = str(value).strip()
        if isinstance(value, bool) or not MEETING_REFERENCE.fullmatch(text):
            raise ValueError("a Zoom meeting ID (digits) or meeting UUID")
        return text


class AttendeesOut(Schema):
    total_records: int
    participants: list[dict] = Field(
        ...,
        description="Zoom's rows as Zoom sends them: id, user_id, name, user_email, join_time, "
        "leave_time, duration (seconds), registrant_id, failover, status.",
    )


def _refusal(error: ZoomError, reference: str) -> ApiError:
    """The API error that names why Zoom did not give the list."""
    said = getattr(error, "message", "") or str(error)
    if isinstance(error, CredentialUnusable):
        return ApiError(409, said, code="zoom_account_unusable")
    if isinstance(error, ZoomNotFound):
        return ApiError(
            404,
            _("Zoom has no ended meeting %(id)s (it never took place, or has not ended yet): %(zoom)s")
            % {"id": reference, "zoom": said},
            code="zoom_meeting_not_found",
        )
    if isinstance(error, ZoomPermissionError):
        scopes = ", ".join(error.missing_scopes)
        message = (
            _("Zoom refused the list: the app lacks the scope %(scopes)s.") % {"scopes": scopes}
            if scopes
            else _("Zoom refused the list: %(zoom)s") % {"zoom": said}
        )
        return ApiError(403, message, code="zoom_permission")
    if isinstance(error, ZoomRateLimited):
        return ApiError(429, _("Zoom's rate limit is reached; try again later: %(zoom)s") % {"zoom": said})
    if isinstance(error, ZoomServerError | ZoomConnectionError):
        return ApiError(502, _("Zoom could not answer: %(zoom)s") % {"zoom": said}, code="zoom_unavailable")
    return ApiError(502, _("Zoom refused the list: %(zoom)s") % {"zoom": said}, code="zoom_refused")


@router.post(
    "/get-meeting-attendees",
    auth=READ,
    response=responses({200: AttendeesOut}, 403, 404, 409, 429, 502),
    summary="Participants of a past Zoom meeting",
)
def get_meeting_attendees(request, payload: AttendeesIn):
    """Zoom's participants of a past meeting (`GET /past_meetings/{id}/participants`), all pages."""
    reference = str(payload.zoomCallId)
    try:
        return past_meeting_participants(zoom_call_id=reference)
    except UnknownAccount as error:
        raise ApiError(400, str(error), code="unknown_account", fields={"zoomCallId": str(error)}) from None
    except ZoomError as error:
        raise _refusal(error, reference) from None
