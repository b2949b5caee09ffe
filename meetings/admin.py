from dataclasses import replace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings import services
from meetings.models import Meeting, MeetingTimelineEvent, Person
from meetings.timezones import format_lesson_time
from zoomhub.collation import by_name

# ---------------------------------------------------------------------------------------------
# Lessons: Person, Meeting (branch lessons).
# ---------------------------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "language", "time_zone", "archived_at", "created_at"]
    list_filter = ["role", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "other_emails", "other_names"]
    raw_id_fields = ["zoom_user"]

    def get_ordering(self, request):
        return [by_name()]


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


# The only fields the admin may change, each through meeting_reschedule so Zoom gets the change.
ZOOM_SETTING_FIELDS = (
    "host_video",
    "participant_video",
    "waiting_room",
    "join_before_host",
    "mute_upon_entry",
    "auto_recording",
)


class LessonZoomSettingsForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ZOOM_SETTING_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.instance.status in (Meeting.Status.CANCELED, Meeting.Status.ENDED):
            raise ValidationError(
                _("A %(status)s lesson cannot be changed.")
                % {"status": self.instance.get_status_display().lower()}
            )
        return cleaned


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
    form = LessonZoomSettingsForm
    # The start link lets anyone start the meeting as its host: never shown here.
    exclude = ["start_url"]
    # Everything but the Zoom settings is read-only here: times, hosts and people are changed on
    # the Lessons page, where they are checked.
    readonly_fields = [
        "topic",
        "description",
        "start_at",
        "timezone",
        "duration",
        "host",
        "teacher",
        "students",
        "recurrence_weekdays",
        "recurrence_count",
        "recurrence_until",
        "alternative_hosts",
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

    def save_model(self, request, obj, form, change):
        """Only the Zoom settings change here, through the lessons service (so Zoom gets them)."""
        current = Meeting.objects.select_related("host__credential", "teacher").get(pk=obj.pk)
        plan = services.LessonPlan(
            host=current.host,
            topic=current.topic,
            start=current.start_at,
            duration=current.duration,
            timezone=current.timezone,
            teacher=current.teacher,
            students=tuple(current.students.all()),
            description=current.description,
            recurrence=current.recurrence,
            zoom_settings=replace(
                services.zoom_settings_of(current),
                **{name: form.cleaned_data[name] for name in ZOOM_SETTING_FIELDS},
            ),
        )
        try:
            services.meeting_reschedule(meeting=current, plan=plan, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

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
