"""Durations, counts and relative times as people say them, with each language's plural forms.

Django's own `naturaltime` words future times stiffly in Estonian ("2 tundi praegusest hetkest"
instead of "2 tunni pärast"), so ZoomHub keeps these few phrases in its own catalogue.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_text(minutes: int | float | None) -> str:
    """90 → "1 hour 30 minutes" / "1 час 30 минут" / "1 tund 30 minutit"."""
    if minutes is None:
        return ""
    hours, rest = divmod(round(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


def lesson_count_text(count: int) -> str:
    """ "1 lesson", "3 урока", "5 уроков", "21 урок"."""
    return ngettext("%(count)d lesson", "%(count)d lessons", count) % {"count": count}


def relative_time(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "in 2 hours" / "через 2 часа" / "2 tunni pärast", or "3 days ago" / "3 дня назад"."""
    if moment is None:
        return ""
    now = now or timezone.now()
    seconds = (moment - now).total_seconds()
    future = seconds > 0
    seconds = abs(seconds)
    if seconds < 60:
        return _("just now")
    minutes = int(seconds // 60)
    hours = int(seconds // 3600)
    days = int(seconds // 86400)
    if future:
        if minutes < 60:
            return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
        if hours < 24:
            return ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if minutes < 60:
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {"count": minutes}
    if hours < 24:
        return ngettext("%(count)d hour ago", "%(count)d hours ago", hours) % {"count": hours}
    return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}
