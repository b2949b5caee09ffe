import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.debug import SafeExceptionReporterFilter


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the admins' e-mail, any report handler) without the secrets ZoomHub handles.

    Django hides only what views mark with @sensitive_post_parameters / @sensitive_variables; here
    credentials, tokens, webhook secrets and start links pass through forms, dicts and objects
    everywhere, so a report keeps the traceback, the exception and the POST keys, and hides every
    POST value and every local variable that is not a plain number or flag.
    """

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed.setlist(key, [self.cleansed_substitute])
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, value if value is None or isinstance(value, int | float) else self.cleansed_substitute)
            for name, value in tb_frame.f_locals.items()
        ]


def database_unavailable(error: BaseException | None) -> bool:
    """The database cannot be reached (restart, network): worth a retry, not a bug."""
    return isinstance(error, OperationalError | InterfaceError)


RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a lost database is a 503 that says "try again", without any internals.

    Under /api/ the API's own middleware (api.middleware) gives this answer its JSON error shape.
    """
    error = sys.exc_info()[1]
    if not database_unavailable(error):
        return defaults.server_error(request)
    # No base.html: its context processors would ask the database that just failed.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
