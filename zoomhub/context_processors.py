from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation; an entry appears once its app serves the page.
NAVIGATION = [
    ("accounts:credential_list", _("Zoom accounts")),
    ("meetings:lesson_list", _("Lessons")),
    ("people:person_list", _("People")),
    ("recordings:recording_list", _("Recordings")),
    ("attendance:session_list", _("Attendance")),
    ("notifications:mail_list", _("Outgoing mail")),
]


def _nav_items():
    items = []
    for url_name, label in NAVIGATION:
        try:
            items.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return items


def zoomhub(request):
    return {
        "ZOOM_SANDBOX": settings.ZOOM_SANDBOX,
        "SCHOOL_TIMEZONE": settings.SCHOOL_TIMEZONE,
        "nav_items": _nav_items(),
    }
