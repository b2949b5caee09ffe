"""The add/edit form of a Zoom account. It validates with the services' rules and never shows a secret."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.masking import mask_secret
from accounts.models import Credential, ZoomUser
from accounts.services.credentials import EDITABLE_FIELDS
from accounts.validation import credential_errors

SECRET_FIELDS = ("client_secret", "access_token", "refresh_token", "webhook_secret_token")


class SecretInput(forms.PasswordInput):
    """A password box that never renders the stored value (render_value stays False)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, render_value=False)


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Credential.Kind.choices,
        initial=Credential.Kind.SERVER_TO_SERVER,
        widget=forms.RadioSelect,
        help_text=_(
            "Server-to-Server apps are the recommended way (and the only one for master accounts). "
            "User OAuth tokens are best connected with “Connect with Zoom”; paste one here only if "
            "you obtained it elsewhere."
        ),
    )
    name = forms.CharField(
        label=_("Account name"),
        max_length=200,
        required=False,
        help_text=_("How staff recognise this account, e.g. “School main account”."),
    )
    account_id = forms.CharField(
        label=_("Account ID"),
        max_length=100,
        required=False,
        help_text=_("Copy it from the app's “App Credentials” page in the Zoom Marketplace."),
    )
    client_id = forms.CharField(
        label=_("Client ID"),
        max_length=100,
        required=False,
        help_text=_("On the same page, under the Account ID."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=SecretInput,
        help_text=_("On the same page. It is stored encrypted and never shown again."),
    )
    access_token = forms.CharField(
        label=_("OAuth access token"),
        required=False,
        widget=SecretInput,
        help_text=_("Only for a token someone gave you; otherwise use “Connect with Zoom”."),
    )
    refresh_token = forms.CharField(
        label=_("OAuth refresh token"),
        required=False,
        widget=SecretInput,
        help_text=_("Comes with the access token; ZoomHub uses it to renew the access token."),
    )
    is_master_account = forms.BooleanField(
        label=_("Master account"),
        required=False,
        help_text=_(
            "The app belongs to a master account and may read its sub-accounts (Server-to-Server only)."
        ),
    )
    plan = forms.ChoiceField(
        label=_("Zoom plan"),
        choices=Credential.Plan.choices,
        initial=Credential.Plan.PRO,
        help_text=_("Zoom's rate limits depend on the plan; ZoomHub paces its calls to stay under them."),
    )
    webhook_secret_token = forms.CharField(
        label=_("Webhook secret token"),
        required=False,
        widget=SecretInput,
        help_text=_("The Secret Token from the app's Feature page in Zoom; it verifies Zoom's events."),
    )

    def __init__(self, *args, credential: Credential | None = None, **kwargs):
        self.credential = credential
        if credential is not None:
            kwargs.setdefault(
                "initial",
                {
                    "default_host": credential.default_host_id,
                    "kind": credential.kind,
                    "name": credential.name,
                    "account_id": credential.account_id,
                    "client_id": credential.client_id,
                    "is_master_account": credential.is_master_account,
                    "plan": credential.plan,
                },
            )
        super().__init__(*args, **kwargs)
        if credential is not None:
            # Hosts are known once the account's users were read, so only an existing account has them.
            self.fields["default_host"] = forms.ModelChoiceField(
                label=_("Default host"),
                queryset=ZoomUser.objects.filter(credential=credential, is_active=True).order_by("email"),
                required=False,
                empty_label=_("Automatic (the only licensed user, else the app's owner)"),
                help_text=_("Lessons made without a host (or for the host “me”) go to this Zoom user."),
            )
            self.fields["kind"].disabled = True
            for name in SECRET_FIELDS:
                stored = mask_secret(getattr(credential, name))
                field = self.fields[name]
                field.widget.attrs["placeholder"] = stored or ""
                if stored:
                    kept = _("Stored: %(masked)s. Leave blank to keep it.") % {"masked": stored}
                    field.help_text = f"{field.help_text} {kept}".strip()

    def clean(self):
        data = super().clean()
        for name in ("name", "account_id", "client_id", *SECRET_FIELDS):
            data[name] = (data.get(name) or "").strip()
        kind = data.get("kind") or (self.credential.kind if self.credential else "")
        stored = self.credential

        def effective(name: str) -> str:
            # A blank secret on edit keeps the stored one, so that is what the rules judge.
            if data[name] or stored is None:
                return data[name]
            return getattr(stored, name) or ""

        errors = credential_errors(
            kind=kind,
            name=data["name"],
            account_id=data["account_id"],
            client_id=data["client_id"],
            client_secret=effective("client_secret"),
            access_token=effective("access_token"),
            is_master_account=bool(data.get("is_master_account")),
            exclude_pk=stored.pk if stored else None,
            require_access_token=not (stored and stored.status == Credential.Status.REVOKED),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
        return data

    def default_host_choice(self) -> tuple[bool, ZoomUser | None]:
        """(whether the form has the field, the chosen host or None for automatic)."""
        if "default_host" not in self.fields:
            return False, None
        return True, self.cleaned_data.get("default_host")

    def service_values(self) -> dict:
        """The cleaned values as credential_create / credential_update take them."""
        data = self.cleaned_data
        values = {name: data[name] for name in EDITABLE_FIELDS}
        # default_host is set with credential_set_default_host (see default_host_choice).
        if self.credential is None:
            values["kind"] = data["kind"]
        return values
