from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services, tasks
from accounts.forms import SECRET_FIELDS, SecretInput
from accounts.masking import mask_secret
from accounts.models import Credential, User, ZoomOAuthApp, ZoomUser
from accounts.validation import credential_errors
from zoomhub.queueing import enqueue_on_commit


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (_("Preferences"), {"fields": ("language", "time_zone")}))


class CredentialAdminForm(forms.ModelForm):
    """Secrets are write-only here: a blank box keeps the stored value, nothing is ever shown."""

    client_secret = forms.CharField(label=_("client secret"), required=False, widget=SecretInput)
    access_token = forms.CharField(label=_("access token"), required=False, widget=SecretInput)
    refresh_token = forms.CharField(label=_("refresh token"), required=False, widget=SecretInput)
    webhook_secret_token = forms.CharField(
        label=_("webhook secret token"), required=False, widget=SecretInput
    )

    class Meta:
        model = Credential
        fields = [
            "kind",
            "name",
            "is_master_account",
            "account_id",
            "client_id",
            "client_secret",
            "access_token",
            "refresh_token",
            "webhook_secret_token",
            "plan",
            "default_host",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance if self.instance.pk else None
        self.fields["default_host"].queryset = ZoomUser.objects.filter(
            credential=stored, is_active=True
        ).order_by("email")
        for name in SECRET_FIELDS:
            # The model form would put the decrypted value in the box: never.
            self.initial[name] = ""
            masked = mask_secret(getattr(stored, name, None)) if stored else ""
            if masked:
                self.fields[name].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                    "masked": masked
                }
        if stored:
            self.fields["kind"].disabled = True

    def clean(self):
        data = super().clean()
        stored = self.instance if self.instance.pk else None
        for name in SECRET_FIELDS:
            data[name] = (
                (data.get(name) or "").strip() or (getattr(stored, name, None) if stored else "") or ""
            )
        errors = credential_errors(
            kind=data.get("kind") or (stored.kind if stored else ""),
            name=(data.get("name") or "").strip(),
            account_id=(data.get("account_id") or "").strip(),
            client_id=(data.get("client_id") or "").strip(),
            client_secret=data["client_secret"],
            access_token=data["access_token"],
            is_master_account=bool(data.get("is_master_account")),
            exclude_pk=stored.pk if stored else None,
            require_access_token=not (stored and stored.status == Credential.Status.REVOKED),
        )
        for field, field_errors in errors.items():
            for message in field_errors:
                self.add_error(None if field not in self.fields else field, message)
        return data

    def _post_clean(self):
        # credential_errors already checked names, duplicates and the master-account rule in
        # words staff understand, and the form fields the rest; the model's constraint
        # messages would only repeat them. The service saves.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialAdminForm
    list_display = ["name", "kind", "status", "is_master_account", "plan", "last_checked_at", "host_count"]
    list_filter = ["kind", "status", "is_master_account", "plan"]
    search_fields = ["name", "account_id", "client_id", "zoom_user_id"]
    readonly_fields = [
        "status",
        "webhook_path",
        "masked_secrets",
        "token_expires_at",
        "scope",
        "missing_scopes",
        "missing_capabilities",
        "zoom_user_id",
        "last_error",
        "last_checked_at",
        "users_refreshed_at",
        "created_at",
        "updated_at",
    ]
    actions = ["test_connection", "refresh_users"]

    @admin.display(description=_("Webhook path"))
    def webhook_path(self, obj):
        return obj.webhook_path

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_host_count=Count("zoom_users", filter=Q(zoom_users__is_active=True)))
        )

    @admin.display(description=_("hosts"), ordering="_host_count")
    def host_count(self, obj):
        return obj._host_count

    @admin.display(description=_("stored secrets"))
    def masked_secrets(self, obj):
        parts = [f"{name}: {mask_secret(getattr(obj, name))}" for name in SECRET_FIELDS if getattr(obj, name)]
        return "; ".join(parts) or "—"

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data.get(name)
            for name in CredentialAdminForm.Meta.fields
            if name not in ("kind", "default_host")
        }
        try:
            if change:
                saved = services.credential_update(credential=obj, **values)
                services.credential_set_default_host(
                    credential=saved, host=form.cleaned_data.get("default_host")
                )
            else:
                saved = services.credential_create(kind=form.cleaned_data["kind"], **values)
        except ValidationError as error:
            # Another admin got there first; the form's own check passed a moment ago.
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        obj.pk = saved.pk

    @admin.action(description=_("Test connection (in the background)"))
    def test_connection(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        for pk in ids:
            enqueue_on_commit(tasks.credential_check_task, credential_id=pk)
        self.message_user(
            request,
            ngettext(
                "Checking %(count)d Zoom account; its status and last check update when done.",
                "Checking %(count)d Zoom accounts; their status and last check update when done.",
                len(ids),
            )
            % {"count": len(ids)},
        )

    @admin.action(description=_("Refresh Zoom users (in the background)"))
    def refresh_users(self, request, queryset):
        ids = list(queryset.filter(status=Credential.Status.ACTIVE).values_list("pk", flat=True))
        for pk in ids:
            enqueue_on_commit(tasks.zoom_users_refresh_task, credential_id=pk)
        self.message_user(
            request,
            ngettext(
                "Reading the users of %(count)d active Zoom account.",
                "Reading the users of %(count)d active Zoom accounts.",
                len(ids),
            )
            % {"count": len(ids)},
        )


@admin.register(ZoomUser)
class ZoomUserAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "display_name",
        "credential",
        "account_id",
        "user_type",
        "is_active",
        "refreshed_at",
    ]
    list_filter = ["is_active", "credential", "user_type"]
    list_select_related = ["credential"]
    search_fields = ["email", "first_name", "last_name", "display_name", "zoom_id"]
    readonly_fields = [
        "credential",
        "zoom_id",
        "email",
        "first_name",
        "last_name",
        "display_name",
        "account_id",
        "user_type",
        "timezone",
        "status",
        "is_active",
        "refreshed_at",
    ]
    actions = ["refresh_users"]

    def has_add_permission(self, request):
        return False  # Zoom users come from Zoom

    @admin.action(description=_("Refresh the Zoom users of their accounts (in the background)"))
    def refresh_users(self, request, queryset):
        ids = list(
            Credential.objects.filter(zoom_users__in=queryset, status=Credential.Status.ACTIVE)
            .distinct()
            .values_list("pk", flat=True)
        )
        for pk in ids:
            enqueue_on_commit(tasks.zoom_users_refresh_task, credential_id=pk)
        self.message_user(
            request,
            ngettext(
                "Reading the users of %(count)d Zoom account.",
                "Reading the users of %(count)d Zoom accounts.",
                len(ids),
            )
            % {"count": len(ids)},
        )


