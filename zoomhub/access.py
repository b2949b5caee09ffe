"""Every page is for active staff only, except the few that strangers must reach."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

# Prefixes reachable without a staff session: sign-in and password reset, Zoom's OAuth
# callback (it checks its own state), Zoom's webhooks (signed), the API (its own tokens),
# static files, and what people get in their mail: their calendar feed (a private token) and the
# unsubscribe link (signed). /healthz is answered by zoomhub.health before this runs.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/accounts/2fa/authenticate/",
    "/language/",
    "/zoom-accounts/oauth/callback/",
    "/webhooks/",
    "/api/",
    "/calendar/",
    "/unsubscribe/",
    "/" + settings.STATIC_URL.lstrip("/"),
)


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class StaffOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_path(request.path):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("ZoomHub is for the school's staff."))
        return None
