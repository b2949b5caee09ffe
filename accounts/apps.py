from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and Zoom accounts")
    default_schedules = [
        DefaultSchedule(
            name="Refresh Zoom users",
            task="accounts.tasks.zoom_users_refresh_all",
            crontab="40 2 * * *",
            description="Reads every active Zoom account's users (lesson hosts) from Zoom, once a day.",
        ),
    ]

    def ready(self):
        from accounts import preferences  # noqa: F401  (connects the sign-in receiver)
