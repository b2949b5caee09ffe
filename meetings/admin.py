from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings import services
from meetings.models import Meeting, MeetingTimelineEvent, Person
from meetings.timezones import format_lesson_time

# ---------------------------------------------------------------------------------------------
# Lessons: Person, Meeting (branch lessons).
# ---------------------------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "language", "time_zone", "archived_at", "created_at"]
    list_filter = ["role", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "other_emails", "other_names"]
    raw_id_fields = ["zoom_user"]


class TimelineInline(admin.TabularInline):
    model = MeetingTimelineEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "message", "actor", "zoom_uuid"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False


class StartDateFilter(admin.DateFieldListFilter):
    pass


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["topic", "when", "duration", "host", "teacher", "status", "push_state", "zoom_meeting_id"]
    list_filter = [
        "status",
        "push_state",
        ("start_at", StartDateFilter),
        ("host", admin.RelatedOnlyFieldListFilter),
        ("teacher", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["topic", "zoom_meeting_id", "zoom_uuid", "host__email", "teacher__name"]
    list_select_related = ["host__credential", "teacher"]
    date_hierarchy = "start_at"
    autocomplete_fields = ["teacher", "students"]
    actions = ["retry_push", "cancel_lessons"]
    inlines = [TimelineInline]
    # The start link lets anyone start the meeting as its host: never shown here.
    exclude = ["start_url"]
    readonly_fields = [
        "series_end_at",
        "zoom_meeting_id",
        "zoom_uuid",
        "join_url",
        "password",
        "status",
        "started_at",
        "ended_at",
        "push_state",
        "push_error",
        "push_attempts",
        "push_next_attempt_at",
        "push_claimed_at",
        "push_revision",
        "created_by",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("when"), ordering="start_at")
    def when(self, obj: Meeting) -> str:
        return format_lesson_time(obj.start_at, obj.timezone)

    def has_add_permission(self, request):
        # Lessons are scheduled on the Lessons page, where they are checked and sent to Zoom.
        return False

    def has_change_permission(self, request, obj=None):
        # Changes must go through the services so Zoom gets them; the admin is for looking and actions.
        return False

    @admin.action(description=_("Retry the push to Zoom"))
    def retry_push(self, request, queryset):
        count = sum(services.meeting_retry_push(meeting=m, actor=request.user) for m in queryset)
        self.message_user(
            request,
            ngettext("%(count)d lesson sent to Zoom again.", "%(count)d lessons sent to Zoom again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the lessons (deletes their Zoom meetings)"))
    def cancel_lessons(self, request, queryset):
        canceled = 0
        for meeting in queryset.exclude(status=Meeting.Status.CANCELED):
            try:
                services.meeting_cancel(
                    meeting=meeting, actor=request.user, reason=str(_("Canceled in the admin."))
                )
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.WARNING)
            else:
                canceled += 1
        self.message_user(
            request,
            ngettext("%(count)d lesson canceled.", "%(count)d lessons canceled.", canceled)
            % {"count": canceled},
            messages.SUCCESS,
        )
