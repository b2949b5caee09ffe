from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from attendance.models import Attendance, ManualMatch, Segment, Session


class OverriddenFilter(admin.SimpleListFilter):
    title = _("status set by staff")
    parameter_name = "overridden"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(override_status="")
        if self.value() == "no":
            return queryset.filter(override_status="")
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["person", "role", "present", "minutes", "first_join", "last_leave", "late", "left_early"]
    readonly_fields = fields


class SegmentInline(ReadOnlyInline):
    model = Segment
    fields = ["name", "email", "join_at", "leave_at", "source", "match", "person", "match_method"]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "meeting",
        "scheduled_start",
        "status",
        "computed_status",
        "override_status",
        "data_state",
        "needs_review",
    ]
    list_filter = ["status", OverriddenFilter, "computed_status", "data_state", "needs_review"]
    search_fields = ["meeting__topic", "zoom_uuid", "teacher__name"]
    date_hierarchy = "scheduled_start"
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting", "teacher"]
    # What Zoom said and what was computed is not edited here: staff decide on the session page.
    readonly_fields = [
        "meeting",
        "zoom_uuid",
        "scheduled_start",
        "scheduled_end",
        "actual_start",
        "actual_end",
        "teacher",
        "status",
        "computed_status",
        "computed_at",
        "needs_review",
        "threshold_minutes",
        "data_state",
        "data_reason",
        "data_source",
        "fetch_attempts",
        "next_fetch_at",
        "fetch_claimed_at",
        "override_status",
        "override_reason",
        "overridden_by",
        "overridden_at",
    ]
    exclude = ["timeline_start", "timeline_minutes"]
    inlines = [AttendanceInline, SegmentInline]

    def has_add_permission(self, request):
        return False


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["session", "name", "email", "join_at", "leave_at", "source", "match", "person"]
    list_filter = ["source", "match"]
    search_fields = ["name", "email", "session__meeting__topic"]
    list_select_related = ["session__meeting", "person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManualMatch)
class ManualMatchAdmin(admin.ModelAdmin):
    list_display = ["session", "participant_key", "person", "learned_alias", "matched_by", "matched_at"]
    list_select_related = ["session__meeting", "person", "matched_by"]
    readonly_fields = ["session", "participant_key", "person", "learned_alias", "matched_by", "matched_at"]

    def has_add_permission(self, request):
        return False
