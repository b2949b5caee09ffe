"""The webhook event log in the admin: read-only, filterable, with a "reprocess" action."""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_reprocess

# Values in Zoom bodies that grant access (a recording's 24-hour download token, meeting and
# recording passcodes, the legacy verification token in app_deauthorized): never shown.
MASKED_KEYS = frozenset(
    {
        "download_token",
        "signature",
        "password",
        "encrypted_password",
        "passcode",
        "recording_play_passcode",
        "start_url",
        "token",
        "access_token",
        "refresh_token",
    }
)
MASK = "••••••"


def masked(value):
    if isinstance(value, dict):
        return {k: (MASK if k in MASKED_KEYS and v else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


# Loading a credential decrypts all its secrets; the log needs only its name.
CREDENTIAL_SECRETS = (
    "credential__client_secret",
    "credential__access_token",
    "credential__refresh_token",
    "credential__webhook_secret_token",
)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "state",
        "credential",
        "zoom_meeting_id",
        "attempts",
        "short_error",
        "received_at",
    ]
    list_filter = ["state", "event_type", "credential"]
    search_fields = ["zoom_meeting_id", "zoom_meeting_uuid"]
    search_help_text = _("A Zoom meeting ID (spaces allowed) or a meeting UUID.")
    date_hierarchy = "received_at"
    actions = ["reprocess"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["event_type", "state", "credential", "received_at", "event_ts"]}),
        (
            _("Processing"),
            {
                "fields": [
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "enqueued_at",
                    "claimed_at",
                    "processed_at",
                ]
            },
        ),
        (
            _("Indexed from the body"),
            {
                "fields": [
                    "account_id",
                    "zoom_meeting_id",
                    "zoom_meeting_uuid",
                    "participant_uuid",
                    "participant_user_id",
                    "participant_email",
                    "participant_name",
                    "fingerprint",
                ]
            },
        ),
        (_("Body"), {"fields": ["body_display"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for section in self.fieldsets for f in section[1]["fields"]]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("credential").defer(*CREDENTIAL_SECRETS)

    def get_search_results(self, request, queryset, search_term):
        """Exact matches on the indexed columns: a meeting ID as Zoom prints it, or a UUID."""
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = term.replace(" ", "").replace("-", "")
        if digits.isdigit():
            return queryset.filter(zoom_meeting_id=digits), False
        return queryset.filter(zoom_meeting_uuid=term), False

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.queryset = changelist.queryset.defer("raw_body", "body")
        return changelist

    @admin.display(description=_("last error"))
    def short_error(self, event: WebhookEvent) -> str:
        return Truncator(event.last_error).chars(80)

    @admin.display(description=_("body as received (access tokens and passcodes masked)"))
    def body_display(self, event: WebhookEvent) -> str:
        return format_html(
            '<pre class="webhook-body">{}</pre>', json.dumps(masked(event.body), indent=2, ensure_ascii=False)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # Zoom's record of what happened: nobody edits it

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookevent")

    @admin.action(description=_("Reprocess the selected events"), permissions=["reprocess"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        queued = webhook_events_reprocess(event_ids=selected)
        skipped = len(selected) - queued
        self.message_user(
            request,
            ngettext(
                "%(count)d event queued for processing.", "%(count)d events queued for processing.", queued
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d event is being processed right now and was left alone.",
                    "%(count)d events are being processed right now and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
