from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """Only `make run` and the tests install this app (sandbox.settings): it holds their commands."""

    name = "sandbox"
    verbose_name = "Zoom sandbox (development and tests)"
