"""A staff member's language and time zone: chosen in the header, kept on their user.

Order of precedence for the language: the signed-in user's stored choice, then the language
cookie (set by the header's switcher, so the sign-in page remembers it too), then the
browser's Accept-Language (LocaleMiddleware). The API has no session: Accept-Language decides.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.timezones import activate_viewer_zone, is_valid_timezone

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _apply(request, user) -> None:
    if user.language in SUPPORTED:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    if user.time_zone and is_valid_timezone(user.time_zone):
        timezone.activate(user.time_zone)
        activate_viewer_zone(user.time_zone)


class StaffPreferencesMiddleware:
    """After AuthenticationMiddleware: the user's stored language and zone win for their requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_viewer_zone(None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _apply(request, user)
        try:
            return self.get_response(request)
        finally:
            activate_viewer_zone(None)
            timezone.deactivate()


@receiver(user_logged_in)
def apply_preferences_on_sign_in(sender, request, user, **kwargs):
    # Messages added while signing in ("Signed in as …") are rendered in the user's language.
    if request is not None:
        _apply(request, user)


@require_POST
def set_language(request):
    """The header's switcher: remember the choice on the user (when signed in) and in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("dashboard")
    response = HttpResponseRedirect(next_url)
    if language not in SUPPORTED:
        messages.error(request, _("This language is not available."))
        return response
    user = request.user
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
