from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import SecretInput
from accounts.masking import mask_secret
from notifications import events
from notifications.models import (
    EventAttempt,
    EventDelivery,
    EventEndpoint,
    LessonReminders,
    OutgoingMessage,
    PersonNotifications,
    SchoolNotificationSettings,
)


@admin.register(SchoolNotificationSettings)
class SchoolNotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reminder_minutes", "invitations_enabled"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SchoolNotificationSettings.objects.exists()


@admin.register(LessonReminders)
class LessonRemindersAdmin(admin.ModelAdmin):
    list_display = ["meeting", "reminder_minutes"]
    autocomplete_fields = ["meeting"]
    search_fields = ["meeting__topic"]


@admin.register(PersonNotifications)
class PersonNotificationsAdmin(admin.ModelAdmin):
    list_display = ["person", "reminders_enabled", "unsubscribed_at", "has_feed"]
    list_filter = ["reminders_enabled"]
    search_fields = ["person__name", "person__email"]
    autocomplete_fields = ["person"]
    readonly_fields = ["unsubscribed_at", "feed_token_created_at"]
    fields = ["person", "reminders_enabled", "unsubscribed_at", "feed_token_created_at"]

    @admin.display(boolean=True, description=_("calendar feed"))
    def has_feed(self, row):
        return bool(row.feed_token)


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "person", "to", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to", "person__name", "meeting__topic", "subject"]
    readonly_fields = [field.name for field in OutgoingMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventEndpointForm(forms.ModelForm):
    """The secret is write-only: a blank box keeps the stored one, nothing is ever shown."""

    # An address typed without a scheme is an https one (Django 6's default, said explicitly).
    url = forms.URLField(label=_("URL"), max_length=1000, assume_scheme="https")
    secret = forms.CharField(label=_("secret"), required=False, widget=SecretInput)
    event_types = forms.MultipleChoiceField(
        label=_("events"),
        required=False,
        choices=[(name, name) for name in events.EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all of them."),
    )

    class Meta:
        model = EventEndpoint
        fields = ["name", "url", "secret", "event_types", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["secret"] = ""
        if self.instance.pk and self.instance.secret:
            self.fields["secret"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                "masked": mask_secret(self.instance.secret)
            }

    def clean_secret(self):
        value = (self.cleaned_data.get("secret") or "").strip()
        if value:
            return value
        if self.instance.pk and self.instance.secret:
            return self.instance.secret
        raise forms.ValidationError(_("Give the endpoint a secret; its program checks signatures with it."))


@admin.register(EventEndpoint)
class EventEndpointAdmin(admin.ModelAdmin):
    form = EventEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]


class EventAttemptInline(admin.TabularInline):
    model = EventAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "state",
        "attempts",
        "last_status",
        "delivered_at",
    ]
    list_filter = ["state", "event_type", "endpoint"]
    readonly_fields = [field.name for field in EventDelivery._meta.fields]
    inlines = [EventAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again (replay) the selected events"))
    def replay(self, request, queryset):
        count = 0
        for delivery in queryset:
            events.delivery_replay(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d event will be sent again.", "%(count)d events will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
