"""Attendance forms: the review filters (GET), a manual match, a status set by hand."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.computation import SessionStatus
from attendance.models import OVERRIDE_CHOICES
from attendance.selectors import SessionFilters
from meetings.models import Person
from meetings.timezones import get_zone, school_timezone_name
from zoomhub.collation import by_name

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False,
        label=_("From"),
        widget=DATE_INPUT,
        help_text=_("The first day of lessons to show (school time)."),
    )
    date_to = forms.DateField(
        required=False,
        label=_("To"),
        widget=DATE_INPUT,
        help_text=_("The last day of lessons to show."),
    )
    teacher = forms.ModelChoiceField(
        empty_label=_("Any"),
        queryset=Person.objects.none(),
        required=False,
        label=_("Teacher"),
        help_text=_("Only this teacher's lessons."),
    )
    student = forms.ModelChoiceField(
        empty_label=_("Any"),
        queryset=Person.objects.none(),
        required=False,
        label=_("Student"),
        help_text=_("Only the lessons this student is in."),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *[(s.value, s.label) for s in SessionStatus]],
        required=False,
        label=_("Status"),
        help_text=_("How the lesson went: held, no-show, teacher absent, never took place."),
    )
    needs_review = forms.BooleanField(
        required=False,
        label=_("Needs review"),
        help_text=_("Only lessons where a person must check who was there."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = Person.objects.filter(role=Person.Role.TEACHER).order_by(by_name())
        self.fields["student"].queryset = Person.objects.filter(role=Person.Role.STUDENT).order_by(by_name())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    def filters(self) -> SessionFilters:
        """The filters to apply: none at all when the form is invalid (its errors are shown)."""
        if not self.is_valid():
            return SessionFilters()
        data = self.cleaned_data
        zone = get_zone(school_timezone_name())

        def day_start(day: dt.date | None) -> dt.datetime | None:
            return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone) if day else None

        date_to = data.get("date_to")
        return SessionFilters(
            date_from=day_start(data.get("date_from")),
            date_to=day_start(date_to + dt.timedelta(days=1)) if date_to else None,
            teacher=data.get("teacher"),
            student=data.get("student"),
            status=data.get("status") or "",
            needs_review=bool(data.get("needs_review")),
        )


class MatchForm(forms.Form):
    participant_key = forms.CharField(max_length=400, widget=forms.HiddenInput)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("This is"),
        help_text=_("The person who joined under this name; the lesson's attendance is worked out again."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people]).order_by(
            by_name()
        )


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        choices=OVERRIDE_CHOICES,
        label=_("Status"),
        help_text=_("What the lesson's record should say, whatever Zoom's report says."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        strip=True,
        help_text=_("A sentence for whoever reads this later, e.g. “the teacher was ill”."),
    )
