"""/api/zoom/ — the routes of a Cal-style Zoom integration, over ZoomHub's own services.

A program written for such an integration (OAuth connect, meetings with `{topic, startTime,
duration}`, a webhook endpoint) keeps its paths, bodies and answers:

| its route | ZoomHub's own |
|---|---|
| GET /api/zoom/auth, GET /api/zoom/auth/callback | /api/v1/oauth/zoom/authorize, /callback |
| POST /api/zoom/meetings → `{meeting}` | POST /api/v1/meetings |
| GET /api/zoom/meetings?status&startDate&endDate → `{meetings}` | GET /api/v1/meetings |
| POST /api/zoom/webhook | /webhooks/zoom/oauth/ (the OAuth app's events) |

Everything goes through the same services as /api/v1/ (meetings.services.meeting_schedule,
the outbox, accounts.services' OAuth connect, the webhook intake); only names and shapes differ.
Statuses are the integration's upper-case enum (SCHEDULED, STARTED, ENDED, CANCELED), accepted
in any case.
"""

import datetime as dt
import logging
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from accounts.views import oauth_callback
from api.auth import READ, WRITE, caller
from api.common import utc_iso
from api.errors import responses, validation_failed
from api.meeting_filters import DayOrInstant, filter_meetings
from api.meeting_inputs import find_host, start_from_input, zoom_settings_from_input
from api.meeting_schemas import ZoomSettingsIn
from api.meetings import _meetings
from api.oauth import start_for_caller
from api.pagination import PageParams, paginate
from api.parsing import InputSchema, accepts_any_query
from meetings import outbox, services
from meetings.models import Meeting
from meetings.timezones import school_timezone_name
from recordings.models import Recording
from webhooks.views import oauth_app_webhook

logger = logging.getLogger(__name__)

router = Router(tags=["zoom-compatible"])

UpperStatus = Literal["SCHEDULED", "STARTED", "ENDED", "CANCELED"]


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class ZoomMeetingIn(InputSchema):
    topic: str = Field(..., max_length=200)
    startTime: dt.datetime = Field(..., description="The start with its offset, e.g. 2026-02-25T13:00:00Z.")
    duration: int = Field(..., ge=-(2**31), le=2**31, description="Minutes, 1 to 1440.")
    # ZoomHub's additions, all optional.
    timezone: str | None = Field(
        None, max_length=64, description="IANA name Zoom shows the meeting in; default the school's."
    )
    host: str | None = Field(
        None,
        max_length=254,
        description="Zoom user ID or email of the host; default the only host ZoomHub knows.",
    )
    settings: ZoomSettingsIn | None = None


class ZoomMeetingOut(Schema):
    id: int = Field(..., description="ZoomHub's lesson id.")
    userId: str | None = Field(..., description="The ZoomHub user who created it.")
    meetingId: str | None = Field(..., description="Zoom's meeting ID; null until Zoom has it.")
    topic: str
    status: UpperStatus
    startTime: str = Field(..., description="UTC.")
    duration: int
    joinUrl: str | None = Field(..., description="null until Zoom has the meeting.")
    password: str
    settings: dict
    recordingUrl: str | None = Field(
        ..., description="ZoomHub's recordings of this lesson (GET, same authentication), once any."
    )
    metadata: dict
    createdAt: str
    updatedAt: str


class MeetingCreated(Schema):
    meeting: ZoomMeetingOut


class MeetingList(Schema):
    meetings: list[ZoomMeetingOut]
    nextCursor: str | None = Field(
        ..., description="More lessons match: pass it as `cursor` for the next page."
    )


class ZoomMeetingFilters(InputSchema):
    status: Annotated[UpperStatus | None, BeforeValidator(_upper)] = Field(
        None, description="SCHEDULED, STARTED, ENDED or CANCELED, in any case."
    )
    startDate: DayOrInstant = None
    endDate: DayOrInstant = None


def zoom_meeting_out(request, meeting: Meeting) -> dict:
    has_recording = getattr(meeting, "has_recording", False)
    return {
        "id": meeting.pk,
        "userId": str(meeting.created_by_id) if meeting.created_by_id else None,
        "meetingId": str(meeting.zoom_meeting_id) if meeting.zoom_meeting_id else None,
        "topic": meeting.topic,
        "status": meeting.status.upper(),
        "startTime": utc_iso(meeting.start_at),
        "duration": meeting.duration,
        "joinUrl": meeting.join_url or None,
        "password": meeting.password,
        "settings": {
            "waiting_room": meeting.waiting_room,
            "join_before_host": meeting.join_before_host,
            "mute_upon_entry": meeting.mute_upon_entry,
            "auto_recording": meeting.auto_recording,
            "alternative_hosts": [e for e in meeting.alternative_hosts.split(",") if e],
        },
        "recordingUrl": (
            request.build_absolute_uri(f"{reverse('api-v1:list_recordings')}?meeting={meeting.pk}")
            if has_recording
            else None
        ),
        "metadata": {
            "timezone": meeting.timezone,
            "host": {"zoom_user_id": meeting.host.zoom_id, "email": meeting.host.email},
            "push_state": meeting.push_state,
            "push_error": meeting.push_error,
            "api_url": request.build_absolute_uri(reverse("api-v1:get_meeting", args=[meeting.pk])),
        },
        "createdAt": utc_iso(meeting.created_at),
        "updatedAt": utc_iso(meeting.updated_at),
    }


