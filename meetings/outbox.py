"""The outbox: sends saved lesson changes to Zoom, once, whatever fails on the way.

A lesson's `push_state` says where it stands: pending (a change waits), syncing (a worker
claimed it), synced, failed (Zoom's message kept, retried with back-off). One push does what
the lesson needs now: create (POST /users/{host}/meetings), update (PATCH /meetings/{id}, the
join link stays) or, for a canceled lesson, delete (DELETE /meetings/{id}; 404 code 3001 means
already gone). https://developers.zoom.us/docs/api/meetings/

Never two Zoom meetings for one lesson:
- a worker claims the lesson with one UPDATE … WHERE (a second worker updates no row);
- before the first POST the lesson records `create_attempted_at`. Our Zoom client never repeats a
  POST whose answer may have been lost (read timeout, 5xx), so a later attempt first looks for the
  meeting among the host's upcoming meetings by the reference at the start of its agenda
  (`[ZoomHub lesson <id> <key>]`) and adopts it instead of creating another.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Credential
from meetings import webinars
from meetings.models import Meeting, MeetingTimelineEvent
from meetings.services import push_enqueue, timeline_add
from meetings.timezones import format_lesson_time, zoom_utc
from zoomhub.zoom import webinars as zoom_webinars
from zoomhub.zoom.backoff import backoff_delay
from zoomhub.zoom.errors import ZoomError, ZoomNotFound, ZoomRateLimited

logger = logging.getLogger(__name__)

Kind = MeetingTimelineEvent.Kind
State = Meeting.PushState

# A claim older than this belongs to a worker that died (Zoom calls time out far sooner).
STALE_CLAIM = dt.timedelta(minutes=15)
# A pending push not picked up by then lost its task (broker down at commit): beat sends it again.
STALE_PENDING = dt.timedelta(minutes=2)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
# ±10 % on each wait, so lessons that failed in one Zoom outage are not all retried in one burst.
RETRY_JITTER = 0.1
# Zoom's code for "Meeting does not exist" on DELETE/PATCH/GET /meetings/{id}.
MEETING_NOT_FOUND = 3001


class PushProblem(Exception):
    """A push cannot go on for a reason of ours (not Zoom's); str() is shown to staff."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class PushResult:
    outcome: str  # "synced", "pending" (changed meanwhile, sent again), "failed", "skipped"
    message: str = ""


# -- what Zoom gets ----------------------------------------------------------------------------


def zoom_meeting_body(meeting: Meeting) -> dict:
    """The body of POST /users/{id}/meetings and PATCH /meetings/{id} for a lesson."""
    agenda = meeting.zoom_reference
    if meeting.description:
        agenda = f"{agenda}\n{meeting.description}"
    body = {
        "topic": meeting.topic,
        "type": 8 if meeting.is_recurring else 2,
        "start_time": zoom_utc(meeting.start_at),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "agenda": agenda[:2000],
        "settings": {
            "host_video": meeting.host_video,
            "participant_video": meeting.participant_video,
            "waiting_room": meeting.waiting_room,
            "join_before_host": meeting.join_before_host,
            "mute_upon_entry": meeting.mute_upon_entry,
            "auto_recording": meeting.auto_recording,
            "alternative_hosts": ";".join(e for e in meeting.alternative_hosts.split(",") if e),
        },
    }
    recurrence = meeting.recurrence
    if recurrence is not None:
        rule = {"type": 2, "repeat_interval": 1, "weekly_days": recurrence.zoom_weekly_days()}
        if recurrence.count:
            rule["end_times"] = recurrence.count
        else:
            # The series ends after the last lesson on `until`, a local date.
            last = meeting.occurrence_starts()[-1]
            rule["end_date_time"] = zoom_utc(last + dt.timedelta(minutes=meeting.duration))
        body["recurrence"] = rule
    return body


# -- claiming ----------------------------------------------------------------------------------


def _claimable(now: dt.datetime) -> Q:
    return (
        Q(push_state=State.PENDING)
        | Q(push_state=State.FAILED, push_next_attempt_at__isnull=False, push_next_attempt_at__lte=now)
        | Q(push_state=State.SYNCING, push_claimed_at__lt=now - STALE_CLAIM)
    )


def _claim(meeting_id: int) -> str | None:
    """Take the push for this worker; None if there is nothing to do or another worker has it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    # One UPDATE decides: a concurrent worker's UPDATE waits for our row lock, then finds
    # push_state = syncing and matches nothing.
    claimed = Meeting.objects.filter(_claimable(now), pk=meeting_id).update(
        push_state=State.SYNCING,
        push_claim=token,
        push_claimed_at=now,
        push_attempts=F("push_attempts") + 1,
    )
    return token if claimed else None


# -- the push ----------------------------------------------------------------------------------


def meeting_push(*, meeting_id: int) -> PushResult:
    """Bring Zoom in line with the lesson as saved; safe to call any number of times, concurrently."""
    claim = _claim(meeting_id)
    if claim is None:
        return PushResult("skipped")
    meeting = Meeting.objects.select_related("host__credential").get(pk=meeting_id)
    revision = meeting.push_revision
    try:
        credential = meeting.host.credential
        if credential.status != Credential.Status.ACTIVE:
            raise PushProblem(
                _("The Zoom account “%(account)s” is %(status)s; fix it under Zoom accounts, then retry.")
                % {"account": credential.name, "status": credential.get_status_display().lower()},
                retry=True,
            )
        client = account_services.credential_client(credential=credential)
        if meeting.is_webinar:
            note = _push_webinar(client, meeting, claim)
        elif meeting.status == Meeting.Status.CANCELED:
            note = _push_delete(client, meeting, claim)
        elif meeting.zoom_meeting_id is None:
            note = _push_create(client, meeting, claim)
        else:
            note = _push_update(client, meeting)
    except (ZoomError, PushProblem) as error:
        message = _record_failure(meeting, claim, error)
        return PushResult("failed", message)
    return _record_success(meeting, claim, revision, note)


def _push_create(client, meeting: Meeting, claim: str) -> str:
    if meeting.create_attempted_at is not None:
        found_id = _find_by_reference(client, meeting)
        if found_id is not None:
            _adopt(client, meeting, found_id)
            client.patch(f"/meetings/{found_id}", json=zoom_meeting_body(meeting))
            return _("Found the meeting an earlier attempt created in Zoom (ID %(id)s) and used it.") % {
                "id": found_id
            }
    if meeting.occurrence_starts()[-1] <= timezone.now():
        raise PushProblem(_("The lesson's time has passed before it reached Zoom; choose a new time."))
    # Written before the POST: if its answer is lost, the next attempt looks before creating.
    marked = Meeting.objects.filter(pk=meeting.pk, push_claim=claim).update(
        create_attempted_at=timezone.now()
    )
    if not marked:
        raise PushProblem(_("Another worker took over this push."), retry=True)
    data = client.post(f"/users/{meeting.host.zoom_id}/meetings", json=zoom_meeting_body(meeting))
    _store_zoom_meeting(meeting, data)
    return _("Created in Zoom (meeting ID %(id)s).") % {"id": meeting.zoom_meeting_id}


def _push_update(client, meeting: Meeting) -> str:
    try:
        client.patch(f"/meetings/{meeting.zoom_meeting_id}", json=zoom_meeting_body(meeting))
    except ZoomNotFound as error:
        raise PushProblem(
            _("Zoom has no meeting %(id)s any more (deleted in Zoom?): %(message)s")
            % {"id": meeting.zoom_meeting_id, "message": error.message or str(error)}
        ) from error
    return _("Updated in Zoom for %(when)s.") % {
        "when": format_lesson_time(meeting.start_at, meeting.timezone)
    }


def _push_delete(client, meeting: Meeting, claim: str) -> str:
    zoom_id = meeting.zoom_meeting_id
    if zoom_id is None and meeting.create_attempted_at is not None:
        zoom_id = _find_by_reference(client, meeting)
    if zoom_id is None:
        return _("Nothing to delete in Zoom.")
    try:
        # Zoom would email the invitees otherwise; staff tell students themselves.
        client.delete(f"/meetings/{zoom_id}", params={"schedule_for_reminder": "false"})
    except ZoomNotFound as error:
        if error.code not in (MEETING_NOT_FOUND, None):
            raise
        return _("Already gone from Zoom.")
    return _("Deleted in Zoom (meeting ID %(id)s).") % {"id": zoom_id}


# -- webinars (meetings/webinars.py builds the body, checks the licence, syncs panelists) ---------


def _push_webinar(client, meeting: Meeting, claim: str) -> str:
    """The same outbox for a webinar, on Zoom's /webinars endpoints; panelists follow each push."""
    try:
        if meeting.status == Meeting.Status.CANCELED:
            return _delete_webinar(client, meeting)
        if meeting.zoom_meeting_id is None:
            note = _create_webinar(client, meeting, claim)
        else:
            zoom_webinars.webinar_update(client, meeting.zoom_meeting_id, _webinar_body(meeting))
            note = _("Updated in Zoom for %(when)s.") % {
                "when": format_lesson_time(meeting.start_at, meeting.timezone)
            }
        synced = webinars.panelists_sync(client, meeting)
        webinars.registration_questions_sync(client, meeting)
    except webinars.WebinarLicenceMissing as missing:
        raise PushProblem(str(missing)) from missing
    except ZoomError as error:
        explained = webinars.explain_refusal(error, meeting.host)
        if explained:
            raise PushProblem(explained) from error
        raise
    return f"{note} {synced}".strip()


def _webinar_body(meeting: Meeting) -> dict:
    return webinars.webinar_body(meeting, zoom_meeting_body(meeting))


def _create_webinar(client, meeting: Meeting, claim: str) -> str:
    if meeting.create_attempted_at is not None:
        reference = meeting.zoom_reference
        for item in zoom_webinars.webinars_upcoming(client, meeting.host.zoom_id):
            if reference in (item.get("agenda") or ""):
                _store_zoom_meeting(meeting, zoom_webinars.webinar_get(client, int(item["id"])))
                zoom_webinars.webinar_update(client, meeting.zoom_meeting_id, _webinar_body(meeting))
                return _("Found the webinar an earlier attempt created in Zoom (ID %(id)s) and used it.") % {
                    "id": meeting.zoom_meeting_id
                }
    if meeting.occurrence_starts()[-1] <= timezone.now():
        raise PushProblem(_("The webinar's time has passed before it reached Zoom; choose a new time."))
    webinars.check_licence(client, meeting.host)  # before anything is sent
    marked = Meeting.objects.filter(pk=meeting.pk, push_claim=claim).update(
        create_attempted_at=timezone.now()
    )
    if not marked:
        raise PushProblem(_("Another worker took over this push."), retry=True)
    data = zoom_webinars.webinar_create(client, meeting.host.zoom_id, _webinar_body(meeting))
    _store_zoom_meeting(meeting, data)
    return _("Created in Zoom (webinar ID %(id)s).") % {"id": meeting.zoom_meeting_id}


def _delete_webinar(client, meeting: Meeting) -> str:
    if meeting.zoom_meeting_id is None:
        return _("Nothing to delete in Zoom.")
    try:
        zoom_webinars.webinar_delete(client, meeting.zoom_meeting_id)
    except ZoomNotFound as error:
        if error.code not in (MEETING_NOT_FOUND, None):
            raise
        return _("Already gone from Zoom.")
    return _("Deleted in Zoom (webinar ID %(id)s).") % {"id": meeting.zoom_meeting_id}


def _find_by_reference(client, meeting: Meeting) -> int | None:
    """The host's upcoming meeting whose agenda carries this lesson's reference, if any."""
    reference = meeting.zoom_reference
    for item in client.paginate(
        f"/users/{meeting.host.zoom_id}/meetings", items_key="meetings", params={"type": "upcoming"}
    ):
        if reference in (item.get("agenda") or ""):
            return int(item["id"])
    return None


def _adopt(client, meeting: Meeting, zoom_id: int) -> None:
    """The list lacks the start link and passcode: read the meeting itself."""
    data = client.get(f"/meetings/{zoom_id}")
    _store_zoom_meeting(meeting, data)


def _store_zoom_meeting(meeting: Meeting, data: dict) -> None:
    """Keep what Zoom answered at once, whoever holds the claim: a created meeting is never orphaned."""
    meeting.zoom_meeting_id = int(data["id"])
    meeting.zoom_uuid = data.get("uuid") or ""
    meeting.join_url = data.get("join_url") or ""
    meeting.password = data.get("password") or ""
    meeting.start_url = data.get("start_url") or ""
    Meeting.objects.filter(pk=meeting.pk).filter(
        Q(zoom_meeting_id__isnull=True) | Q(zoom_meeting_id=meeting.zoom_meeting_id)
    ).update(
        zoom_meeting_id=meeting.zoom_meeting_id,
        zoom_uuid=meeting.zoom_uuid,
        join_url=meeting.join_url,
        password=meeting.password,
        start_url=meeting.start_url,
    )


# -- outcomes ----------------------------------------------------------------------------------


@transaction.atomic
def _record_success(meeting: Meeting, claim: str, revision: int, note: str) -> PushResult:
    updated = Meeting.objects.filter(pk=meeting.pk, push_claim=claim).update(
        # Edited while we pushed: the newer revision still has to go out.
        push_state=Case(When(push_revision=revision, then=Value(State.SYNCED)), default=Value(State.PENDING)),
        push_error="",
        push_attempts=0,
        push_next_attempt_at=None,
        push_claim="",
        push_claimed_at=None,
    )
    if not updated:
        return PushResult("skipped", _("Another worker took over this push."))
    timeline_add(meeting=meeting, kind=Kind.PUSHED, message=note)
    state = Meeting.objects.values_list("push_state", flat=True).get(pk=meeting.pk)
    if state == State.PENDING:
        push_enqueue(meeting.pk)
        return PushResult("pending", note)
    return PushResult("synced", note)


def _next_utc_midnight(now: dt.datetime) -> dt.datetime:
    tomorrow = (now.astimezone(dt.UTC) + dt.timedelta(days=1)).date()
    return dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=dt.UTC)


