from django.shortcuts import render
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
