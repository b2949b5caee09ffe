"""Changes that come from Zoom: its meeting events, and importing a host's existing meetings.

A Zoom meeting id is shared by every occurrence of a recurring meeting; each held instance has
its own UUID. Lessons are found by id first, then by UUID.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Credential, ZoomUser
from meetings import signals
from meetings.models import MAX_DURATION_MINUTES, Meeting, MeetingTimelineEvent
from meetings.recurrence import MAX_OCCURRENCES, PYTHON_WEEKDAY
from meetings.services import timeline_add
from meetings.timezones import format_lesson_time, is_valid_timezone, parse_zoom_time, to_local

logger = logging.getLogger(__name__)
# The start of Meeting.zoom_reference, which every push writes into the agenda.
ZOOMHUB_REFERENCE = "[ZoomHub lesson "
Kind = MeetingTimelineEvent.Kind
Status = Meeting.Status


def find_lesson(zoom_object: dict, *, for_update: bool = False) -> Meeting | None:
    queryset = Meeting.objects.select_for_update() if for_update else Meeting.objects.all()
    zoom_id = zoom_object.get("id")
    if zoom_id not in (None, ""):
        try:
            found = queryset.filter(zoom_meeting_id=int(zoom_id)).first()
        except (TypeError, ValueError):
            found = None
        if found is not None:
            return found
    zoom_uuid = zoom_object.get("uuid")
    if zoom_uuid:
        return queryset.filter(zoom_uuid=zoom_uuid).first()
    return None


def _has_later_occurrence(meeting: Meeting, after: dt.datetime) -> bool:
    return meeting.is_recurring and any(start > after for start in meeting.occurrence_starts())


@transaction.atomic
def meeting_mark_started(*, zoom_object: dict) -> Meeting | None:
    meeting = find_lesson(zoom_object, for_update=True)
    if meeting is None or meeting.status == Status.CANCELED:
        return meeting
    zoom_uuid = zoom_object.get("uuid") or ""
    started_at = parse_zoom_time(zoom_object.get("start_time")) or timezone.now()
    if (
        zoom_uuid
        and meeting.timeline.filter(kind__in=[Kind.STARTED, Kind.ENDED], zoom_uuid=zoom_uuid).exists()
    ):
        return meeting  # redelivered, or arriving after this instance's end
    meeting.status = Status.STARTED
    meeting.started_at = started_at
    meeting.ended_at = None
    meeting.save(update_fields=["status", "started_at", "ended_at", "updated_at"])
    timeline_add(meeting=meeting, kind=Kind.STARTED, zoom_uuid=zoom_uuid, at=started_at)
    signals.send_on_commit(
        signals.lesson_started, meeting=meeting, zoom_uuid=zoom_uuid, started_at=started_at
    )
    return meeting


@transaction.atomic
def meeting_mark_ended(*, zoom_object: dict) -> Meeting | None:
    meeting = find_lesson(zoom_object, for_update=True)
    if meeting is None or meeting.status == Status.CANCELED:
        return meeting
    zoom_uuid = zoom_object.get("uuid") or ""
    ended_at = parse_zoom_time(zoom_object.get("end_time")) or timezone.now()
    if zoom_uuid and meeting.timeline.filter(kind=Kind.ENDED, zoom_uuid=zoom_uuid).exists():
        return meeting
    # A series goes back to "scheduled" while lessons remain.
    meeting.status = Status.SCHEDULED if _has_later_occurrence(meeting, ended_at) else Status.ENDED
    meeting.ended_at = ended_at
    meeting.save(update_fields=["status", "ended_at", "updated_at"])
    timeline_add(meeting=meeting, kind=Kind.ENDED, zoom_uuid=zoom_uuid, at=ended_at)
    signals.send_on_commit(signals.lesson_ended, meeting=meeting, zoom_uuid=zoom_uuid, ended_at=ended_at)
    return meeting


def _single_occurrence(payload: dict, meeting: Meeting) -> bool:
    """Whether Zoom changed one occurrence of a series rather than the whole meeting."""
    zoom_object = payload.get("object") or {}
    if zoom_object.get("occurrence_id"):
        return True
    return meeting.is_recurring and payload.get("operation") == "single"


@transaction.atomic
def meeting_apply_zoom_update(*, payload: dict) -> Meeting | None:
    """A change made in Zoom (topic, start, duration, timezone) shows on the lesson."""
    zoom_object = payload.get("object") or {}
    meeting = find_lesson(zoom_object, for_update=True)
    if meeting is None or meeting.status in (Status.CANCELED, Status.ENDED):
        return meeting
    if meeting.push_state in (Meeting.PushState.PENDING, Meeting.PushState.SYNCING):
        # Our own newer change is on its way to Zoom and will overwrite this one.
        return meeting
    if _single_occurrence(payload, meeting):
        timeline_add(
            meeting=meeting,
            kind=Kind.CHANGED_IN_ZOOM,
            message=_("One occurrence was changed in Zoom; the series here is unchanged."),
        )
        return meeting
    changes = []
    if "topic" in zoom_object and zoom_object["topic"] and zoom_object["topic"] != meeting.topic:
        changes.append(_("topic “%(old)s” → “%(new)s”") % {"old": meeting.topic, "new": zoom_object["topic"]})
        meeting.topic = zoom_object["topic"][:200]
    zone = zoom_object.get("timezone")
    if zone and zone != meeting.timezone and is_valid_timezone(zone):
        changes.append(_("timezone %(old)s → %(new)s") % {"old": meeting.timezone, "new": zone})
        meeting.timezone = zone
    start = parse_zoom_time(zoom_object.get("start_time"))
    start_moved = bool(start and start != meeting.start_at)
    if start_moved:
        changes.append(
            _("start %(old)s → %(new)s")
            % {
                "old": format_lesson_time(meeting.start_at, meeting.timezone),
                "new": format_lesson_time(start, meeting.timezone),
            }
        )
        meeting.start_at = start
    duration = zoom_object.get("duration")
    if isinstance(duration, int) and 1 <= duration <= MAX_DURATION_MINUTES and duration != meeting.duration:
        changes.append(_("duration %(old)s → %(new)s min") % {"old": meeting.duration, "new": duration})
        meeting.duration = duration
    if not changes:
        return meeting  # our own PATCH coming back, or a redelivery
    meeting.save()
    timeline_add(meeting=meeting, kind=Kind.CHANGED_IN_ZOOM, message="; ".join(changes))
    signals.send_on_commit(
        signals.lesson_changed, meeting=meeting, actor=None, from_zoom=True, rescheduled=start_moved
    )
    return meeting


@transaction.atomic
def meeting_mark_deleted_in_zoom(*, payload: dict) -> Meeting | None:
    """Deleted in Zoom: the lesson is canceled here, and nothing is pushed back."""
    zoom_object = payload.get("object") or {}
    meeting = find_lesson(zoom_object, for_update=True)
    if meeting is None or meeting.status in (Status.CANCELED, Status.ENDED):
        return meeting
    if _single_occurrence(payload, meeting) or (
        meeting.is_recurring and zoom_object.get("occurrences") and payload.get("operation") != "all"
    ):
        timeline_add(
            meeting=meeting,
            kind=Kind.CANCELED_IN_ZOOM,
            message=_("One occurrence was deleted in Zoom; the rest of the series stays."),
        )
        return meeting
    meeting.status = Status.CANCELED
    meeting.push_state = Meeting.PushState.SYNCED
    meeting.push_error = ""
    meeting.push_next_attempt_at = None
    meeting.save()
    timeline_add(meeting=meeting, kind=Kind.CANCELED_IN_ZOOM)
    signals.send_on_commit(signals.lesson_cancelled, meeting=meeting, actor=None, from_zoom=True)
    return meeting


# -- meetings made in Zoom -------------------------------------------------------------------


def _known_host(zoom_object: dict, credential: Credential | None) -> ZoomUser | None:
    host_id = str(zoom_object.get("host_id") or "")
    if not host_id:
        return None
    hosts = ZoomUser.objects.filter(zoom_id=host_id, is_active=True).select_related("credential")
    if credential is not None:
        hosts = hosts.filter(credential=credential)
    return hosts.filter(credential__status=Credential.Status.ACTIVE).order_by("pk").first()


def meeting_create_from_zoom(
    *, payload: dict, credential: Credential | None, kind: str = Meeting.Kind.LESSON
) -> Meeting | None:
    """Zoom's meeting.created: a meeting a known host made in Zoom becomes a lesson marked "made
    in Zoom", which staff keep or ignore.

    Zoom also announces the meetings ZoomHub's own pushes create. Those are recognised by the
    meeting id once the push has stored it, and before that (the event can overtake the create's
    answer) by the lesson reference the push writes into the agenda, which Zoom's event does not
    carry: the meeting is read from Zoom to see it. https://developers.zoom.us/docs/api/meetings/events/
    """
    zoom_object = payload.get("object") or {}
    if find_lesson(zoom_object) is not None:
        return None
    webinar = kind == Meeting.Kind.WEBINAR
    host = _known_host(zoom_object, credential)
    if host is None or zoom_object.get("type") not in ((5, 9) if webinar else (2, 8)):
        return None  # someone ZoomHub does not schedule for, or a meeting without a fixed time
    client = account_services.credential_client(credential=host.credential)
    detail = client.get(f"/{'webinars' if webinar else 'meetings'}/{int(zoom_object['id'])}")
    if ZOOMHUB_REFERENCE in (detail.get("agenda") or ""):
        return None  # ours: the push links it
    meeting = _lesson_from_zoom(host, detail)
    if meeting is None:
        return None
    meeting.made_in_zoom = True
    meeting.kind = kind
    if webinar:
        approval = (detail.get("settings") or {}).get("approval_type")
        meeting.registration = {0: Meeting.Registration.AUTOMATIC, 1: Meeting.Registration.MANUAL}.get(
            approval, Meeting.Registration.OFF
        )
    try:
        with transaction.atomic():
            meeting.save()
            timeline_add(
                meeting=meeting,
                kind=Kind.MADE_IN_ZOOM,
                message=_("Zoom meeting ID %(id)s, made in Zoom by %(host)s.")
                % {"id": meeting.zoom_meeting_id, "host": host.email or host.zoom_id},
            )
            signals.send_on_commit(signals.lesson_scheduled, meeting=meeting, actor=None, from_zoom=True)
    except IntegrityError:
        return None  # a redelivery processed meanwhile, or an import got there first
    return meeting


# -- import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Meeting] = field(default_factory=list)
    already_known: int = 0
    skipped: list[str] = field(default_factory=list)  # why, for the operator


def meetings_import_from_zoom(*, credential: Credential) -> ImportResult:
    """Create lessons for the upcoming meetings of every active host of the credential (by Zoom id, once)."""
    client = account_services.credential_client(credential=credential)
    result = ImportResult()
    for host in credential.zoom_users.filter(is_active=True).order_by("pk"):
        for item in client.paginate(
            f"/users/{host.zoom_id}/meetings", items_key="meetings", params={"type": "upcoming"}
        ):
            _import_one(client, host, item, result)
    return result


def _import_one(client, host: ZoomUser, item: dict, result: ImportResult) -> None:
    zoom_id = int(item["id"])
    if Meeting.objects.filter(zoom_meeting_id=zoom_id).exists():
        result.already_known += 1
        return
    if item.get("type") not in (2, 8):
        result.skipped.append(
            _("%(id)s “%(topic)s”: no fixed time (Zoom type %(type)s)")
            % {"id": zoom_id, "topic": item.get("topic", ""), "type": item.get("type")}
        )
        return
    detail = client.get(f"/meetings/{zoom_id}")
    meeting = _lesson_from_zoom(host, detail)
    if meeting is None:
        result.skipped.append(_("%(id)s: no start time in Zoom's answer") % {"id": zoom_id})
        return
    try:
        with transaction.atomic():
            meeting.save()
            timeline_add(
                meeting=meeting, kind=Kind.IMPORTED, message=_("Zoom meeting ID %(id)s.") % {"id": zoom_id}
            )
            signals.send_on_commit(signals.lesson_scheduled, meeting=meeting, actor=None, from_zoom=True)
    except IntegrityError:
        result.already_known += 1  # imported meanwhile by a concurrent run
        return
    result.created.append(meeting)


def _lesson_from_zoom(host: ZoomUser, detail: dict) -> Meeting | None:
    zone = (
        detail.get("timezone")
        if is_valid_timezone(detail.get("timezone") or "")
        else settings.SCHOOL_TIMEZONE
    )
    occurrences = [
        parse_zoom_time(o.get("start_time"))
        for o in detail.get("occurrences") or []
        if (o.get("status") or "available") != "deleted"
    ]
    occurrences = [o for o in occurrences if o and o > timezone.now()]
    start = occurrences[0] if occurrences else parse_zoom_time(detail.get("start_time"))
    if start is None:
        return None
    zoom_settings = detail.get("settings") or {}
    duration = detail.get("duration") or 60
    meeting = Meeting(
        host=host,
        topic=(detail.get("topic") or _("Zoom meeting %(id)s") % {"id": detail["id"]})[:200],
        description=(detail.get("agenda") or "")[:1500],
        start_at=start,
        timezone=zone,
        duration=min(max(int(duration), 1), MAX_DURATION_MINUTES),
        zoom_meeting_id=int(detail["id"]),
        zoom_uuid=detail.get("uuid") or "",
        join_url=detail.get("join_url") or "",
        password=detail.get("password") or "",
        start_url=detail.get("start_url") or "",
        host_video=bool(zoom_settings.get("host_video", True)),
        participant_video=bool(zoom_settings.get("participant_video", True)),
        waiting_room=bool(zoom_settings.get("waiting_room")),
        join_before_host=bool(zoom_settings.get("join_before_host")),
        mute_upon_entry=bool(zoom_settings.get("mute_upon_entry")),
        auto_recording=zoom_settings.get("auto_recording")
        if zoom_settings.get("auto_recording") in Meeting.AutoRecording.values
        else Meeting.AutoRecording.NONE,
        alternative_hosts=",".join(
            e.strip()
            for e in (zoom_settings.get("alternative_hosts") or "").replace(";", ",").split(",")
            if e.strip()
        )[:1000],
        push_state=Meeting.PushState.SYNCED,
    )
    recurrence = detail.get("recurrence") or {}
    if (
        detail.get("type") in (8, 9)
        and recurrence.get("type") == 2
        and recurrence.get("repeat_interval", 1) == 1
    ):
        weekdays = sorted(
            {
                PYTHON_WEEKDAY[int(d)]
                for d in str(recurrence.get("weekly_days", "")).split(",")
                if d.strip().isdigit()
            }
        )
        if (
            weekdays
            and to_local(start, zone).weekday() in weekdays
            and 1 <= len(occurrences) <= MAX_OCCURRENCES
        ):
            meeting.recurrence_weekdays = ",".join(str(d) for d in weekdays)
            meeting.recurrence_count = len(occurrences)
    return meeting
