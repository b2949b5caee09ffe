"""Webinars: what Zoom gets for one, its panelists, and its registrants.

A webinar is a Meeting of kind "webinar" (docs/webinars.md): the outbox pushes it to Zoom's
webinar endpoints with the body built here, checks the host's licence first, and brings Zoom's
panelists in line with the teachers chosen. Registrants are kept here as Zoom reports them
(its webinar.registration_* events, or a refresh) and approved or denied from ZoomHub.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import ZoomUser
from meetings.models import Meeting, MeetingTimelineEvent, WebinarRegistrant
from meetings.registration_questions import answers_from, zoom_questions_body
from meetings.services import timeline_add, webinar_licence_message
from meetings.signals import send_on_commit, webinar_registrant_approved, webinar_registrant_withdrawn
from zoomhub.zoom import webinars as zoom_webinars
from zoomhub.zoom.errors import ZoomError, ZoomPermissionError

logger = logging.getLogger(__name__)

APPROVAL_TYPES = {
    Meeting.Registration.AUTOMATIC: zoom_webinars.APPROVAL_AUTOMATIC,
    Meeting.Registration.MANUAL: zoom_webinars.APPROVAL_MANUAL,
    Meeting.Registration.OFF: zoom_webinars.NO_REGISTRATION,
}
ACTION_STATUS = {
    "approve": WebinarRegistrant.Status.APPROVED,
    "deny": WebinarRegistrant.Status.DENIED,
    "cancel": WebinarRegistrant.Status.CANCELLED,
}


class WebinarLicenceMissing(Exception):
    """The host cannot hold webinars; str() is the message for staff."""


def webinar_body(meeting: Meeting, meeting_body: dict) -> dict:
    """The lesson body (topic, time, agenda with the lesson reference, recurrence) as a webinar's."""
    body = {key: value for key, value in meeting_body.items() if key != "settings"}
    body["type"] = zoom_webinars.WEBINAR_RECURRING if meeting.is_recurring else zoom_webinars.WEBINAR_SINGLE
    body["settings"] = {
        "host_video": meeting.host_video,
        "panelists_video": meeting.participant_video,
        "auto_recording": meeting.auto_recording,
        "alternative_hosts": meeting_body["settings"]["alternative_hosts"],
        "approval_type": APPROVAL_TYPES[meeting.registration],
        # One registration for every occurrence of a series.
        "registration_type": 1,
    }
    return body


def check_licence(client, host: ZoomUser) -> None:
    """Refuse before anything is sent when ZoomHub knows the host has no webinar licence: a basic
    user, or Zoom's own settings saying `feature.webinar` is off. Unknown (the token may not read
    settings): Zoom's answer to the create decides."""
    if host.user_type == 1:
        raise WebinarLicenceMissing(webinar_licence_message(host))
    try:
        has_webinars = zoom_webinars.webinar_feature(client, host.zoom_id)
    except ZoomPermissionError:
        return
    if has_webinars is False:
        raise WebinarLicenceMissing(webinar_licence_message(host))


def explain_refusal(error: ZoomError, host: ZoomUser) -> str | None:
    """Zoom's "Webinar plan is missing" read and said plainly; None for any other error."""
    if zoom_webinars.is_webinar_plan_missing(error):
        return webinar_licence_message(host, error.message)
    return None


def panelists_sync(client, meeting: Meeting) -> str:
    """Zoom's panelists become the webinar's teachers: add the missing, remove the ones taken off."""
    wanted = {p.email.lower(): p for p in meeting.panelists.all() if p.email}
    present = {
        p.get("email", "").lower(): p for p in zoom_webinars.panelists_list(client, meeting.zoom_meeting_id)
    }
    to_add = [
        {"name": wanted[email].name, "email": wanted[email].email} for email in wanted if email not in present
    ]
    if to_add:
        zoom_webinars.panelists_add(client, meeting.zoom_meeting_id, to_add)
    removed = 0
    for email, panelist in present.items():
        if email not in wanted and panelist.get("id"):
            zoom_webinars.panelist_remove(client, meeting.zoom_meeting_id, panelist["id"])
            removed += 1
    if not to_add and not removed:
        return ""
    return _("Panelists: %(added)s added, %(removed)s removed.") % {"added": len(to_add), "removed": removed}


def registration_questions_sync(client, meeting: Meeting) -> None:
    """Zoom's registration page asks what the webinar's questions say (every push: PATCH replaces
    them all, so a question taken off here goes from Zoom too)."""
    if meeting.registration == Meeting.Registration.OFF:
        return
    zoom_webinars.registrant_questions_update(
        client, meeting.zoom_meeting_id, zoom_questions_body(meeting.registration_questions)
    )


# -- registrants -------------------------------------------------------------------------------


def announce_decision(registrant: WebinarRegistrant, previous_status: str | None) -> None:
    """Tell the apps (invitations) once a registrant's status became approved, denied or cancelled."""
    if registrant.status == previous_status:
        return  # the same decision again (ZoomHub's own decision coming back as Zoom's event)
    if registrant.status == WebinarRegistrant.Status.APPROVED:
        send_on_commit(webinar_registrant_approved, meeting=registrant.webinar, registrant=registrant)
    elif registrant.status in (WebinarRegistrant.Status.DENIED, WebinarRegistrant.Status.CANCELLED):
        send_on_commit(webinar_registrant_withdrawn, meeting=registrant.webinar, registrant=registrant)


