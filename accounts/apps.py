from django.apps import AppConfig

from zoomhub.schedules import DefaultSchedule


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff and Zoom accounts"
    default_schedules = [
        DefaultSchedule(
            name="Refresh Zoom users",
            task="accounts.refresh_all_zoom_users",
            crontab="40 2 * * *",
            description="Reads every active Zoom account's users (lesson hosts) from Zoom, once a day.",
        ),
    ]

    def ready(self):
        from accounts import dashboard
        from zoomhub.cards import dashboard_cards

        dashboard_cards.register(dashboard.cards, app_label=self.label)
