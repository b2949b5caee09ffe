"""Input sources, sync runs and the recordings they mirror.

Zoom's ids are the keys: a Recording is one meeting instance (its UUID), a RecordingFile one
Zoom file id. Both are unique, so a re-sync or a redelivered webhook updates rows and never
adds a second copy. Recordings Zoom no longer lists are marked (state), never deleted here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from recordings.storage_models import Destination, ZoomCloudDeletion
from zoomhub.clock import short_school_time

__all__ = ["Destination", "Recording", "RecordingFile", "Source", "SyncRun", "SyncStep", "ZoomCloudDeletion"]

DEFAULT_PATH_TEMPLATE = "{year}/{month}/{host_email}/{start:%Y-%m-%d_%H%M} {topic}/{file_type}.{ext}"


class FreeZoomCloud(models.TextChoices):
    OFF = "off", _("Off")
    DRY_RUN = "dry_run", _("Dry run: only list what would be moved to Zoom's trash")
    TRASH = "trash", _("Move verified recordings to Zoom's trash")


class Source(models.Model):
    """What to sync: an "Input Source" (ZoomSourceConfig, docs/recordings.md) on one connected Zoom account."""

    FreeZoomCloud = FreeZoomCloud

    class RecordingType(models.TextChoices):
        # "cloud" is what other recording services mean by it: every file of a cloud recording.
        CLOUD = (
            "cloud",
            _("Every cloud recording file (video, audio, chat, transcripts, captions, summaries)"),
        )
        ALL = "all", _("All files (the same as cloud: Zoom's API lists only cloud recordings)")
        MEDIA = "media", _("Video and audio only (MP4, M4A)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    credential = models.ForeignKey(
        "accounts.Credential",
        on_delete=models.PROTECT,
        related_name="recording_sources",
        verbose_name=_("Zoom account"),
    )
    recording_type = models.CharField(
        _("recording type"), max_length=10, choices=RecordingType.choices, default=RecordingType.CLOUD
    )
    include_trash = models.BooleanField(
        _("include trash"), default=False, help_text=_("Also list recordings in Zoom's trash.")
    )
    user_id = models.CharField(
        _("Zoom user"),
        max_length=200,
        blank=True,
        help_text=_("Sync only this Zoom user (ID or email). Empty: every active user of the account."),
    )
    is_master_account = models.BooleanField(
        _("master account"),
        default=False,
        help_text=_("Read users of sub-accounts through the master account's Server-to-Server app."),
    )
    user_emails = models.JSONField(
        _("user emails"),
        default=list,
        blank=True,
        help_text=_("Master account, variant A: the users whose recordings to sync, one token for all."),
    )
    account_ids = models.JSONField(
        _("sub-account IDs"),
        default=list,
        blank=True,
        help_text=_("Master account, variant B: Zoom account IDs, one token per account, all their users."),
    )
    download_files = models.BooleanField(
        _("store files"),
        default=False,
        help_text=_("Keep a verified copy of every file in the destination (this server's disk by default)."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep copies for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Copies older than this are deleted by the daily retention job. Empty: the destination's rule."
        ),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Synced every hour when active."))
    destination = models.ForeignKey(
        Destination,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        verbose_name=_("destination"),
        help_text=_("Where copies are kept. Empty: this server's disk."),
    )
    path_template = models.CharField(
        _("path template"),
        max_length=300,
        default=DEFAULT_PATH_TEMPLATE,
        help_text=_(
            "Fields: {year} {month} {day} {start:%Y-%m-%d_%H%M} {topic} {host_email} {meeting_id} "
            "{file_type} {recording_type} {file_id} {ext} {source}."
        ),
    )
    free_zoom_cloud = models.CharField(
        _("free Zoom's cloud"),
        max_length=10,
        choices=FreeZoomCloud.choices,
        default=FreeZoomCloud.OFF,
        help_text=_(
            "Move a recording to Zoom's trash once every one of its files is verified in the destination."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("recording source")
        verbose_name_plural = _("recording sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user_emails=[]) | Q(account_ids=[]),
                name="source_emails_or_account_ids",
                violation_error_message=_("Use either user emails or sub-account IDs, not both."),
            ),
            models.CheckConstraint(
                condition=Q(is_master_account=True) | (Q(user_emails=[]) & Q(account_ids=[])),
                name="source_lists_need_master",
                violation_error_message=_("User emails and sub-account IDs are for master accounts only."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from recordings.validation import source_errors

        errors = source_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def variant(self) -> str:
        if self.is_master_account and self.account_ids:
            return "account_ids"
        if self.is_master_account and self.user_emails:
            return "user_emails"
        if self.user_id:
            return "user_id"
        return "account"


class SyncRun(models.Model):
    """One sync of a source over [from_date, to_date]: targets x windows x pages."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly failed")
        FAILED = "failed", _("Failed")

    FINISHED = (State.SUCCEEDED, State.PARTIAL, State.FAILED)

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Sync now")
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Command")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="sync_runs", verbose_name=_("source")
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True, verbose_name=_("state")
    )
    trigger = models.CharField(
        max_length=10, choices=Trigger.choices, default=Trigger.MANUAL, verbose_name=_("trigger")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    celery_task_id = models.CharField(max_length=64, blank=True, verbose_name=_("Celery task ID"))
    planned = models.BooleanField(
        default=False, help_text=_("Targets and windows are stored as steps."), verbose_name=_("planned")
    )
    steps_total = models.PositiveIntegerField(default=0, verbose_name=_("steps total"))
    steps_done = models.PositiveIntegerField(default=0, verbose_name=_("steps done"))
    recordings_seen = models.PositiveIntegerField(default=0, verbose_name=_("recordings seen"))
    recordings_created = models.PositiveIntegerField(default=0, verbose_name=_("recordings created"))
    recordings_updated = models.PositiveIntegerField(default=0, verbose_name=_("recordings updated"))
    api_calls = models.PositiveIntegerField(default=0, verbose_name=_("API calls"))
    error = models.TextField(blank=True, help_text=_("Why the whole run failed."), verbose_name=_("error"))
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many times a worker took it."), verbose_name=_("attempts")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("heartbeat at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_date__lte=models.F("to_date")), name="sync_run_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["source", "state", "-to_date"])]

    def __str__(self) -> str:
        return f"{self.source} {self.from_date}…{self.to_date}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.steps_total:
            return 0
        return min(100, int(100 * self.steps_done / self.steps_total))


