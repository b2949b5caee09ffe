from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recordings import services
from recordings.forms import DestinationForm
from recordings.models import (
    Destination,
    Recording,
    RecordingFile,
    Source,
    SyncRun,
    SyncStep,
    ZoomCloudDeletion,
)
from recordings.services.destinations import destination_test


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credential",
        "recording_type",
        "is_master_account",
        "download_files",
        "retention_days",
        "active",
    ]
    list_filter = ["active", "recording_type", "is_master_account", "download_files", "credential"]
    search_fields = ["name", "user_id"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["sync_now"]

    @admin.action(description=_("Sync now (incremental)"))
    def sync_now(self, request, queryset):
        for source in queryset:
            try:
                services.sync_run_start(source=source, requested_by=request.user)
            except services.SyncAlreadyRunning:
                self.message_user(
                    request, _("%(name)s: already syncing.") % {"name": source.name}, messages.WARNING
                )
            except ValueError as error:
                self.message_user(request, f"{source.name}: {error}", messages.ERROR)


class SyncStepInline(admin.TabularInline):
    model = SyncStep
    extra = 0
    can_delete = False
    fields = [
        "target",
        "account_id",
        "window_from",
        "window_to",
        "trash",
        "state",
        "pages",
        "recordings_seen",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Only the interesting ones: a big run has thousands of done steps.
        return super().get_queryset(request).exclude(state=SyncStep.State.DONE)


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "source",
        "from_date",
        "to_date",
        "state",
        "steps_done",
        "steps_total",
        "recordings_created",
        "created_at",
    ]
    list_filter = ["state", "trigger", "source"]
    list_select_related = ["source"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [SyncStepInline]

    def has_add_permission(self, request):
        return False


class RecordingFileInline(admin.TabularInline):
    model = RecordingFile
    extra = 0
    can_delete = False
    fields = [
        "zoom_file_id",
        "file_type",
        "file_size",
        "state",
        "download_state",
        "destination",
        "storage_name",
        "bytes_downloaded",
        "sha256",
        "download_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    list_display = ["topic", "start_time", "host_email", "target", "source", "state", "meeting"]
    list_filter = ["state", "legal_hold", "source"]
    list_select_related = ["source", "meeting"]
    search_fields = ["topic", "uuid", "=zoom_meeting_id", "host_email", "target"]
    date_hierarchy = "start_time"
    # Zoom-sourced, read-only; the webhook's download_token is never shown.
    exclude = ["download_token"]
    readonly_fields = [
        f.name
        for f in Recording._meta.fields
        if f.name not in ("download_token", "meeting", "id", "legal_hold")
    ]
    raw_id_fields = ["meeting"]
    inlines = [RecordingFileInline]


@admin.register(RecordingFile)
class RecordingFileAdmin(admin.ModelAdmin):
    list_display = [
        "zoom_file_id",
        "recording",
        "file_type",
        "file_size",
        "state",
        "download_state",
        "download_attempts",
    ]
    list_filter = ["download_state", "state", "file_type"]
    list_select_related = ["recording"]
    search_fields = ["zoom_file_id", "recording__topic", "recording__uuid"]
    readonly_fields = [f.name for f in RecordingFile._meta.fields if f.name != "id"]
    exclude = ["download_url", "play_url"]
    actions = ["download_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.readonly_fields if f not in ("download_url", "play_url")]

    @admin.action(description=_("Download (again) into ZoomHub"))
    def download_again(self, request, queryset):
        queued = sum(1 for f in queryset if services.recording_file_request_download(file=f))
        self.message_user(
            request, ngettext("%(n)d file queued.", "%(n)d files queued.", queued) % {"n": queued}
        )


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    """Keys are write-only here too: the form never renders them; an empty field keeps the stored key."""

    form = DestinationForm
    list_display = ["name", "kind", "bucket", "prefix", "endpoint_url", "retention_days", "last_test_ok"]
    list_filter = ["kind"]
    search_fields = ["name", "bucket"]
    readonly_fields = ["last_test_ok", "last_test_message", "last_tested_at", "created_at", "updated_at"]
    actions = ["test_destinations"]

    @admin.action(description=_("Test: write, read and delete a small object"))
    def test_destinations(self, request, queryset):
        for destination in queryset:
            result = destination_test(destination=destination)
            self.message_user(
                request,
                f"{destination.name}: {result.message}",
                messages.SUCCESS if result.ok else messages.ERROR,
            )


@admin.register(ZoomCloudDeletion)
class ZoomCloudDeletionAdmin(admin.ModelAdmin):
    """The audit of recordings moved to Zoom's trash: read-only."""

    list_display = ["created_at", "meeting_uuid", "source", "outcome", "trigger", "requested_by"]
    list_filter = ["outcome", "trigger", "source"]
    list_select_related = ["source", "requested_by"]
    search_fields = ["meeting_uuid"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ZoomCloudDeletion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
