"""Zoom's webinar endpoints: the webinar, its panelists and registrants, and its report.

Webinars are a paid add-on per host: https://developers.zoom.us/docs/api/meetings/#tag/webinars .
A host without it gets HTTP 400 with Zoom code 200, "Webinar plan is missing. You must subscribe
to the webinar plan and enable webinars for this user in order to perform this action." on every
webinar endpoint; `is_webinar_plan_missing` recognises that answer, and `webinar_feature` reads
the host's settings (`feature.webinar`) so a caller can refuse before sending anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from zoomhub.zoom.errors import ZoomBadRequest, ZoomError

if TYPE_CHECKING:
    from zoomhub.zoom.client import ZoomClient

# Zoom's webinar types: 5 one webinar, 9 a recurring webinar with a fixed time.
WEBINAR_SINGLE = 5
WEBINAR_RECURRING = 9
# settings.approval_type: 0 registrants approved automatically, 1 by the host, 2 no registration.
APPROVAL_AUTOMATIC = 0
APPROVAL_MANUAL = 1
NO_REGISTRATION = 2
# PUT /webinars/{id}/registrants/status actions.
REGISTRANT_ACTIONS = ("approve", "deny", "cancel")
REGISTRANT_STATUSES = ("pending", "approved", "denied")
PLAN_MISSING_CODE = 200


def is_webinar_plan_missing(error: ZoomError) -> bool:
    """Zoom's "Webinar plan is missing" answer (400, code 200 naming the webinar plan)."""
    return (
        isinstance(error, ZoomBadRequest)
        and error.code == PLAN_MISSING_CODE
        and "webinar" in (error.message or "").lower()
    )


def webinar_feature(client: ZoomClient, user_id: str) -> bool | None:
    """Whether the user has the webinar add-on (GET /users/{id}/settings, `feature.webinar`);
    None when Zoom does not say."""
    settings = client.get(f"/users/{user_id}/settings")
    feature = settings.get("feature") if isinstance(settings, dict) else None
    value = feature.get("webinar") if isinstance(feature, dict) else None
    return value if isinstance(value, bool) else None


def webinar_create(client: ZoomClient, user_id: str, body: dict) -> dict:
    return client.post(f"/users/{user_id}/webinars", json=body)


def webinar_get(client: ZoomClient, webinar_id: int) -> dict:
    return client.get(f"/webinars/{webinar_id}")


def webinar_update(client: ZoomClient, webinar_id: int, body: dict) -> None:
    client.patch(f"/webinars/{webinar_id}", json=body)


def webinar_delete(client: ZoomClient, webinar_id: int) -> None:
    # Zoom would email the registrants otherwise; the school tells them itself.
    client.delete(f"/webinars/{webinar_id}", params={"cancel_webinar_reminder": "false"})


def webinars_upcoming(client: ZoomClient, user_id: str) -> Iterator[dict]:
    return client.paginate(f"/users/{user_id}/webinars", items_key="webinars", params={"type": "scheduled"})


def panelists_list(client: ZoomClient, webinar_id: int) -> list[dict]:
    return list(client.get(f"/webinars/{webinar_id}/panelists").get("panelists") or [])


def panelists_add(client: ZoomClient, webinar_id: int, panelists: list[dict]) -> dict:
    """`panelists`: [{"name", "email"}]; Zoom sends each an invitation with their own join link."""
    return client.post(f"/webinars/{webinar_id}/panelists", json={"panelists": panelists})


def panelist_remove(client: ZoomClient, webinar_id: int, panelist_id: str) -> None:
    client.delete(f"/webinars/{webinar_id}/panelists/{panelist_id}")


def registrants_list(client: ZoomClient, webinar_id: int, status: str) -> Iterator[dict]:
    return client.paginate(
        f"/webinars/{webinar_id}/registrants", items_key="registrants", params={"status": status}
    )


def registrant_add(client: ZoomClient, webinar_id: int, registrant: dict) -> dict:
    """`registrant`: {"email", "first_name", "last_name"} → {"registrant_id", "join_url", ...}."""
    return client.post(f"/webinars/{webinar_id}/registrants", json=registrant)


def registrants_set_status(client: ZoomClient, webinar_id: int, action: str, registrants: list[dict]) -> None:
    """Approve, deny or cancel registrants ([{"id", "email"}])."""
    if action not in REGISTRANT_ACTIONS:
        raise ValueError(f"unknown registrant action {action!r}")
    client.put(
        f"/webinars/{webinar_id}/registrants/status", json={"action": action, "registrants": registrants}
    )


def registrant_questions_get(client: ZoomClient, webinar_id: int) -> dict:
    """{"questions": [{"field_name", "required"}], "custom_questions": [{"title", "type", "required", "answers"}]}."""
    return client.get(f"/webinars/{webinar_id}/registrants/questions")


def registrant_questions_update(client: ZoomClient, webinar_id: int, body: dict) -> None:
    """Replace what the registration page asks: `body` as registrant_questions_get answers it.
    Standard `field_name`s: address, city, state, zip, country, phone, industry, org, job_title,
    purchasing_time_frame, role_in_purchase_process, no_of_employees, comments; custom question
    types: short, single_radio, single_dropdown, multiple (the last three with `answers`)."""
    client.patch(f"/webinars/{webinar_id}/registrants/questions", json=body)


def report_participants(client: ZoomClient, webinar_id: int | str) -> Iterator[dict]:
    """One row per join → leave interval (Heavy, paged), as the meeting report."""
    return client.paginate(f"/report/webinars/{webinar_id}/participants", items_key="participants")


def absentees(client: ZoomClient, webinar_uuid: str) -> Iterator[dict]:
    """Registrants who did not attend one held instance."""
    return client.paginate(f"/past_webinars/{webinar_uuid}/absentees", items_key="registrants")
