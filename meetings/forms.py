"""The lesson form: staff enter wall-clock time in the school's (or the lesson's) timezone."""

import datetime as dt
import functools

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.models import Credential, ZoomUser
from accounts.services import NoDefaultHost, default_host
from meetings import registration_questions
from meetings.models import MAX_DURATION_MINUTES, Meeting, Person
from meetings.recurrence import MAX_OCCURRENCES, WeeklyRecurrence, parse_weekdays
from meetings.services import LessonPlan, ZoomSettings, lesson_validate
from meetings.timezones import (
    LocalTimeError,
    local_to_utc,
    school_timezone_name,
    timezone_label,
    timezone_names,
    to_local,
)
from zoomhub.collation import by_name
from zoomhub.compiled import fixed_rows
from zoomhub.widgets import QuickDateInput, QuickLabelsForm, QuickModelChoiceField, QuickSelect

WEEKDAY_CHOICES = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class HostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ZoomUser) -> str:
        return f"{obj} · {obj.credential.name}"


class PersonPicker(forms.SelectMultiple):
    """Chosen people as ticked boxes, plus a search box (htmx) and "add a new one" beside it.

    Only the chosen people are rendered, never the whole school, so the form stays small.
    """

    template_name = "meetings/widgets/person_picker.html"

    def __init__(self, *, role: str, attrs=None):
        super().__init__(attrs)
        self.role = role

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = [str(pk) for pk in (value or []) if str(pk).isdigit()]
        context["widget"]["chosen"] = list(Person.objects.filter(pk__in=chosen).order_by("name"))
        context["widget"]["role"] = self.role
        return context


class LessonForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Meeting.Kind.choices,
        initial=Meeting.Kind.LESSON,
        required=False,  # a form (or program) that does not say is scheduling a lesson
        widget=forms.RadioSelect,
        help_text=_(
            "A webinar is for open days, parents' evenings and briefings: panelists speak, attendees "
            "watch, and may register first. Its host needs Zoom's Webinars add-on."
        ),
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=200, help_text=_("What the lesson is called in ZoomHub and in Zoom.")
    )
    teacher = forms.ModelChoiceField(
        label=_("Teacher"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Choosing a teacher who has a Zoom user picks that user as the host."),
    )
    host = HostChoiceField(
        label=_("Zoom host"),
        queryset=ZoomUser.objects.none(),
        required=False,
        empty_label=_("The account's default host"),
        help_text=_(
            "The Zoom user the meeting belongs to (their licence holds it); empty: the teacher's Zoom "
            "user, else the Zoom account's default host."
        ),
    )
    students = forms.ModelMultipleChoiceField(
        label=_("Students"),
        queryset=Person.objects.none(),
        required=False,
        widget=PersonPicker(role=Person.Role.STUDENT),
        help_text=_("Search by name or email; a student not in ZoomHub yet can be added right here."),
    )
    panelists = forms.ModelMultipleChoiceField(
        label=_("Panelists"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Webinars only: the teachers who speak; Zoom sends each their own join link."),
    )
    registration = forms.ChoiceField(
        label=_("Registration"),
        choices=Meeting.Registration.choices,
        initial=Meeting.Registration.OFF,
        required=False,
        help_text=_(
            "Webinars only: whether attendees register first, and whether staff approve each one "
            "(on the webinar's page) or Zoom approves them at once."
        ),
    )
    registration_questions_asked = forms.MultipleChoiceField(
        label=_("Registration asks for"),
        choices=registration_questions.offered_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Webinars with registration: what Zoom's registration page asks besides name and email."),
    )
    registration_questions_required = forms.MultipleChoiceField(
        label=_("Answers required"),
        choices=registration_questions.offered_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Of those, the ones a registrant must answer (ticking one here asks it too)."),
    )
    registration_custom_questions = forms.CharField(
        label=_("Your own questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One question a line, answered in a line of text (at most 10, each up to 100 characters). "
            "End a line with * when it must be answered, e.g. “Which grade is your child in? *”."
        ),
    )
    start_date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of the (first) lesson."),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The clock time the lesson starts, in the time zone below."),
    )
    timezone = forms.ChoiceField(label=_("Timezone"), help_text=_("Date and time are in this timezone."))
    duration = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=60,
        help_text=_("How long the lesson lasts; Zoom does not end it at this time."),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "min_value": _("A lesson lasts between 1 and 1440 minutes (24 hours)."),
            "max_value": _("A lesson lasts between 1 and 1440 minutes (24 hours)."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to participants in Zoom's meeting details."),
    )
    repeats = forms.BooleanField(
        label=_("Repeats weekly"),
        required=False,
        help_text=_("One Zoom meeting with the same link for every lesson."),
    )
    recurrence_weekdays = forms.MultipleChoiceField(
        label=_("On"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The weekdays the lesson is held on."),
    )
    recurrence_end = forms.ChoiceField(
        label=_("Ends"),
        choices=[("count", _("after a number of lessons")), ("until", _("on a date"))],
        initial="count",
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Zoom needs to know when a series stops."),
    )
    recurrence_count = forms.IntegerField(
        label=_("Number of lessons"),
        required=False,
        min_value=1,
        max_value=MAX_OCCURRENCES,
        help_text=_("How many lessons the series has in all (Zoom allows at most 60)."),
    )
    recurrence_until = forms.DateField(
        label=_("Last date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("No lesson of the series is held after this day."),
    )
    waiting_room = forms.BooleanField(
        label=_("Waiting room"),
        required=False,
        help_text=_("Students wait until the teacher lets them in."),
    )
    join_before_host = forms.BooleanField(
        label=_("Participants may join before the host"),
        required=False,
        help_text=_("Students can enter and talk before the teacher arrives."),
    )
    mute_upon_entry = forms.BooleanField(
        label=_("Mute participants on entry"),
        required=False,
        help_text=_("Everyone's microphone is off when they come in; they can switch it on."),
    )
    host_video = forms.BooleanField(
        label=_("Host video on"),
        required=False,
        initial=True,
        help_text=_("The teacher's camera is on when the lesson starts."),
    )
    participant_video = forms.BooleanField(
        label=_("Participants' video on"),
        required=False,
        initial=True,
        help_text=_("Students' cameras are on when they come in; they can switch them off."),
    )
    auto_recording = forms.ChoiceField(
        label=_("Automatic recording"),
        choices=Meeting.AutoRecording.choices,
        initial=Meeting.AutoRecording.NONE,
        help_text=_(
            "Record every lesson to Zoom's cloud from the start, without the teacher pressing Record."
        ),
    )
    alternative_hosts = forms.CharField(
        label=_("Alternative hosts"),
        required=False,
        max_length=1000,
        help_text=_("Emails of licensed users in the same Zoom account, separated by commas."),
    )

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        self.meeting = meeting
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(meeting)
        super().__init__(*args, **kwargs)
        hosts = ZoomUser.objects.select_related("credential").filter(
            is_active=True, credential__status=Credential.Status.ACTIVE
        )
        if meeting is not None:
            hosts = ZoomUser.objects.select_related("credential").filter(pk=meeting.host_id) | hosts
        self.fields["host"].queryset = hosts.order_by("email")
        teachers = Person.objects.teachers()
        students = Person.objects.students()
        if meeting is not None:
            # An archived person already in the lesson stays valid in it.
            teachers = teachers | Person.objects.filter(pk=meeting.teacher_id)
            students = students | Person.objects.filter(pk__in=meeting.students.values("pk"))
        self.fields["teacher"].queryset = teachers.select_related("zoom_user").order_by(by_name())
        self.fields["students"].queryset = students.distinct().order_by(by_name())
        panelists = Person.objects.teachers()
        if meeting is not None:
            panelists = panelists | Person.objects.filter(pk__in=meeting.panelists.values("pk"))
        self.fields["panelists"].queryset = panelists.distinct().order_by(by_name())
        self.fields["timezone"].choices = [(name, timezone_label(name)) for name in timezone_names()]
        self.fields["timezone"].initial = school_timezone_name()
        if meeting is not None:
            self.fields["host"].required = True
        if meeting is not None and meeting.zoom_meeting_id:
            self.fields["host"].disabled = True
            self.fields["host"].help_text = _("Zoom cannot move an existing meeting to another host.")
            self.fields["kind"].disabled = True
        self.plan: LessonPlan | None = None

    def teacher_hosts(self) -> dict[str, int]:
        """Teacher id → the host the form picks for them (only hosts it offers)."""
        offered = {host.pk for host in self.fields["host"].queryset}
        return {
            str(teacher.pk): teacher.zoom_user_id
            for teacher in self.fields["teacher"].queryset
            if teacher.zoom_user_id in offered
        }

    def clean_host(self):
        host = self.cleaned_data.get("host")
        if host is None and not self.fields["host"].disabled:
            teacher_id = self.data.get(self.add_prefix("teacher"))
            host_id = self.teacher_hosts().get(str(teacher_id)) if teacher_id else None
            if host_id is not None:
                return self.fields["host"].queryset.get(pk=host_id)
            if self.meeting is None and not teacher_id:
                try:
                    return default_host()
                except NoDefaultHost:
                    pass
            raise ValidationError(
                _("Choose the Zoom host (or a teacher whose Zoom user is set on their page)."),
                code="required",
            )
        return host

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        local = to_local(meeting.start_at, meeting.timezone)
        recurrence = meeting.recurrence
        return {
            "kind": meeting.kind,
            "panelists": [p.pk for p in meeting.panelists.all()],
            "registration": meeting.registration,
            "topic": meeting.topic,
            "host": meeting.host_id,
            "teacher": meeting.teacher_id,
            "students": [p.pk for p in meeting.students.all()],
            "start_date": local.date(),
            "start_time": local.time().replace(tzinfo=None),
            "timezone": meeting.timezone,
            "duration": meeting.duration,
            "description": meeting.description,
            "repeats": recurrence is not None,
            "recurrence_weekdays": [str(d) for d in parse_weekdays(meeting.recurrence_weekdays)],
            "recurrence_end": "until" if meeting.recurrence_until else "count",
            "recurrence_count": meeting.recurrence_count,
            "recurrence_until": meeting.recurrence_until,
            "host_video": meeting.host_video,
            "participant_video": meeting.participant_video,
            "waiting_room": meeting.waiting_room,
            "join_before_host": meeting.join_before_host,
            "mute_upon_entry": meeting.mute_upon_entry,
            "auto_recording": meeting.auto_recording,
            "alternative_hosts": ", ".join(e for e in meeting.alternative_hosts.split(",") if e),
            **registration_questions.questions_for_form(meeting.registration_questions),
        }

    def clean_alternative_hosts(self) -> tuple[str, ...]:
        emails = [
            e.strip()
            for e in self.cleaned_data["alternative_hosts"].replace(";", ",").split(",")
            if e.strip()
        ]
        for email in emails:
            try:
                validate_email(email)
            except ValidationError as error:
                raise ValidationError(_("“%(email)s” is not an email address.") % {"email": email}) from error
        return tuple(dict.fromkeys(emails))

    def clean_registration_custom_questions(self) -> list[dict]:
        return registration_questions.custom_questions_parse(
            self.cleaned_data["registration_custom_questions"]
        )

    def _recurrence(self, data: dict) -> WeeklyRecurrence | None:
        if not data.get("repeats"):
            return None
        weekdays = tuple(sorted(int(d) for d in data.get("recurrence_weekdays") or []))
        if data.get("recurrence_end") == "until":
            if not data.get("recurrence_until"):
                self.add_error("recurrence_until", _("Choose the date of the last lesson."))
            return WeeklyRecurrence(weekdays=weekdays, until=data.get("recurrence_until"))
        if not data.get("recurrence_count"):
            self.add_error("recurrence_count", _("Say how many lessons the series has."))
        return WeeklyRecurrence(weekdays=weekdays, count=data.get("recurrence_count"))

    def clean(self):
        data = super().clean()
        start: dt.datetime | None = None
        if data.get("start_date") and data.get("start_time") and data.get("timezone"):
            try:
                start = local_to_utc(data["start_date"], data["start_time"], data["timezone"])
            except LocalTimeError as error:
                self.add_error("start_time", str(error))
        recurrence = self._recurrence(data)
        if not data.get("host") and self.meeting is None and not self.errors:
            try:
                data["host"] = default_host()
            except NoDefaultHost as error:
                self.add_error("host", error.message)
        if start is None or self.errors or not data.get("host"):
            return data
        kind = data.get("kind") or Meeting.Kind.LESSON
        is_webinar = kind == Meeting.Kind.WEBINAR
        self.plan = LessonPlan(
            host=data["host"],
            topic=data["topic"],
            start=start,
            duration=data["duration"],
            timezone=data["timezone"],
            teacher=data.get("teacher"),
            students=tuple(data.get("students") or ()),
            description=data.get("description", ""),
            recurrence=recurrence,
            zoom_settings=ZoomSettings(
                host_video=data.get("host_video", False),
                participant_video=data.get("participant_video", False),
                waiting_room=data.get("waiting_room", False),
                join_before_host=data.get("join_before_host", False),
                mute_upon_entry=data.get("mute_upon_entry", False),
                auto_recording=data.get("auto_recording") or Meeting.AutoRecording.NONE,
                alternative_hosts=data.get("alternative_hosts") or (),
            ),
            kind=kind,
            # The webinar fieldset is hidden for lessons; whatever it still sends is not theirs.
            registration=(data.get("registration") if is_webinar else None) or Meeting.Registration.OFF,
            panelists=tuple(data.get("panelists") or ()) if is_webinar else (),
            registration_questions=(
                registration_questions.questions_build(
                    asked=data.get("registration_questions_asked"),
                    required=data.get("registration_questions_required"),
                    custom=data.get("registration_custom_questions") or [],
                )
                if is_webinar
                else None
            ),
        )
        try:
            lesson_validate(plan=self.plan, meeting=self.meeting)
        except ValidationError as error:
            self.plan = None
            self.add_service_errors(error)
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the form, by field where the field exists."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class LessonFilterForm(QuickLabelsForm):
    """The lesson list's filters (GET); labels and widgets written without templates (QuickLabelsForm)."""

    tab = forms.ChoiceField(
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        required=False,
        help_text=_("Lessons still to come, or those already held."),
    )
    # Quick* widgets: the same HTML, written without the form renderer's templates (list page).
    teacher = QuickModelChoiceField(
        empty_label=_("Any"),
        queryset=Person.objects.none(),
        required=False,
        label=_("Teacher"),
        widget=QuickSelect,
        help_text=_("Only this teacher's lessons."),
    )
    host = QuickModelChoiceField(
        empty_label=_("Any"),
        queryset=ZoomUser.objects.none(),
        required=False,
        label=_("Zoom host"),
        widget=QuickSelect,
        help_text=_("The Zoom user whose account the lesson runs on."),
    )
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *Meeting.Status.choices],
        required=False,
        label=_("Status"),
        widget=QuickSelect,
        help_text=_("Scheduled, started, ended or cancelled."),
    )
    date = forms.DateField(
        required=False,
        label=_("Day"),
        widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only the lessons on this day (school time)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # only(): the option labels need the name (Person.__str__), not the rest of each row.
        self.fields["teacher"].queryset = (
            Person.objects.filter(role=Person.Role.TEACHER).order_by(by_name()).only("id", "name")
        )
        self.fields["host"].queryset = _hosts_with_lessons().all()
        # The options from plain rows of SQL compiled once (zoomhub.compiled): the same lists.
        self.fields["teacher"].options = _teacher_options
        self.fields["host"].options = _host_options


def _teacher_options() -> list[tuple[str, str]]:
    rows = fixed_rows(
        "lesson-filter-teachers",
        lambda: Person.objects.filter(role=Person.Role.TEACHER).order_by(by_name()).values_list("pk", "name"),
    )
    return [(str(pk), name) for pk, name in rows]  # Person.__str__ is the name


def _host_options() -> list[tuple[str, str]]:
    rows = fixed_rows(
        "lesson-filter-hosts", lambda: _hosts_with_lessons().values_list("pk", *ZoomUser.LABEL_COLUMNS)
    )
    return [(str(pk), ZoomUser.label(*label)) for pk, *label in rows]


@functools.cache
def _hosts_with_lessons():
    """Hosts that have a lesson, as a semi-join: one index probe per host, never a scan of every
    lesson. Built once and cloned per form: resolving the Exists cost more than running it."""
    return (
        ZoomUser.objects.filter(Exists(Meeting.objects.filter(host=OuterRef("pk"))))
        .order_by("email")
        .only("id", "display_name", "first_name", "last_name", "email", "zoom_id")  # ZoomUser.__str__
    )
