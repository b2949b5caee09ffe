"""A school connected to the Zoom sandbox whose app sends its events, signed, to this test's live
server: what Zoom does in the sandbox reaches ZoomHub through the real intake.

    school = LiveSchool(zoom_sandbox, live_server)
    school.control.change_user(school.TEACHER, status="inactive")
    school.deliver_and_process(["user.deactivated"])
"""

import time

from accounts.models import Credential, ZoomUser
from accounts.services import zoom_users_refresh
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_process

ACCOUNT = "liveSchoolAcct01"
CLIENT_ID = "liveSchoolClient01"
CLIENT_SECRET = "live-school-client-secret-0123"
WEBHOOK_SECRET = "live-school-webhook-secret-0123"


def wait_for(predicate, *, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class LiveSchool:
    OWNER = "ownerUser01"
    TEACHER = "teacherUser01"
    WEBINAR_HOST = "webinarHost01"  # has Zoom's Webinars add-on

    def __init__(self, zoom, live_server, settings) -> None:
        for name, value in zoom.settings_overrides.items():
            setattr(settings, name, value)
        self.zoom = zoom
        self.control = zoom.control
        self.control.add_account(
            id=ACCOUNT, name="Live school", plan="business", owner_email="owner@school.example"
        )
        self.control.add_user(
            id=self.OWNER, account_id=ACCOUNT, email="owner@school.example", first_name="Olga"
        )
        self.control.add_user(
            id=self.TEACHER,
            account_id=ACCOUNT,
            email="anna@school.example",
            first_name="Anna",
            last_name="Tamm",
            timezone="Europe/Tallinn",
        )
        self.control.add_user(
            id=self.WEBINAR_HOST,
            account_id=ACCOUNT,
            email="events@school.example",
            first_name="Events",
            last_name="Desk",
            timezone="Europe/Tallinn",
            webinar=True,
        )
        self.credential = Credential.objects.create(
            kind=Credential.Kind.SERVER_TO_SERVER,
            name="Live school",
            account_id=ACCOUNT,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            webhook_secret_token=WEBHOOK_SECRET,
        )
        self.control.add_app(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            kind="server_to_server",
            account_id=ACCOUNT,
            webhook_secret=WEBHOOK_SECRET,
            webhook_urls=[live_server.url + self.credential.webhook_path],
        )
        zoom_users_refresh(credential=self.credential)
        self.sent = 0  # deliveries already awaited

    def host(self, zoom_id: str | None = None) -> ZoomUser:
        return ZoomUser.objects.get(credential=self.credential, zoom_id=zoom_id or self.TEACHER)

    def deliver_and_process(self, expected_events: list[str]) -> list[WebhookEvent]:
        """Wait until the sandbox has sent these events (every one answered 200 by the intake), then
        process the stored rows in order, as a worker would; returns them, each processed."""
        wanted = self.sent + len(expected_events)
        attempts = self.control.deliveries(wait_for=wanted, timeout=20)
        assert len(attempts) >= wanted, attempts
        new = attempts[self.sent : wanted]
        self.sent = wanted
        assert [a["event"] for a in new] == expected_events
        assert {a["status"] for a in new} == {200}, new
        stored = list(WebhookEvent.objects.filter(event_type__in=expected_events).order_by("event_ts", "pk"))
        for event in stored:
            webhook_event_process(event_id=event.pk)
        assert wait_for(
            lambda: (
                not WebhookEvent.objects.filter(
                    pk__in=[e.pk for e in stored],
                    state__in=[WebhookEvent.State.PENDING, WebhookEvent.State.PROCESSING],
                ).exists()
            )
        )
        for event in stored:
            event.refresh_from_db()
            assert event.state == WebhookEvent.State.PROCESSED, (event.event_type, event.last_error)
        return stored
