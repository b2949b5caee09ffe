"""Staff users and the Zoom accounts they connect.

Every secret (client secret, tokens, webhook secret token) is a Fernet-encrypted field: the
database holds only ciphertext, and pages and the admin show them masked.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from encrypted_fields.fields import EncryptedTextField


def validate_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(name)s” is not a time zone name such as Europe/Tallinn."), params={"name": name}
        ) from None


class User(AbstractUser):
    """A member of the school's staff (custom from day one, so it can grow)."""

    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        # Rows written outside Django (a restore, a script) get the browser's language.
        db_default="",
        choices=settings.LANGUAGES,
        help_text=_("Pages in this language; empty: the browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        db_default="",
        validators=[validate_time_zone],
        help_text=_(
            "Lesson times are also shown in this zone when it differs from the school's; "
            "empty: the school's zone only."
        ),
    )


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

    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    name = models.CharField(
        _("account name"),
        max_length=200,
        unique=True,
        help_text=_("How staff recognise this account; OAuth accounts are named by the Zoom user's email."),
    )
    is_master_account = models.BooleanField(
        default=False,
        help_text=_("A master account whose app may read its sub-accounts (Server-to-Server only)."),
        verbose_name=_("master account"),
    )
    account_id = models.CharField(_("Zoom account ID"), max_length=100, blank=True)
    client_id = models.CharField(_("client ID"), max_length=100, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True, null=True)
    access_token = EncryptedTextField(blank=True, null=True, verbose_name=_("access token"))
    refresh_token = EncryptedTextField(blank=True, null=True, verbose_name=_("refresh token"))
    token_expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("token expires at"))
    scope = models.TextField(
        blank=True, help_text=_("Scopes Zoom granted, space-separated."), verbose_name=_("scope")
    )
    zoom_user_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("For OAuth: the Zoom user who granted access."),
        verbose_name=_("Zoom user ID"),
    )
    webhook_secret_token = EncryptedTextField(
        blank=True,
        null=True,
        help_text=_("The app's Secret Token from Zoom's Feature page; verifies webhooks."),
        verbose_name=_("webhook secret token"),
    )
    webhook_code = models.CharField(
        max_length=40, unique=True, default=new_webhook_code, editable=False, verbose_name=_("webhook code")
    )
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.PRO, verbose_name=_("plan"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    last_checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last checked at"))
    missing_scopes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Scopes ZoomHub needs that Zoom did not grant, as of the last check."),
        verbose_name=_("missing scopes"),
    )
    missing_capabilities = models.JSONField(
        verbose_name=_("missing capabilities"),
        default=dict,
        db_default={},
        blank=True,
        help_text=_(
            "For each capability the account is used for, the scopes it lacks, as of the last check."
        ),
    )
    default_host = models.ForeignKey(
        "accounts.ZoomUser",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default host"),
        help_text=_(
            "Lessons made without a host (or with the host “me”) go to this Zoom user. Empty: the "
            "account's only licensed user, else the user the app belongs to."
        ),
    )
    users_refreshed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the Zoom users (hosts) were last read from Zoom."),
        verbose_name=_("users refreshed at"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Zoom account")
        verbose_name_plural = _("Zoom accounts")
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


class ZoomOAuthApp(models.Model):
    """The user-OAuth app behind "Connect with Zoom", when an admin sets it here.

    At most one row. It wins over the environment (OAUTH_ZOOM_CLIENT_ID / _SECRET) and
    config/oauth_zoom.json (accounts.services.oauth_app), so the admin stays the place to change it.
    """

    one = models.BooleanField(verbose_name=_("one"), default=True, editable=False)
    client_id = models.CharField(_("client ID"), max_length=100)
    client_secret = EncryptedTextField(_("client secret"))
    redirect_uri = models.URLField(
        _("redirect URI"),
        max_length=500,
        blank=True,
        help_text=_(
            "The Redirect URL registered in the Zoom app. Empty: ZoomHub's callback of the page or "
            "API route the connection starts from."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Zoom OAuth app (Connect with Zoom)")
        verbose_name_plural = _("Zoom OAuth app (Connect with Zoom)")
        constraints = [
            models.UniqueConstraint(fields=["one"], name="one_zoom_oauth_app"),
            models.CheckConstraint(condition=Q(one=True), name="zoom_oauth_app_one_is_true"),
        ]

    def __str__(self) -> str:
        return self.client_id


ZOOM_USER_STATUSES = {
    "active": pgettext_lazy("Zoom user status", "active"),
    "inactive": pgettext_lazy("Zoom user status", "inactive"),
    "pending": pgettext_lazy("Zoom user status", "pending"),
    "deleted": pgettext_lazy("Zoom user status", "deleted"),
}


class ZoomUser(models.Model):
    """A Zoom user (a possible lesson host) inside a connected account or its sub-accounts."""

    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="zoom_users", verbose_name=_("credential")
    )
    zoom_id = models.CharField(max_length=100, verbose_name=_("Zoom ID"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    first_name = models.CharField(max_length=100, blank=True, verbose_name=_("first name"))
    last_name = models.CharField(max_length=100, blank=True, verbose_name=_("last name"))
    display_name = models.CharField(max_length=200, blank=True, verbose_name=_("display name"))
    account_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The Zoom (sub-)account the user belongs to."),
        verbose_name=_("account ID"),
    )
    user_type = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("1 basic, 2 licensed"), verbose_name=_("user type")
    )
    timezone = models.CharField(max_length=64, blank=True, verbose_name=_("timezone"))
    status = models.CharField(max_length=20, blank=True, verbose_name=_("status"))
    is_active = models.BooleanField(
        default=True, help_text=_("False once Zoom no longer lists the user."), verbose_name=_("active")
    )
    refreshed_at = models.DateTimeField(auto_now=True, verbose_name=_("refreshed at"))

    class Meta:
        verbose_name = _("Zoom user")
        verbose_name_plural = _("Zoom users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["credential", "zoom_id"], name="unique_zoom_user_per_credential"),
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.label(self.display_name, self.first_name, self.last_name, self.email, self.zoom_id)

    LABEL_COLUMNS = ("display_name", "first_name", "last_name", "email", "zoom_id")

    @staticmethod
    def label(display_name: str, first_name: str, last_name: str, email: str, zoom_id: str) -> str:
        """str() of a Zoom user from its LABEL_COLUMNS (for lists read as values)."""
        name = display_name or f"{first_name} {last_name}".strip()
        return f"{name} <{email}>" if name else email or zoom_id

    @property
    def status_label(self) -> str:
        """Zoom's status of the user ("active", "pending" an invitation) in the reader's words."""
        return ZOOM_USER_STATUSES.get(self.status, self.status)
