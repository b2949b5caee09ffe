"""/api/v1/meetings' input made into what meetings.services takes: the host, people, start instant,
weekly recurrence and Zoom settings; a reference that does not resolve is a 400 naming its field.
Shared with the Zoom-compatible endpoints (api/compat_zoom.py)."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Credential, ZoomUser
from accounts.services.hosts import ME
from api.common import MAX_ID
from api.errors import ApiError
from api.meeting_schemas import PersonRef, RecurrenceIn, ZoomSettingsIn
from meetings import services
from meetings.models import Meeting, Person
from meetings.recurrence import WeeklyRecurrence
from meetings.timezones import (
    LocalTimeError,
    is_valid_timezone,
    local_to_utc,
    to_local,
)


def field_error(field: str, message: str) -> ApiError:
    return ApiError(400, message, code="validation_error", fields={field: message})


def find_host(reference: str | None) -> ZoomUser:
    reference = (reference or "").strip()
    if reference in ("", ME):
        try:
            return account_services.default_host(reference=reference)
        except account_services.NoDefaultHost as error:
            raise field_error("host", error.message) from None
    hosts = ZoomUser.objects.select_related("credential").filter(
        Q(zoom_id=reference) | Q(email__iexact=reference)
    )
    hosts = list(hosts.order_by("-is_active", "id")[:10])
    usable = [h for h in hosts if h.is_active and h.credential.status == Credential.Status.ACTIVE]
    if len({h.pk for h in usable}) > 1:
        raise field_error(
            "host",
            _("“%(ref)s” is a Zoom user in several accounts; use the Zoom user ID.") % {"ref": reference},
        )
    if usable:
        return usable[0]
    if hosts:
        return hosts[0]  # lesson_validate says why it cannot host
    raise field_error(
        "host",
        _("No Zoom user “%(ref)s” in the connected accounts (refresh the account's users first).")
        % {"ref": reference},
    )


def find_person(reference: PersonRef, field: str, *, teacher: bool = False) -> Person:
    people = Person.objects.all()
    if teacher:
        people = people.filter(role=Person.Role.TEACHER)
    if isinstance(reference, int):
        found = list(people.filter(pk=reference)[:2]) if 1 <= reference <= MAX_ID else []
    else:
        found = list(people.filter(Q(email__iexact=reference.strip()))[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise field_error(
            field, _("Several people have the email “%(ref)s”; use their id.") % {"ref": reference}
        )
    if teacher:
        raise field_error(field, _("No teacher “%(ref)s”.") % {"ref": reference})
    raise field_error(field, _("No person “%(ref)s”.") % {"ref": reference})


def find_panelists(references: list[PersonRef]) -> tuple[Person, ...]:
    return tuple(
        dict.fromkeys(find_person(ref, f"panelists.{i}", teacher=True) for i, ref in enumerate(references))
    )


def start_from_input(*, start_time, day, time, zone: str, current: Meeting | None) -> dt.datetime:
    if not is_valid_timezone(zone):
        raise field_error("timezone", _("Unknown timezone “%(name)s”.") % {"name": zone})
    if start_time is not None:
        if start_time.tzinfo is None:
            raise field_error("start_time", _("Give the start with its offset, e.g. 2026-02-25T13:00:00Z."))
        if (
            not dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            <= start_time
            <= dt.datetime(2100, 12, 31, tzinfo=dt.UTC)
        ):
            raise field_error("start_time", _("The start must be between 2000 and 2100."))
        return start_time.astimezone(dt.UTC)
    if current is not None:
        local = to_local(current.start_at, current.timezone)
        day = day or local.date()
        time = time or local.time().replace(tzinfo=None)
    if day is None or time is None:
        raise ApiError(
            400,
            _("Give date, time (and timezone), or start_time."),
            code="validation_error",
            fields={"date" if day is None else "time": _("Required unless start_time is given.")},
        )
    try:
        return local_to_utc(day, time, zone)
    except LocalTimeError as error:
        raise field_error("time", str(error)) from None


def recurrence_from_input(data: RecurrenceIn | None) -> WeeklyRecurrence | None:
    if data is None:
        return None
    return WeeklyRecurrence(weekdays=tuple(data.weekdays), count=data.count, until=data.until)


def zoom_settings_from_input(data: ZoomSettingsIn) -> services.ZoomSettings:
    return services.ZoomSettings(
        host_video=data.host_video,
        participant_video=data.participant_video,
        waiting_room=data.waiting_room,
        join_before_host=data.join_before_host,
        mute_upon_entry=data.mute_upon_entry,
        auto_recording=data.auto_recording,
        alternative_hosts=tuple(data.alternative_hosts),
    )


def service_field_names(uses_start_time: bool) -> dict[str, str]:
    return {
        "start_time": "start_time" if uses_start_time else "time",
        "recurrence_weekdays": "recurrence.weekdays",
        "recurrence_count": "recurrence.count",
        "recurrence_until": "recurrence.until",
        "recurrence_end": "recurrence",
    }