def _with_recordings(meetings):
    return meetings.annotate(has_recording=Exists(Recording.objects.filter(meeting=OuterRef("pk"))))


@router.get(
    "/auth",
    auth=WRITE,
    response=responses({}, 409),
    openapi_extra={"responses": {"302": {"description": "To Zoom's consent page."}}},
)
def zoom_auth(request):
    """Start "Connect with Zoom": a redirect to Zoom's consent page (the same flow as
    /api/v1/oauth/zoom/authorize). Zoom comes back to /api/zoom/auth/callback unless the OAuth
    app is configured with another redirect URI."""
    url, _redirect_uri = start_for_caller(request, callback_url_name="api-zoom:zoom_auth_callback")
    return HttpResponseRedirect(url)


@router.get(
    "/auth/callback",
    auth=None,
    url_name="zoom_auth_callback",
    openapi_extra={"responses": {"302": {"description": "To the Zoom accounts page, with a message."}}},
)
@accepts_any_query
def zoom_auth_callback(request, code: str = "", state: str = ""):
    """Zoom's redirect back (query `code` and `state`): the same callback as /api/v1/oauth/zoom/callback."""
    return oauth_callback(request)


@router.post("/meetings", auth=WRITE, response=responses({200: MeetingCreated}))
def zoom_create_meeting(request, payload: ZoomMeetingIn):
    """Create a meeting: `{topic, startTime, duration}` → `{meeting}`. The lesson is saved, then
    created in Zoom before the answer (as the integration did); if Zoom cannot be reached it is
    kept, retried in the background, and `joinUrl` stays null until then."""
    zone = payload.timezone or school_timezone_name()
    if payload.startTime.tzinfo is None:  # a wall-clock time: in `timezone` (default the school's)
        moment = payload.startTime
        start = start_from_input(
            start_time=None, day=moment.date(), time=moment.time(), zone=zone, current=None
        )
    else:
        start = start_from_input(start_time=payload.startTime, day=None, time=None, zone=zone, current=None)
    plan = services.LessonPlan(
        host=find_host(payload.host),
        topic=payload.topic,
        start=start,
        duration=payload.duration,
        timezone=zone,
        zoom_settings=zoom_settings_from_input(payload.settings or ZoomSettingsIn()),
    )
    try:
        meeting = services.meeting_schedule(plan=plan, actor=caller(request).user)
    except ValidationError as error:
        raise validation_failed(error, field_names={"start_time": "startTime"}) from None
    try:
        outbox.meeting_push(meeting_id=meeting.pk)
    except Exception:
        # The lesson is saved and its push queued: the outbox sweep retries it.
        logger.exception("Creating lesson %s in Zoom at once failed; the outbox retries it", meeting.pk)
    return {"meeting": zoom_meeting_out(request, _with_recordings(_meetings()).get(pk=meeting.pk))}


@router.get("/meetings", auth=READ, response=responses({200: MeetingList}))
def zoom_list_meetings(request, filters: Query[ZoomMeetingFilters], page: Query[PageParams]):
    """Lessons by start time, earliest first: `?status=SCHEDULED&startDate=…&endDate=…` → `{meetings}`."""
    meetings = filter_meetings(
        _meetings(),
        status=filters.status.lower() if filters.status else None,
        start=filters.startDate,
        end=filters.endDate,
    )
    items, next_cursor = paginate(
        _with_recordings(meetings), order=("start_at", "id"), page=page, scope="zoom-meetings"
    )
    return {"meetings": [zoom_meeting_out(request, m) for m in items], "nextCursor": next_cursor}


@router.post(
    "/webhook",
    auth=None,
    response={200: None, **responses({}, 413, 503)},
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
    },
)
def zoom_webhook(request):
    """Zoom's event notifications for the OAuth app (signed with OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN):
    the same intake as /webhooks/zoom/oauth/ — URL validation, signature check, stored once."""
    return oauth_app_webhook(request)
