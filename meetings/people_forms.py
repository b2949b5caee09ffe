"""Forms of the people pages: a person, the list's filters, merging two records, a CSV import."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import ZoomUser
from meetings.models import Person
from meetings.people import PersonDetails
from meetings.timezones import timezone_label, timezone_names


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").replace(";", "\n").splitlines() if line.strip()]


class ZoomUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ZoomUser) -> str:
        return f"{obj} · {obj.credential.name}"


class PersonForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("Full name, as the school writes it.")
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Person.Role.choices,
        initial=Person.Role.STUDENT,
        help_text=_("Teachers give lessons; students attend them."),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_(
            "The address they usually join Zoom with; it is how ZoomHub recognises them in a lesson."
        ),
    )
    other_emails = forms.CharField(
        label=_("Other emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Other addresses they sometimes join with, one per line."),
    )
    other_names = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names they show up under in Zoom (a nickname, a parent's name), one per line."),
    )
    zoom_user = ZoomUserChoiceField(
        label=_("Zoom user"),
        queryset=ZoomUser.objects.none(),
        required=False,
        help_text=_("Teachers only: the Zoom user who hosts their lessons; picked for them on a new lesson."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The language messages to this person are written in."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Lesson times in messages to this person are given in this time zone."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the office wants to remember; only staff see it."),
    )

    def __init__(self, *args, person: Person | None = None, **kwargs):
        self.person = person
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": person.name,
                "role": person.role,
                "email": person.email,
                "other_emails": "\n".join(person.other_emails),
                "other_names": "\n".join(person.other_names),
                "zoom_user": person.zoom_user_id,
                "language": person.language,
                "time_zone": person.time_zone,
                "notes": person.notes,
            }
        super().__init__(*args, **kwargs)
        self.fields["zoom_user"].queryset = (
            ZoomUser.objects.select_related("credential").filter(is_active=True).order_by("email")
        )
        self.fields["time_zone"].choices = [(name, timezone_label(name)) for name in timezone_names()]
        if person is None:
            self.fields["language"].initial = settings.LANGUAGE_CODE
            self.fields["time_zone"].initial = settings.SCHOOL_TIMEZONE

    def clean_other_emails(self) -> list[str]:
        emails = _lines(self.cleaned_data["other_emails"])
        for email in emails:
            try:
                validate_email(email)
            except ValidationError as error:
                raise ValidationError(_("“%(email)s” is not an email address.") % {"email": email}) from error
        return emails

    def clean_other_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()]

    def details(self) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            name=data["name"],
            role=data["role"],
            email=data["email"],
            other_emails=tuple(data["other_emails"]),
            other_names=tuple(data["other_names"]),
            language=data["language"],
            time_zone=data["time_zone"],
            zoom_user_id=data["zoom_user"].pk if data.get("zoom_user") else None,
            notes=data["notes"],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class QuickPersonForm(forms.Form):
    """Adding a student (or teacher) from the lesson form without leaving it."""

    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("Full name, as the school writes it.")
    )
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("The address they join Zoom with, if you know it.")
    )
    role = forms.ChoiceField(
        choices=Person.Role.choices, initial=Person.Role.STUDENT, widget=forms.HiddenInput
    )


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or an email, including other names and emails."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Everyone")), *Person.Role.choices],
        required=False,
        help_text=_("Teachers, students or everyone."),
    )
    state = forms.ChoiceField(
        label=_("Current or archived"),
        choices=[("active", _("Current")), ("archived", _("Archived")), ("all", _("Current and archived"))],
        required=False,
        help_text=_("Archived people are hidden unless you choose them here."),
    )


class PersonMergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=_("The duplicate record"),
        queryset=Person.objects.none(),
        help_text=_(
            "Its lessons, their history, emails and names move to the person on this page; then it is deleted."
        ),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = Person.objects.exclude(pk=person.pk).order_by("name")


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "A spreadsheet saved as CSV. The first line names the columns: name (required), email, role "
            "(teacher or student; empty means student), other names, other emails, language (en, ru, et)."
        ),
    )
    # After the preview: the file's text comes back so that what is imported is what was shown.
    text = forms.CharField(required=False, widget=forms.HiddenInput)
