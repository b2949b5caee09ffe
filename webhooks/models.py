"""The log of Zoom's webhook events: every delivery Zoom makes, stored raw before we answer 200.

The table kept its name from when the log lived in the meetings app (migrated with
SeparateDatabaseAndState, see webhooks/migrations/0001_initial.py).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.Model):
    """One accepted Zoom event, recorded once however often Zoom delivers it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSING = "processing", _("Processing")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")
        # Set before handlers were registered at start-up; events no app handles are UNHANDLED now.
        IGNORED = "ignored", _("Ignored (not an event ZoomHub uses)")
        UNHANDLED = "unhandled", _("Waiting for its handler to be installed")

    credential = models.ForeignKey(
        "accounts.Credential",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_events",
        help_text=_("The account whose webhook URL received it; empty for the user-OAuth app's URL."),
    )
    event_type = models.CharField(_("event"), max_length=100)
    event_ts = models.BigIntegerField(
        _("Zoom's event time (ms)"), null=True, blank=True, help_text=_("The body's event_ts.")
    )
    fingerprint = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("Hash of the event's identity (type, event_ts, object ids), so redeliveries collapse."),
    )
    raw_body = models.TextField(help_text=_("The body exactly as Zoom signed it."))
    body = models.JSONField()

    # Copied out of the body so lookups by account, meeting and participant use indexes.
    account_id = models.CharField(_("Zoom account ID"), max_length=100, blank=True)
    zoom_meeting_id = models.CharField(_("Zoom meeting ID"), max_length=64, blank=True)
    zoom_meeting_uuid = models.CharField(_("Zoom meeting UUID"), max_length=100, blank=True)
    participant_uuid = models.CharField(max_length=100, blank=True)
    participant_user_id = models.CharField(max_length=100, blank=True)
    participant_email = models.CharField(max_length=254, blank=True)
    participant_name = models.CharField(max_length=255, blank=True)

    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("How often a worker claimed it."))
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a worker may claim it next; empty once it needs nothing more."),
    )
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a processing task was last sent to the broker.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "meetings_webhookevent"
        verbose_name = _("webhook event")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The sweep: claimable events whose time has come.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_event_due",
                condition=Q(state__in=["pending", "failed"]),
            ),
            # Reclaiming claims of workers that died.
            models.Index(
                fields=["claimed_at"], name="webhook_event_claimed", condition=Q(state="processing")
            ),
            models.Index(
                fields=["event_type"], name="webhook_event_unhandled", condition=Q(state="unhandled")
            ),
            models.Index(fields=["zoom_meeting_id", "event_ts"], name="webhook_event_meeting"),
            models.Index(fields=["zoom_meeting_uuid", "event_ts"], name="webhook_event_instance"),
            models.Index(fields=["received_at"], name="webhook_event_received"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"