class ZoomOAuthAppForm(forms.ModelForm):
    """The secret is write-only: a blank box keeps the stored one, nothing is ever shown."""

    client_secret = forms.CharField(label=_("client secret"), required=False, widget=SecretInput)
    redirect_uri = forms.URLField(
        label=_("redirect URI"),
        required=False,
        assume_scheme="https",
        help_text=ZoomOAuthApp._meta.get_field("redirect_uri").help_text,
    )

    class Meta:
        model = ZoomOAuthApp
        fields = ["client_id", "client_secret", "redirect_uri"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["client_secret"] = ""
        masked = mask_secret(self.instance.client_secret) if self.instance.pk else ""
        if masked:
            self.fields["client_secret"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                "masked": masked
            }

    def clean_client_id(self):
        client_id = self.cleaned_data["client_id"].strip()
        if len(client_id) < 5 or any(ch.isspace() for ch in client_id):
            raise ValidationError(_("Copy the Client ID from the Zoom app's App Credentials page."))
        return client_id

    def clean_client_secret(self):
        secret = (self.cleaned_data.get("client_secret") or "").strip()
        if secret:
            if len(secret) < 10:
                raise ValidationError(_("The client secret must be at least 10 characters long."))
            return secret
        if self.instance.pk and self.instance.client_secret:
            return self.instance.client_secret
        raise ValidationError(_("Paste the Client Secret from the Zoom app's App Credentials page."))


@admin.register(ZoomOAuthApp)
class ZoomOAuthAppAdmin(admin.ModelAdmin):
    form = ZoomOAuthAppForm
    list_display = ["client_id", "redirect_uri", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        # One app: its row is edited, never a second one added.
        return super().has_add_permission(request) and not ZoomOAuthApp.objects.exists()