class SyncStep(models.Model):
    """One target x one window of a run (or a target's trash); done steps are never repeated."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="steps", verbose_name=_("run"))
    target = models.CharField(
        max_length=200, help_text=_("Zoom user ID, email or 'me'."), verbose_name=_("target")
    )
    account_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The sub-account whose token lists this target."),
        verbose_name=_("account ID"),
    )
    window_from = models.DateField(verbose_name=_("window from"))
    window_to = models.DateField(verbose_name=_("window to"))
    # Zoom's trash is not filtered by dates: one step per target lists all of it.
    trash = models.BooleanField(default=False, verbose_name=_("trash"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    pages = models.PositiveIntegerField(default=0, verbose_name=_("pages"))
    recordings_seen = models.PositiveIntegerField(default=0, verbose_name=_("recordings seen"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("sync step")
        verbose_name_plural = _("sync steps")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "account_id", "target", "window_from", "trash"],
                name="unique_sync_step",
            ),
        ]

    def __str__(self) -> str:
        if self.trash:
            return f"{self.target} trash"
        return f"{self.target} {self.window_from}…{self.window_to}"


class Recording(models.Model):
    """One held meeting instance with cloud recordings (Zoom's meeting UUID)."""

    class State(models.TextChoices):
        AVAILABLE = "available", _("In Zoom")
        TRASHED = "trashed", _("In Zoom's trash")
        DELETED = "deleted", _("Deleted in Zoom")

    uuid = models.CharField(_("meeting UUID"), max_length=100, unique=True)
    zoom_meeting_id = models.BigIntegerField(_("Zoom meeting ID"), db_index=True)
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recordings",
        verbose_name=_("source"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recordings",
        verbose_name=_("lesson"),
        help_text=_("The lesson with this Zoom meeting ID or UUID, when there is one."),
    )
    account_id = models.CharField(max_length=100, blank=True, verbose_name=_("account ID"))
    host_id = models.CharField(max_length=100, blank=True, db_index=True, verbose_name=_("host ID"))
    host_email = models.CharField(max_length=254, blank=True, verbose_name=_("host email"))
    target = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("The Zoom user the sync listed it under."),
        verbose_name=_("target"),
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    meeting_type = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("meeting type"))
    start_time = models.DateTimeField(_("start"))
    duration = models.PositiveIntegerField(_("minutes"), default=0)
    total_size = models.BigIntegerField(default=0, verbose_name=_("total size"))
    recording_count = models.PositiveIntegerField(default=0, verbose_name=_("recording count"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.AVAILABLE, db_index=True, verbose_name=_("state")
    )
    state_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("state changed at"))
    # recording.completed carries a download_token valid for 24 hours; kept encrypted, never shown.
    download_token = EncryptedTextField(blank=True, null=True, verbose_name=_("download token"))
    download_token_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("download token expires at")
    )
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Of Zoom's answer, to skip no-op writes."),
        verbose_name=_("content hash"),
    )
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("Retention never deletes the copies of a held recording.")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["-start_time", "-id"]
        indexes = [
            # The list's order: its pages are index scans, also for date ranges.
            models.Index(fields=["-start_time", "-id"], name="recording_newest_first"),
            models.Index(fields=["source", "-start_time"]),
        ]

    def __str__(self) -> str:
        return f"{self.topic or self.zoom_meeting_id} ({short_school_time(self.start_time)})"


