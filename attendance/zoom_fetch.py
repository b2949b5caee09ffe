"""Zoom's participant data for one held meeting instance, and the instances of a meeting.

Only the calls and how to read Zoom's answers; services.py decides what to do with them.
https://developers.zoom.us/docs/api/meetings/#tag/reports (report API, paid plans, `report:read:…` scope)
https://developers.zoom.us/docs/api/meetings/#tag/meetings (past_meetings participants and instances)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zoomhub.zoom.client import ZoomClient, meeting_path_id
from zoomhub.zoom.errors import ZoomBadRequest, ZoomError, ZoomNotFound, ZoomPermissionError

# Zoom answers the report API with HTTP 400 and code 200 ("Only available for Paid or ZMP account",
# "No permission.") when the account's plan has no reports: the past-meeting list is the fallback.
REPORT_NOT_ON_PLAN_CODES = frozenset({200})


@dataclass(frozen=True)
class Rows:
    """Participant rows of every page; `rows` is None when Zoom has nothing yet (404 or empty)."""

    source: str  # "report" or "past_meetings"
    rows: list[dict] | None
    detail: str = ""  # Zoom's answer when it had nothing


def report_not_allowed(error: ZoomError) -> bool:
    """The account's plan or the app's scopes do not include the report API (so stop asking it)."""
    if isinstance(error, ZoomPermissionError):
        return True
    return isinstance(error, ZoomBadRequest) and error.code in REPORT_NOT_ON_PLAN_CODES


def _all_rows(client: ZoomClient, path: str, source: str) -> Rows:
    try:
        rows = list(client.paginate(path, items_key="participants"))
    except ZoomNotFound as error:
        # 3001 "Meeting does not exist" / "Meeting ID is invalid or not end": not there yet.
        return Rows(source, None, str(error))
    return Rows(source, rows or None, "" if rows else _("Zoom listed no participants yet."))


def report_participants(client: ZoomClient, zoom_uuid: str, *, webinar: bool = False) -> Rows:
    """GET /report/meetings/{uuid}/participants (a webinar's: /report/webinars/...), every page.
    Raises ZoomError for other failures."""
    kind = "webinars" if webinar else "meetings"
    return _all_rows(client, f"/report/{kind}/{meeting_path_id(zoom_uuid)}/participants", "report")


def past_meeting_participants(client: ZoomClient, zoom_uuid: str, *, webinar: bool = False) -> Rows:
    """GET /past_meetings/{uuid}/participants (/past_webinars/... for a webinar), every page: where
    reports are not available."""
    kind = "past_webinars" if webinar else "past_meetings"
    return _all_rows(client, f"/{kind}/{meeting_path_id(zoom_uuid)}/participants", "past_meetings")


@dataclass(frozen=True)
class Instance:
    uuid: str
    start_time: dt.datetime


def past_meeting_instances(client: ZoomClient, zoom_meeting_id: int | str) -> list[Instance]:
    """GET /past_meetings/{id}/instances: the held instances (UUID, start) of a meeting id."""
    try:
        body = client.get(f"/past_meetings/{meeting_path_id(zoom_meeting_id)}/instances")
    except ZoomNotFound:
        return []
    instances = []
    for item in body.get("meetings") or []:
        uuid = (item or {}).get("uuid")
        start = (item or {}).get("start_time")
        if not uuid or not start:
            continue
        try:
            moment = dt.datetime.fromisoformat(str(start))
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        instances.append(Instance(uuid=str(uuid), start_time=moment))
    return instances
