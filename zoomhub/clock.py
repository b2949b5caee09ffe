"""One clock: every time a person sees is on the school's clock (or the viewer's, once staff
users have a time zone of their own), and says which clock it is when it could be read otherwise.

The middleware activates that zone for the request, so Django's own date filters, the admin's
lists and its date-time inputs all use it; the `clock` template filters add the label.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


def viewer_zone_name(request=None) -> str:
    user = getattr(request, "user", None)
    name = getattr(user, "time_zone", "") if user is not None else ""
    return name or settings.SCHOOL_TIMEZONE


def city_label(name: str) -> str:
    """ "Europe/Tallinn" → "Tallinn", "America/New_York" → "New York", "UTC" → "UTC"."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


# Zones whose label each language words with the city's own inflected name ("по Таллину",
# "Tallinna aja järgi"); any other zone gets the general "%(city)s time" with the city as Zoom
# spells it.
KNOWN_ZONE_LABELS = {
    "Europe/Tallinn": gettext_lazy("Tallinn time"),
    "Europe/Helsinki": gettext_lazy("Helsinki time"),
    "Europe/Riga": gettext_lazy("Riga time"),
    "Europe/Vilnius": gettext_lazy("Vilnius time"),
    "Europe/Stockholm": gettext_lazy("Stockholm time"),
    "Europe/Moscow": gettext_lazy("Moscow time"),
    "Europe/Kyiv": gettext_lazy("Kyiv time"),
    "Europe/Kiev": gettext_lazy("Kyiv time"),
    "Europe/Minsk": gettext_lazy("Minsk time"),
    "Europe/Warsaw": gettext_lazy("Warsaw time"),
    "Europe/Berlin": gettext_lazy("Berlin time"),
    "Europe/London": gettext_lazy("London time"),
    "America/New_York": gettext_lazy("New York time"),
}


def zone_label(name: str) -> str:
    """How a time's zone is written after it: "Tallinn time", "по Таллину", "Tallinna aja järgi"."""
    if name.upper() in {"UTC", "ETC/UTC", "GMT", "ETC/GMT"}:
        return "UTC"
    if name in KNOWN_ZONE_LABELS:
        return str(KNOWN_ZONE_LABELS[name])
    return _("%(city)s time") % {"city": city_label(name)}


class SchoolTimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(zoneinfo.ZoneInfo(viewer_zone_name(request)))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.SCHOOL_TIMEZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def local_time_writer(*, label: bool = True):
    """local_time for the many times of one list page: the zone's label and the month names are
    looked up once per page instead of once per row (the same text as local_time)."""
    zone = timezone.get_current_timezone()
    suffix = f" ({zone_label(timezone.get_current_timezone_name())})" if label else ""
    months: dict[int, str] = {}

    def write(moment: dt.datetime | None) -> str:
        if not moment:
            return ""
        local = timezone.localtime(moment, zone)
        month = months.get(local.month)
        if month is None:
            month = months[local.month] = formats.date_format(local, "M")
        return f"{local.day} {month} {local.year:04d}, {local:%H:%M}{suffix}"

    return write


def local_time(moment: dt.datetime | None, *, label: bool = True) -> str:
    """ "2 Dec 2026, 08:52 (Tallinn time)" on the active clock."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    text = f"{formats.date_format(local, 'j M Y')}, {local:%H:%M}"
    if label:
        text += f" ({zone_label(timezone.get_current_timezone_name())})"
    return text


def duration_text(seconds: float | None) -> str:
    """ "14 s", "3 min 5 s", "2 h 4 min": how long something took."""
    if seconds is None:
        return ""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


def short_school_time(moment: dt.datetime | None) -> str:
    """ "2026-12-02 08:52" on the school's clock: for object names in the admin and in logs."""
    if not moment:
        return ""
    return f"{moment.astimezone(zoneinfo.ZoneInfo(settings.SCHOOL_TIMEZONE)):%Y-%m-%d %H:%M}"