class RecordingFile(models.Model):
    """One file of a recording (Zoom's file id) and the state of our local copy."""

    class Download(models.TextChoices):
        NONE = "none", _("Not requested")
        PENDING = "pending", _("Queued")
        DOWNLOADING = "downloading", _("Downloading")
        DONE = "done", _("Stored and verified")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted by retention")

    recording = models.ForeignKey(
        Recording, on_delete=models.CASCADE, related_name="files", verbose_name=_("recording")
    )
    zoom_file_id = models.CharField(max_length=100, unique=True, verbose_name=_("Zoom file ID"))
    file_type = models.CharField(_("type"), max_length=30, blank=True, db_index=True)
    file_extension = models.CharField(max_length=20, blank=True, verbose_name=_("file extension"))
    recording_type = models.CharField(max_length=60, blank=True, verbose_name=_("recording type"))
    file_size = models.BigIntegerField(_("size"), default=0)
    recording_start = models.DateTimeField(null=True, blank=True, verbose_name=_("recording start"))
    recording_end = models.DateTimeField(null=True, blank=True, verbose_name=_("recording end"))
    zoom_status = models.CharField(max_length=30, blank=True, verbose_name=_("Zoom status"))
    download_url = models.URLField(max_length=1000, blank=True, verbose_name=_("download URL"))
    play_url = models.URLField(max_length=1000, blank=True, verbose_name=_("play URL"))
    state = models.CharField(
        max_length=10,
        choices=Recording.State.choices,
        default=Recording.State.AVAILABLE,
        verbose_name=_("state"),
    )
    download_state = models.CharField(
        max_length=12,
        choices=Download.choices,
        default=Download.NONE,
        db_index=True,
        verbose_name=_("download state"),
    )
    download_error = models.TextField(blank=True, verbose_name=_("download error"))
    download_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("download attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    bytes_downloaded = models.BigIntegerField(
        default=0, help_text=_("Offset of the partial copy."), verbose_name=_("bytes downloaded")
    )
    storage_name = models.CharField(
        max_length=1024, blank=True, help_text=_("Name or key of the copy."), verbose_name=_("storage name")
    )
    destination = models.ForeignKey(
        Destination,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("destination"),
        help_text=_("Where the copy is (or is being written). Empty: this server's disk."),
    )
    upload_id = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The destination's unfinished multipart upload, to resume."),
        verbose_name=_("upload ID"),
    )
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    downloaded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("downloaded at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("recording file")
        verbose_name_plural = _("recording files")
        ordering = ["recording_start", "id"]
        constraints = [
            # Two files never share one object: the path template's output is checked against this.
            models.UniqueConstraint(
                fields=["destination", "storage_name"],
                condition=Q(destination__isnull=False) & ~Q(storage_name=""),
                name="one_file_per_destination_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_type} {self.zoom_file_id}"

    @property
    def has_local_copy(self) -> bool:
        return self.is_stored and self.destination_id is None

    @property
    def is_stored(self) -> bool:
        return self.download_state == self.Download.DONE and bool(self.storage_name)


def recording_file_types() -> list[str]:
    """The file types stored (MP4, M4A, CHAT…), for the list's filter, without reading every file.

    SELECT DISTINCT reads the whole file_type index (100,000 entries for 50,000 recordings); this
    recursive query hops from one type to the next in that index instead: a few lookups per type.
    """
    table = connection.ops.quote_name(RecordingFile._meta.db_table)
    sql = f"""
        WITH RECURSIVE types(file_type) AS (
            SELECT MIN(file_type) FROM {table}
            UNION ALL
            SELECT (SELECT MIN(file_type) FROM {table} WHERE file_type > types.file_type)
            FROM types WHERE types.file_type IS NOT NULL
        )
        SELECT file_type FROM types WHERE file_type IS NOT NULL AND file_type <> ''
    """  # noqa: S608 - the table name is our own model's
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