def failure_message(error: Exception, *, retry_at: dt.datetime | None, zone_name: str) -> str:
    if isinstance(error, ZoomRateLimited) and error.daily:
        return _(
            "Zoom's daily limit of meeting creates and updates for this host (100 a day) is used up. "
            "ZoomHub sends the lesson again after the limit resets, at %(when)s."
        ) % {"when": format_lesson_time(retry_at, zone_name)}
    if isinstance(error, ZoomError):
        text = error.message or str(error)
        if error.code is not None:
            text = _("%(message)s (Zoom code %(code)s)") % {"message": text, "code": error.code}
        return _("Zoom answered: %(message)s") % {"message": text}
    return str(error)


@transaction.atomic
def _record_failure(meeting: Meeting, claim: str, error: Exception) -> str:
    now = timezone.now()
    attempts = Meeting.objects.values_list("push_attempts", flat=True).get(pk=meeting.pk)
    if isinstance(error, ZoomRateLimited) and error.daily:
        retry_at = max(error.resets_at or _next_utc_midnight(now), now + FIRST_RETRY)
    elif (isinstance(error, ZoomError) and error.transient) or (
        isinstance(error, PushProblem) and error.retry
    ):
        retry_at = now + backoff_delay(
            attempts, first=FIRST_RETRY, longest=LONGEST_RETRY, jitter=RETRY_JITTER
        )
    else:
        retry_at = None  # Zoom refused the request itself: only staff's Retry sends it again.
    message = failure_message(error, retry_at=retry_at, zone_name=meeting.timezone)
    logger.warning("push of lesson %s failed: %s", meeting.pk, message)
    updated = Meeting.objects.filter(pk=meeting.pk, push_claim=claim).update(
        push_state=State.FAILED,
        push_error=message,
        push_next_attempt_at=retry_at,
        push_claim="",
        push_claimed_at=None,
    )
    if updated:
        timeline_add(meeting=meeting, kind=Kind.PUSH_FAILED, message=message)
    return message


# -- the beat sweep ----------------------------------------------------------------------------


def meetings_due_for_push(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Failed pushes whose back-off is over, pending ones whose task got lost, stale claims."""
    now = now or timezone.now()
    due = (
        Q(push_state=State.FAILED, push_next_attempt_at__isnull=False, push_next_attempt_at__lte=now)
        | Q(push_state=State.PENDING, updated_at__lt=now - STALE_PENDING)
        | Q(push_state=State.SYNCING, push_claimed_at__lt=now - STALE_CLAIM)
    )
    return list(
        Meeting.objects.filter(due)
        .order_by("push_next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