def registrant_store(*, meeting: Meeting, data: dict, status: str | None = None) -> WebinarRegistrant | None:
    """Keep one registrant as Zoom describes it (an event's `registrant`, or a list row)."""
    registrant_id = str(data.get("id") or data.get("registrant_id") or "")
    email = str(data.get("email") or "")
    if not registrant_id or not email:
        return None
    status = status or data.get("status") or WebinarRegistrant.Status.PENDING
    if status not in WebinarRegistrant.Status.values:
        status = WebinarRegistrant.Status.PENDING
    defaults = {
        "email": email[:254],
        "first_name": str(data.get("first_name") or "")[:100],
        "last_name": str(data.get("last_name") or "")[:100],
        "status": status,
    }
    if data.get("join_url"):
        defaults["join_url"] = str(data["join_url"])[:1000]
    previous_status = (
        WebinarRegistrant.objects.filter(webinar=meeting, zoom_registrant_id=registrant_id)
        .values_list("status", flat=True)
        .first()
    )
    answers = answers_from(data)
    if answers:  # Zoom's approval events carry no answers: the ones kept stay
        defaults["answers"] = answers
    registrant, _created = WebinarRegistrant.objects.update_or_create(
        webinar=meeting, zoom_registrant_id=registrant_id, defaults=defaults
    )
    announce_decision(registrant, previous_status)
    return registrant


def registrants_refresh(*, meeting: Meeting) -> int:
    """Read every registrant of the webinar from Zoom (pending, approved, denied); return how many."""
    if (
        not meeting.is_webinar
        or not meeting.zoom_meeting_id
        or meeting.registration == Meeting.Registration.OFF
    ):
        return 0
    client = account_services.credential_client(credential=meeting.host.credential)
    count = 0
    for status in zoom_webinars.REGISTRANT_STATUSES:
        for row in zoom_webinars.registrants_list(client, meeting.zoom_meeting_id, status):
            if registrant_store(meeting=meeting, data=row, status=status):
                count += 1
    return count


def registrant_decide(*, registrant: WebinarRegistrant, action: str, actor=None) -> WebinarRegistrant:
    """Approve, deny or cancel a registrant in Zoom (PUT .../registrants/status), then here.

    Zoom sends an approved registrant their own join link by email; ZoomHub's invitation (with the
    calendar file) follows through the webinar_registrant_approved signal.
    """
    if action not in ACTION_STATUS:
        raise ValidationError(_("Choose approve, deny or cancel."))
    meeting = registrant.webinar
    if not meeting.zoom_meeting_id:
        raise ValidationError(_("The webinar is not in Zoom yet; try again once it is."))
    client = account_services.credential_client(credential=meeting.host.credential)
    try:
        zoom_webinars.registrants_set_status(
            client,
            meeting.zoom_meeting_id,
            action,
            [{"id": registrant.zoom_registrant_id, "email": registrant.email}],
        )
    except ZoomError as error:
        explained = explain_refusal(error, meeting.host)
        raise ValidationError(explained or _("Zoom answered: %(message)s") % {"message": error}) from error
    previous_status = registrant.status
    with transaction.atomic():
        registrant.status = ACTION_STATUS[action]
        registrant.decided_at = timezone.now()
        registrant.decided_by = actor
        registrant.save(update_fields=["status", "decided_at", "decided_by"])
        timeline_add(
            meeting=meeting,
            kind=MeetingTimelineEvent.Kind.EDITED,
            actor=actor,
            message=_("Registrant %(who)s: %(status)s.")
            % {"who": registrant, "status": registrant.get_status_display().lower()},
        )
    if action == "approve" and not registrant.join_url:
        # Zoom gives the personal link with the approved list; without it now, the
        # webinar.registration_approved event or a refresh brings it.
        try:
            for row in zoom_webinars.registrants_list(client, meeting.zoom_meeting_id, "approved"):
                if str(row.get("id")) == registrant.zoom_registrant_id and row.get("join_url"):
                    registrant.join_url = row["join_url"][:1000]
                    registrant.save(update_fields=["join_url"])
                    break
        except ZoomError as error:
            logger.warning("registrant %s approved; reading their link failed: %s", registrant.pk, error)
    # After the link is read: the invitation waits for it otherwise (the approved event brings it).
    announce_decision(registrant, previous_status)
    return registrant


def registration_event(*, event_type: str, payload: dict) -> WebinarRegistrant | None:
    """webinar.registration_created / _approved / _denied / _cancelled: the registrant as Zoom says."""
    zoom_object = payload.get("object") or {}
    registrant = zoom_object.get("registrant")
    if not isinstance(registrant, dict):
        return None
    try:
        webinar_id = int(zoom_object.get("id"))
    except (TypeError, ValueError):
        return None
    meeting = Meeting.objects.filter(zoom_meeting_id=webinar_id, kind=Meeting.Kind.WEBINAR).first()
    if meeting is None:
        return None
    if event_type == "webinar.registration_created":
        known = WebinarRegistrant.objects.filter(
            webinar=meeting, zoom_registrant_id=str(registrant.get("id") or "")
        ).first()
        if known is not None:
            return known  # arriving after a decision: the decision stands
    status = {
        "webinar.registration_approved": WebinarRegistrant.Status.APPROVED,
        "webinar.registration_denied": WebinarRegistrant.Status.DENIED,
        "webinar.registration_cancelled": WebinarRegistrant.Status.CANCELLED,
    }.get(event_type) or registrant.get("status")
    return registrant_store(meeting=meeting, data=registrant, status=status)
