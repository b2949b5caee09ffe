"""Staff users and the Zoom accounts they connect.

Every secret (client secret, tokens, webhook secret token) is a Fernet-encrypted field: the
database holds only ciphertext, and pages and the admin show them masked.
"""

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField


class User(AbstractUser):
    """A member of the school's staff (custom from day one, so it can grow)."""


def new_webhook_code() -> str:
    return secrets.token_urlsafe(18)


class Credential(models.Model):
    """One connected Zoom account: a Server-to-Server app or a user's OAuth grant."""

    class Kind(models.TextChoices):
        SERVER_TO_SERVER = "server_to_server", _("Server-to-Server OAuth app")
        OAUTH = "oauth", _("User OAuth (Connect with Zoom)")

    class Plan(models.TextChoices):
        # Zoom's per-second rate limits depend on the account's plan.
        FREE = "free", _("Free")
        PRO = "pro", _("Pro")
        BUSINESS = "business", _("Business, Education or Enterprise")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RECONNECT_NEEDED = "reconnect_needed", _("Reconnect needed")
        INVALID = "invalid", _("Invalid")
        REVOKED = "revoked", _("Revoked")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("account name"),
        max_length=200,
        unique=True,
        help_text=_("How staff recognise this account; OAuth accounts are named by the Zoom user's email."),
    )
    is_master_account = models.BooleanField(
        default=False,
        help_text=_("A master account whose app may read its sub-accounts (Server-to-Server only)."),
    )
    account_id = models.CharField(_("Zoom account ID"), max_length=100, blank=True)
    client_id = models.CharField(_("client ID"), max_length=100, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True, null=True)
    access_token = EncryptedTextField(blank=True, null=True)
    refresh_token = EncryptedTextField(blank=True, null=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    scope = models.TextField(blank=True, help_text=_("Scopes Zoom granted, space-separated."))
    zoom_user_id = models.CharField(
        max_length=100, blank=True, help_text=_("For OAuth: the Zoom user who granted access.")
    )
    webhook_secret_token = EncryptedTextField(
        blank=True,
        null=True,
        help_text=_("The app's Secret Token from Zoom's Feature page; verifies webhooks."),
    )
    webhook_code = models.CharField(max_length=40, unique=True, default=new_webhook_code, editable=False)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.PRO)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.TextField(blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    missing_scopes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Scopes ZoomHub needs that Zoom did not grant, as of the last check."),
    )
    users_refreshed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the Zoom users (hosts) were last read from Zoom.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "client_id"],
                condition=Q(kind="server_to_server"),
                name="unique_server_to_server_app",
                violation_error_message=_("This Zoom account ID and client ID are already connected."),
            ),
            models.CheckConstraint(
                condition=Q(is_master_account=False) | Q(kind="server_to_server"),
                name="master_account_is_server_to_server",
                violation_error_message=_("A master account must be a Server-to-Server OAuth app."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_oauth(self) -> bool:
        return self.kind == self.Kind.OAUTH

    @property
    def webhook_path(self) -> str:
        """Where Zoom sends this app's events (Feature → Event Subscriptions → endpoint URL)."""
        return f"/webhooks/zoom/{self.webhook_code}/"


class ZoomUser(models.Model):
    """A Zoom user (a possible lesson host) inside a connected account or its sub-accounts."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="zoom_users")
    zoom_id = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    account_id = models.CharField(
        max_length=100, blank=True, help_text=_("The Zoom (sub-)account the user belongs to.")
    )
    user_type = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("1 basic, 2 licensed"))
    timezone = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True, help_text=_("False once Zoom no longer lists the user."))
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["credential", "zoom_id"], name="unique_zoom_user_per_credential"),
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        name = self.display_name or f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if name else self.email or self.zoom_id
