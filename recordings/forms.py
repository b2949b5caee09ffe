from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recordings.labels import file_type_label
from recordings.models import Destination, Recording, Source, recording_file_types
from recordings.services.destinations import DESTINATION_FIELDS
from recordings.services.sources import SOURCE_FIELDS
from recordings.validation import normalise_emails, split_list
from zoomhub.compiled import fixed_rows
from zoomhub.widgets import (
    QuickDateInput,
    QuickLabelsForm,
    QuickModelChoiceField,
    QuickNumberInput,
    QuickSelect,
    QuickTextInput,
)


class SourceForm(forms.ModelForm):
    user_emails = forms.CharField(
        label=_("User emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Master accounts only: the Zoom users whose recordings to copy, one email per line "
            "(the usual choice). Leave empty to use sub-account IDs instead."
        ),
    )
    account_ids = forms.CharField(
        label=_("Sub-account IDs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Master accounts only: sub-accounts whose every user's recordings to copy, one account ID "
            "per line. Use this or user emails, not both."
        ),
    )

    class Meta:
        model = Source
        fields = list(SOURCE_FIELDS)
        # Here rather than on the model, whose help texts the admin and engineers read.
        help_texts = {
            "name": _("How the office recognises this source, e.g. “Main account, all teachers”."),
            "credential": _("The Zoom account whose cloud recordings are copied."),
            "recording_type": _("Which of a recording's files to list and keep."),
            "include_trash": _(
                "Also list recordings someone moved to Zoom's trash (Zoom empties it after 30 days)."
            ),
            "user_id": _("Only this Zoom user's recordings (their email). Empty: every user of the account."),
            "is_master_account": _(
                "Tick when the Zoom account is a master account with sub-accounts (rare for schools)."
            ),
            "path_template": _(
                "The folder and file name each copy gets. Words in braces are filled in, e.g. "
                "{year}, {month}, {topic}, {host_email}, {file_type}; leave the default if unsure."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["user_emails"] = "\n".join(self.instance.user_emails or [])
            self.initial["account_ids"] = "\n".join(self.instance.account_ids or [])

    def clean_user_emails(self):
        return normalise_emails(self.cleaned_data.get("user_emails"))

    def clean_account_ids(self):
        return split_list(self.cleaned_data.get("account_ids"))


class SyncNowForm(forms.Form):
    from_date = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Empty: from where the last successful sync ended (a little earlier, to be safe), "
            "or the last 30 days the first time."
        ),
    )
    to_date = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        today = timezone.localdate()
        if end and end > today:
            self.add_error("to_date", _("The end date cannot be in the future."))
        if start and start > (end or today):
            self.add_error("from_date", _("The start date must not be after the end date."))
        if start and start < date(2010, 1, 1):
            self.add_error("from_date", _("Zoom keeps no recordings from before 2010."))
        return data


class RecordingFilterForm(QuickLabelsForm):
    # Quick* widgets and labels: the same HTML, written without the form renderer's templates.
    q = forms.CharField(
        label=_("Topic"),
        required=False,
        widget=QuickTextInput(attrs={"placeholder": _("Part of the topic")}),
        help_text=_("Words from the lesson's name in Zoom."),
    )
    source = QuickModelChoiceField(
        empty_label=_("Any"),
        label=_("Source"),
        queryset=Source.objects.only("id", "name"),
        required=False,
        widget=QuickSelect,
        help_text=_("The connected Zoom account the recordings were fetched from."),
    )
    host = forms.CharField(
        label=_("Host"),
        required=False,
        widget=QuickTextInput(attrs={"placeholder": _("Email")}),
        help_text=_("Part of the Zoom host's email."),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}),
        help_text=_("Recorded on this day or later (school time)."),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}),
        help_text=_("Recorded on this day or earlier."),
    )
    meeting_id = forms.IntegerField(
        label=_("Zoom meeting ID"),
        required=False,
        min_value=0,
        widget=QuickNumberInput(attrs={"placeholder": "81234567890"}),
        help_text=_("The number in the lesson's Zoom link, digits only."),
    )
    lesson = forms.ChoiceField(
        label=_("Linked to a lesson"),
        required=False,
        choices=[("", _("Any")), ("linked", _("Linked to a lesson")), ("unlinked", _("Not linked"))],
        widget=QuickSelect,
        help_text=_("Whether ZoomHub knows which lesson the recording belongs to."),
    )
    file_type = forms.ChoiceField(
        label=_("File type"),
        required=False,
        widget=QuickSelect,
        help_text=_("Video, audio only, chat, transcript…"),
    )
    state = forms.ChoiceField(
        label=_("Zoom's copy"),
        required=False,
        choices=[("", _("Any")), *Recording.State.choices],
        widget=QuickSelect,
        help_text=_("Whether Zoom still has it, in its trash, or deleted it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file_type"].choices = [("", _("Any"))] + [
            (t, file_type_label(t)) for t in recording_file_types()
        ]
        # Plain rows of SQL compiled once (zoomhub.compiled): the same options as the queryset's.
        self.fields["source"].options = _source_options


def _source_options() -> list[tuple[str, str]]:
    rows = fixed_rows("recording-filter-sources", lambda: Source.objects.values_list("pk", "name"))
    return [(str(pk), name) for pk, name in rows]  # Source.__str__ is the name, ordered by name


class DestinationForm(forms.ModelForm):
    """Keys are write-only: the page never shows them back; an empty field keeps the stored key."""

    endpoint_url = forms.URLField(
        label=_("Endpoint URL"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=Destination._meta.get_field("endpoint_url").help_text,
    )
    access_key_id = forms.CharField(
        label=_("Access key ID"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("From the storage provider's access keys page; stored encrypted, never shown again."),
    )
    secret_access_key = forms.CharField(
        label=_("Secret access key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Shown once by the provider next to the key ID; stored encrypted, never shown again."),
    )

    class Meta:
        model = Destination
        fields = list(DESTINATION_FIELDS)
        help_texts = {
            "name": _("How the office recognises this place, e.g. “Archive bucket”."),
            "kind": _("This server's disk, or a bucket at a storage provider (S3-compatible)."),
            "bucket": _("The bucket's name, exactly as the storage provider shows it."),
            "addressing_style": _(
                "How the bucket's name goes into web addresses; leave “Automatic” unless the "
                "provider says otherwise."
            ),
            "server_side_encryption": _("Ask the storage provider to encrypt the files it keeps."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("access_key_id", None)
        self.initial.pop("secret_access_key", None)
        if self.instance.pk and self.instance.access_key_id:
            for name in ("access_key_id", "secret_access_key"):
                self.fields[name].help_text = _(
                    "A key is stored. Leave empty to keep it; type to replace it."
                )

    def clean_access_key_id(self):
        return self.cleaned_data.get("access_key_id") or self.instance.access_key_id or ""

    def clean_secret_access_key(self):
        return self.cleaned_data.get("secret_access_key") or self.instance.secret_access_key or ""

    def clean(self):
        from recordings.services.destinations import destination_errors

        cleaned = super().clean()
        candidate = Destination(**{k: v for k, v in cleaned.items() if k in DESTINATION_FIELDS})
        for field, messages in destination_errors(candidate).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned
