from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff and Zoom accounts")
    default_schedules = [
        DefaultSchedule(
            name="Refresh Zoom users",
            task="accounts.refresh_all_zoom_users",
            crontab="40 2 * * *",
            description="Reads every active Zoom account's users (lesson hosts) from Zoom, once a day.",
        ),
    ]

    def ready(self):
        from accounts import dashboard, preferences  # noqa: F401  (preferences connects the sign-in receiver)
        from zoomhub.cards import dashboard_cards

        dashboard_cards.register(dashboard.cards, app_label=self.label)
