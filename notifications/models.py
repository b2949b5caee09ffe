"""What ZoomHub tells people and programs about lessons: the mail outbox, reminder settings,
calendar feeds, and outgoing events to the school's own programs.

Writes go through notifications/services.py (mail), notifications/reminders.py,
notifications/feeds.py and notifications/events.py.
"""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

DEFAULT_REMINDER_MINUTES = "1440,60"


def parse_minutes(text: str) -> list[int]:
    """ "1440, 60" → [1440, 60]; ValueError on anything else than positive whole minutes."""
    values = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= 60 * 24 * 14:
            raise ValueError(part)
        values.append(int(part))
    return sorted(set(values), reverse=True)


def validate_minutes(text: str) -> None:
    try:
        parse_minutes(text)
    except ValueError:
        raise ValidationError(
            _("Give minutes before the lesson separated by commas, such as 1440, 60 (at most 14 days).")
        ) from None


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class SchoolNotificationSettings(models.Model):
    """The school's defaults (one row, edited in the admin)."""

    reminder_minutes = models.CharField(
        _("reminders (minutes before)"),
        max_length=100,
        default=DEFAULT_REMINDER_MINUTES,
        blank=True,
        validators=[validate_minutes],
        help_text=_("Minutes before each lesson a reminder is sent, separated by commas; empty: none."),
    )
    invitations_enabled = models.BooleanField(
        _("send invitations"),
        default=True,
        help_text=_("E-mail teachers and students an invitation with a calendar file for each lesson."),
    )

    class Meta:
        verbose_name = _("school notification settings")
        verbose_name_plural = _("school notification settings")

    def __str__(self) -> str:
        return str(_("School notification settings"))

    @classmethod
    def current(cls) -> "SchoolNotificationSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls()


class LessonReminders(models.Model):
    """One lesson's own reminder times, instead of the school's."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lesson"),
    )
    reminder_minutes = models.CharField(
        _("reminders (minutes before)"),
        max_length=100,
        blank=True,
        validators=[validate_minutes],
        help_text=_("Minutes before this lesson a reminder is sent, separated by commas; empty: none."),
    )

    class Meta:
        verbose_name = _("lesson reminders")
        verbose_name_plural = _("lesson reminders")

    def __str__(self) -> str:
        return str(self.meeting)


class PersonNotifications(models.Model):
    """A person's choices: reminders on or off, and the private token of their calendar feed."""

    person = models.OneToOneField(
        "meetings.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    reminders_enabled = models.BooleanField(_("reminders"), default=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # None: no feed (never made, or revoked); a revoked or rotated token answers 404.
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    feed_token_created_at = models.DateTimeField(_("feed created at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person's notifications")
        verbose_name_plural = _("people's notifications")

    def __str__(self) -> str:
        return str(self.person)


class LessonCalendar(models.Model):
    """A lesson's identity in people's calendars: its UID, SEQUENCE, and who holds an invitation."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    uid = models.CharField(_("calendar UID"), max_length=200, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    # What invitees' calendars show; a change of it sends an update with a higher SEQUENCE.
    fingerprint = models.CharField(max_length=64, blank=True)
    invited = models.JSONField(default=list, blank=True, verbose_name=_("invited people"))
    # A webinar's approved registrants who hold an invitation (WebinarRegistrant ids; not Persons).
    invited_registrants = models.JSONField(default=list, blank=True, verbose_name=_("invited registrants"))

    class Meta:
        verbose_name = _("lesson calendar entry")
        verbose_name_plural = _("lesson calendar entries")

    def __str__(self) -> str:
        return self.uid


class OutgoingMessage(models.Model):
    """One e-mail to one person about one event; `key` makes a repeated event or task send nothing new.

    The recipient is a Person, or a webinar's registrant (who is not a Person: they registered in
    Zoom, and get their own join link in the school's language); exactly one of the two is set.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER = "reminder", _("Reminder")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        SKIPPED = "skipped", _("Not sent")

    key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lesson"),
    )
    person = models.ForeignKey(
        "meetings.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    registrant = models.ForeignKey(
        "meetings.WebinarRegistrant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("webinar registrant"),
    )
    to = models.CharField(_("recipient address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    occurrence_at = models.DateTimeField(_("occurrence"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # As sent, except the host's start link, which is kept out of the database and the pages.
    body = models.TextField(_("text"), blank=True)
    calendar = models.TextField(_("calendar file"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, registrant__isnull=True)
                | models.Q(person__isnull=True, registrant__isnull=False),
                name="outgoing_message_to_a_person_or_a_registrant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient_name} ({self.meeting_id})"

    @property
    def recipient_name(self) -> str:
        if self.person_id:
            return self.person.name
        return f"{self.registrant.first_name} {self.registrant.last_name}".strip() or self.to


class EventEndpoint(models.Model):
    """A program of the school's that receives lesson events, signed as Zoom signs its webhooks."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=1000)
    secret = EncryptedTextField(
        _("secret"),
        help_text=_("Signs every delivery (x-zm-signature), as Zoom's Secret Token signs its webhooks."),
    )
    event_types = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("The events it receives; empty: all of them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("event endpoint")
        verbose_name_plural = _("event endpoints")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class EventDelivery(models.Model):
    """One event to one endpoint: the delivery log, retried with back-off until the endpoint answers 2xx."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERING = "delivering", _("Delivering")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Gave up")

    endpoint = models.ForeignKey(
        EventEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event"), max_length=50, db_index=True)
    payload = models.JSONField(_("body"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_event_and_endpoint"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class EventAttempt(models.Model):
    """One HTTP attempt of a delivery, for the log."""

    delivery = models.ForeignKey(
        EventDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.status or self.error[:40]}"
