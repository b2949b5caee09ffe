"""Where recording files are kept (destinations) and the audit of what ZoomHub removed from Zoom.

A destination is the server's own disk (Django's default storage, what `make run` uses) or an
S3-compatible bucket. Its keys are Fernet-encrypted like Zoom secrets and never shown back.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

# S3 refuses parts under 5 MiB (except the last) and allows at most 10,000 parts of up to 5 GiB.
MIN_PART_SIZE_MB = 5
MAX_PART_SIZE_MB = 5 * 1024


class Destination(models.Model):
    class Kind(models.TextChoices):
        LOCAL = "local", _("This server's disk")
        S3 = "s3", _("S3-compatible object storage")

    class Addressing(models.TextChoices):
        AUTO = "auto", _("Automatic")
        PATH = "path", _("Path style (endpoint/bucket/key; MinIO)")
        VIRTUAL = "virtual", _("Virtual-hosted style (bucket.endpoint/key)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.S3)
    endpoint_url = models.URLField(
        _("endpoint URL"),
        max_length=300,
        blank=True,
        help_text=_("Empty for AWS S3; e.g. https://s3.eu-central-003.backblazeb2.com or your MinIO URL."),
    )
    region = models.CharField(_("region"), max_length=50, blank=True, help_text=_("e.g. eu-central-1."))
    bucket = models.CharField(_("bucket"), max_length=63, blank=True)
    prefix = models.CharField(
        _("key prefix"), max_length=200, blank=True, help_text=_("Folder inside the bucket, e.g. zoom/.")
    )
    access_key_id = EncryptedTextField(_("access key ID"), blank=True, null=True)
    secret_access_key = EncryptedTextField(_("secret access key"), blank=True, null=True)
    addressing_style = models.CharField(
        _("addressing style"), max_length=10, choices=Addressing.choices, default=Addressing.AUTO
    )
    server_side_encryption = models.BooleanField(
        _("server-side encryption"), default=False, help_text=_("Ask the bucket to encrypt objects (AES256).")
    )
    part_checksums = models.BooleanField(
        _("check every part"),
        default=True,
        help_text=_(
            "Ask the storage to check every part (CRC32). Turn off for storage that refuses checksum headers."
        ),
    )
    part_size_mb = models.PositiveIntegerField(
        _("part size (MiB)"),
        default=8,
        validators=[MinValueValidator(MIN_PART_SIZE_MB), MaxValueValidator(MAX_PART_SIZE_MB)],
        help_text=_("Files are uploaded in parts of this size; memory per transfer is about three parts."),
    )
    max_parallel_transfers = models.PositiveSmallIntegerField(
        _("parallel transfers"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(64)],
        help_text=_("At most this many files are written to this destination at once."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep files for (days)"),
        default=0,
        help_text=_("Files older than this are deleted by the daily retention job. 0: keep forever."),
    )
    last_test_ok = models.BooleanField(verbose_name=_("last test OK"), null=True, blank=True, editable=False)
    last_test_message = models.TextField(verbose_name=_("last test message"), blank=True, editable=False)
    last_tested_at = models.DateTimeField(
        verbose_name=_("last tested at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_s3(self) -> bool:
        return self.kind == self.Kind.S3

    @property
    def where(self) -> str:
        """Where files land, for pages: the bucket (and prefix) or the server's disk."""
        if self.is_s3:
            return f"{self.bucket}/{self.prefix}".rstrip("/")
        return str(_("this server's disk"))

    @property
    def part_size(self) -> int:
        return self.part_size_mb * 1024 * 1024


class ZoomCloudDeletion(models.Model):
    """One recording moved to Zoom's trash (or, in a dry run, that would have been): who, when, why."""

    class Outcome(models.TextChoices):
        WOULD_TRASH = "would_trash", _("Would be moved to Zoom's trash (dry run)")
        TRASHED = "trashed", _("Moved to Zoom's trash")
        ALREADY_GONE = "already_gone", _("Already gone from Zoom")
        FAILED = "failed", _("Failed")

    recording = models.ForeignKey(
        "recordings.Recording",
        null=True,
        on_delete=models.SET_NULL,
        related_name="zoom_deletions",
        verbose_name=_("recording"),
    )
    meeting_uuid = models.CharField(verbose_name=_("meeting UUID"), max_length=100)
    source = models.ForeignKey(
        "recordings.Source",
        null=True,
        on_delete=models.SET_NULL,
        related_name="zoom_deletions",
        verbose_name=_("source"),
    )
    policy = models.TextField(
        verbose_name=_("policy"), help_text=_("The rule that allowed it, as it stood at that moment.")
    )
    outcome = models.CharField(verbose_name=_("outcome"), max_length=15, choices=Outcome.choices)
    files = models.JSONField(
        verbose_name=_("files"),
        default=list,
        help_text=_("The verified copies: file, destination, key, sha256."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    trigger = models.CharField(
        verbose_name=_("trigger"), max_length=30, help_text=_("transfer, daily job or command.")
    )
    error = models.TextField(verbose_name=_("error"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Zoom cloud deletion")
        verbose_name_plural = _("Zoom cloud deletions")

    def __str__(self) -> str:
        return f"{self.meeting_uuid} {self.outcome}"
