"""The lesson page's reminder form: the school's times, the lesson's own, or none."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import parse_minutes


class LessonRemindersForm(forms.Form):
    SCHOOL = "school"
    OWN = "own"
    NONE = "none"

    choice = forms.ChoiceField(
        label=_("Reminders for this lesson"),
        choices=[
            (SCHOOL, _("The school's reminder times")),
            (OWN, _("Other times for this lesson")),
            (NONE, _("No reminders for this lesson")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Teachers and students get an e-mail with the join link before each lesson, "
            "unless they turned reminders off."
        ),
    )
    minutes = forms.CharField(
        label=_("Minutes before the lesson"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "1440, 60", "inputmode": "numeric"}),
        help_text=_(
            "Only for other times: minutes before the lesson, separated by commas. "
            "1440 is a day before, 60 an hour before, 15 a quarter of an hour before (at most 14 days)."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("choice") != self.OWN:
            data["minutes_list"] = []
            return data
        try:
            data["minutes_list"] = parse_minutes(data.get("minutes", ""))
        except ValueError:
            self.add_error(
                "minutes",
                _(
                    "Write whole minutes separated by commas, such as 1440, 60 (at most 14 days, 20160 minutes)."
                ),
            )
            return data
        if not data["minutes_list"]:
            self.add_error("minutes", _("Write at least one time, or choose “No reminders for this lesson”."))
        return data
