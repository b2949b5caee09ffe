"""A staff member's language and time zone: chosen in the header, kept on their user.

Order of precedence for the language: the signed-in user's stored choice, then the language
cookie (set by the header's switcher, so the sign-in page remembers it too), then the
browser's Accept-Language (LocaleMiddleware). The API has no session: Accept-Language decides.
"""

import zoneinfo
from functools import lru_cache

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User, validate_time_zone
from zoomhub.viewer import activate_viewer_zone

SUPPORTED = {code for code, _name in settings.LANGUAGES}


@lru_cache(maxsize=1)
def _time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def _is_time_zone(name: str) -> bool:
    try:
        validate_time_zone(name)
    except ValidationError:
        return False
    return True


def _apply(request, user) -> None:
    if user.language in SUPPORTED:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    if user.time_zone and _is_time_zone(user.time_zone):
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


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(required=False, label=gettext_lazy("Your time zone"))

    class Meta:
        model = User
        fields = ["language", "time_zone"]
        labels = {"language": gettext_lazy("Language")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *settings.LANGUAGES]
        self.fields["time_zone"].choices = [
            ("", _("The school's time zone")),
            *((n, n.replace("_", " ")) for n in _time_zone_names()),
        ]
        self.fields["time_zone"].help_text = User._meta.get_field("time_zone").help_text


def preferences(request):
    """A staff member's own language and time zone (the header links here)."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language or translation.get_language_from_request(request))
        messages.success(request, _("Your preferences were saved."))
        response = redirect("preferences")
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        return response
    return render(request, "accounts/preferences.html", {"form": form})
