"""Lessons (Zoom meetings), the people in them, and their history.

Writes go through meetings/services.py, meetings/outbox.py and meetings/inbound.py; nothing here
calls Zoom.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from meetings.recurrence import MAX_OCCURRENCES, WeeklyRecurrence, occurrence_starts, parse_weekdays
from meetings.registration_questions import answer_rows, questions_summary
from zoomhub.clock import short_school_time

# ---------------------------------------------------------------------------------------------
# Lessons: Person, Meeting, MeetingTimelineEvent (branch lessons).
# ---------------------------------------------------------------------------------------------

MAX_DURATION_MINUTES = 1440


# The fields that decide when a lesson's occurrences are.
SCHEDULE_FIELDS = {
    "start_at",
    "duration",
    "timezone",
    "recurrence_weekdays",
    "recurrence_count",
    "recurrence_until",
}


def default_lesson_timezone() -> str:
    return settings.SCHOOL_TIMEZONE


def new_push_key() -> str:
    return secrets.token_hex(6)


def default_person_language() -> str:
    return settings.LANGUAGE_CODE


def default_person_time_zone() -> str:
    return settings.SCHOOL_TIMEZONE


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def students(self):
        return self.active().filter(role=Person.Role.STUDENT)

    def teachers(self):
        return self.active().filter(role=Person.Role.TEACHER)


class Person(models.Model):
    """A teacher or a student (client). Aliases are the other emails and names they join Zoom under."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")

    name = models.CharField(_("name"), max_length=200, help_text=_("Full name, as the school writes it."))
    email = models.EmailField(
        _("email"),
        blank=True,
        db_index=True,
        help_text=_("The address they usually join Zoom with; used to recognise them in a lesson."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.STUDENT,
        help_text=_("Teachers give lessons; students attend them."),
    )
    other_emails = models.JSONField(
        _("other emails"), default=list, blank=True, help_text=_("Emails this person also joins Zoom with.")
    )
    other_names = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Names this person also shows up under in Zoom."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default=default_person_language,
        help_text=_("The language messages to this person are written in."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_person_time_zone,
        help_text=_("Lesson times in messages to this person are given in this time zone."),
    )
    zoom_user = models.ForeignKey(
        "accounts.ZoomUser",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("Zoom user"),
        help_text=_(
            "For a teacher: the Zoom user their lessons are hosted by, chosen for them on a new lesson."
        ),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Anything the office wants to remember."))
    archived_at = models.DateTimeField(
        _("archived"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Archived people keep their history but are no longer offered for new lessons."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def language_name(self) -> str:
        return dict(settings.LANGUAGES).get(self.language, self.language)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def all_emails(self) -> list[str]:
        emails = [self.email] if self.email else []
        return emails + [e for e in self.other_emails if e and e != self.email]


class Meeting(models.Model):
    """A lesson: one Zoom meeting (recurring or not), saved here first and then pushed to Zoom.

    Or a webinar (kind "webinar": open days, parents' evenings, exam briefings): the same row,
    pages and history, pushed to Zoom's webinar endpoints, with panelists and registrants.
    """

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        WEBINAR = "webinar", _("Webinar")

    class Registration(models.TextChoices):
        OFF = "off", _("No registration")
        AUTOMATIC = "automatic", _("Registration, approved automatically")
        MANUAL = "manual", _("Registration, approved by staff")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        STARTED = "started", _("Started")
        ENDED = "ended", _("Ended")
        CANCELED = "canceled", _("Canceled")

    class PushState(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent to Zoom")
        SYNCING = "syncing", _("Sending to Zoom")
        SYNCED = "synced", _("In Zoom")
        FAILED = "failed", _("Zoom refused or failed")

    class AutoRecording(models.TextChoices):
        NONE = "none", _("No recording")
        LOCAL = "local", _("Record on the host's computer")
        CLOUD = "cloud", _("Record to the cloud")

    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.LESSON, db_default=Kind.LESSON
    )
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, max_length=1500, help_text=_("Sent to Zoom as the meeting's agenda.")
    )
    start_at = models.DateTimeField(_("start"), db_index=True, help_text=_("Stored in UTC."))
    timezone = models.CharField(_("timezone"), max_length=64, default=default_lesson_timezone)
    duration = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    # The end of the last occurrence: lets the overlap check and "upcoming" filter use an index.
    series_end_at = models.DateTimeField(db_index=True, editable=False, verbose_name=_("series end at"))
    host = models.ForeignKey(
        "accounts.ZoomUser", on_delete=models.PROTECT, related_name="lessons", verbose_name=_("host")
    )
    teacher = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons_taught",
        verbose_name=_("teacher"),
    )
    students = models.ManyToManyField(Person, blank=True, related_name="lessons", verbose_name=_("students"))
    # Webinars only: the teachers who speak (Zoom's panelists), and who may register.
    panelists = models.ManyToManyField(
        Person, blank=True, related_name="webinars_as_panelist", verbose_name=_("panelists")
    )
    registration = models.CharField(
        _("registration"),
        max_length=10,
        choices=Registration.choices,
        default=Registration.OFF,
        db_default=Registration.OFF,
    )
    # Webinars with registration: what Zoom's registration page asks, in the shape Zoom's
    # PATCH /webinars/{id}/registrants/questions takes (meetings/registration_questions.py).
    registration_questions = models.JSONField(
        _("registration questions"), default=dict, blank=True, db_default=models.Value({}, models.JSONField())
    )

    # Weekly recurrence (Zoom type 8, recurrence type 2): weekdays are Python's, Monday 0.
    recurrence_weekdays = models.CharField(_("repeats on"), max_length=20, blank=True)
    recurrence_count = models.PositiveSmallIntegerField(
        _("number of lessons"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OCCURRENCES)],
    )
    recurrence_until = models.DateField(_("repeat until"), null=True, blank=True)

    # The Zoom settings schools use; the defaults are the trial-lesson bot's.
    # db_default: rows written by code that predates these columns get the same defaults.
    host_video = models.BooleanField(_("host video on"), default=True, db_default=True)
    participant_video = models.BooleanField(_("participants' video on"), default=True, db_default=True)
    waiting_room = models.BooleanField(_("waiting room"), default=False)
    join_before_host = models.BooleanField(_("participants may join before the host"), default=False)
    mute_upon_entry = models.BooleanField(_("mute participants on entry"), default=False)
    auto_recording = models.CharField(
        _("automatic recording"), max_length=10, choices=AutoRecording.choices, default=AutoRecording.NONE
    )
    alternative_hosts = models.CharField(
        _("alternative hosts"),
        max_length=1000,
        blank=True,
        help_text=_("Emails of licensed users in the same Zoom account, separated by commas."),
    )

    # What Zoom knows: filled by the push or by an import.
    zoom_meeting_id = models.BigIntegerField(_("Zoom meeting ID"), null=True, blank=True, unique=True)
    zoom_uuid = models.CharField(_("Zoom meeting UUID"), max_length=100, blank=True, db_index=True)
    join_url = models.URLField(_("join link"), max_length=1000, blank=True)
    password = models.CharField(_("passcode"), max_length=50, blank=True)
    # Lets anyone start the meeting as its host: encrypted, and only shown on an explicit request.
    start_url = EncryptedTextField(_("start link"), blank=True, null=True)

    # Made in Zoom by a known host (Zoom's meeting.created), not scheduled here: staff keep it or ignore it.
    made_in_zoom = models.BooleanField(_("made in Zoom"), default=False, db_default=False)
    ignored_at = models.DateTimeField(
        _("ignored"),
        null=True,
        blank=True,
        help_text=_("Staff chose to ignore this meeting made in Zoom; Zoom still has it."),
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))

    # The outbox: local changes waiting to reach Zoom (see meetings/outbox.py).
    push_state = models.CharField(
        _("push state"), max_length=20, choices=PushState.choices, default=PushState.PENDING, db_index=True
    )
    push_error = models.TextField(_("Zoom's answer"), blank=True)
    push_attempts = models.PositiveIntegerField(default=0, verbose_name=_("push attempts"))
    push_next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("push next attempt at"))
    push_claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("push claimed at"))
    push_claim = models.CharField(max_length=32, blank=True, editable=False, verbose_name=_("push claim"))
    # Bumped on every local change; a push marks "synced" only if nothing changed meanwhile.
    push_revision = models.PositiveIntegerField(default=1, verbose_name=_("push revision"))
    # With the lesson id, written into the agenda: finds a meeting whose create answer was lost.
    push_key = models.CharField(
        max_length=20, default=new_push_key, editable=False, verbose_name=_("push key")
    )
    create_attempted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("create attempted at")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["start_at", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gte=1) & Q(duration__lte=MAX_DURATION_MINUTES),
                name="lesson_duration_1_to_1440",
                violation_error_message=_("A lesson lasts between 1 and 1440 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(recurrence_count__isnull=True) | Q(recurrence_until__isnull=True),
                name="lesson_recurrence_count_or_until",
                violation_error_message=_("A series ends after a number of lessons or on a date, not both."),
            ),
        ]
        indexes = [
            models.Index(fields=["host", "start_at"]),
            models.Index(fields=["push_state", "push_next_attempt_at"]),
            # The lesson list (meetings/views.py): its count and its page's ids in list order are
            # index-only scans, series_end_at checked in the index (10,000 lessons: the count and
            # the page took PostgreSQL about 3 ms, about 0.8 ms with it; docs/benchmarks.md).
            models.Index(
                fields=["start_at", "id", "series_end_at"],
                condition=Q(ignored_at__isnull=True),
                name="lesson_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def save(self, *args, **kwargs):
        self.series_end_at = self.compute_series_end()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & SCHEDULE_FIELDS:
            kwargs["update_fields"] = {*update_fields, "series_end_at"}
        super().save(*args, **kwargs)

    # -- recurrence ------------------------------------------------------------------------------
    @property
    def recurrence(self) -> WeeklyRecurrence | None:
        weekdays = parse_weekdays(self.recurrence_weekdays)
        if not weekdays:
            return None
        return WeeklyRecurrence(weekdays=weekdays, count=self.recurrence_count, until=self.recurrence_until)

    @property
    def is_recurring(self) -> bool:
        return self.recurrence is not None

    def occurrence_starts(self) -> list[dt.datetime]:
        return occurrence_starts(self.start_at, self.timezone, self.recurrence)

    def compute_series_end(self) -> dt.datetime:
        return self.occurrence_starts()[-1] + dt.timedelta(minutes=self.duration)

    @property
    def end_at(self) -> dt.datetime:
        return self.start_at + dt.timedelta(minutes=self.duration)

    # -- what people see -------------------------------------------------------------------------
    @property
    def is_upcoming(self) -> bool:
        return self.status != self.Status.CANCELED and self.series_end_at >= timezone.now()

    @property
    def is_webinar(self) -> bool:
        return self.kind == self.Kind.WEBINAR

    def registration_questions_summary(self) -> list[str]:
        return questions_summary(self.registration_questions)

    @property
    def push_in_progress(self) -> bool:
        return self.push_state in (self.PushState.PENDING, self.PushState.SYNCING)

    @property
    def zoom_reference(self) -> str:
        """Written at the start of the agenda (Zoom lists only its first 250 characters)."""
        return f"[ZoomHub lesson {self.pk} {self.push_key}]"


class WebinarRegistrant(models.Model):
    """Someone who registered for a webinar (in Zoom, or added here), with Zoom's decision on them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        CANCELLED = "cancelled", _("Cancelled")

    webinar = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrants", verbose_name=_("webinar")
    )
    zoom_registrant_id = models.CharField(_("Zoom registrant ID"), max_length=100)
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # Their own link; Zoom gives it once they are approved.
    join_url = models.URLField(_("join link"), max_length=1000, blank=True)
    # Their answers to the registration questions: [{"field_name" (Zoom's standard) or "title", "value"}].
    answers = models.JSONField(
        _("answers"), default=list, blank=True, db_default=models.Value([], models.JSONField())
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("webinar registrant")
        verbose_name_plural = _("webinar registrants")
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "zoom_registrant_id"], name="one_row_per_zoom_registrant"
            ),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} <{self.email}>" if name else self.email

    def answer_rows(self) -> list[tuple[str, str]]:
        return answer_rows(self.answers)


class MeetingTimelineEvent(models.Model):
    """One line of a lesson's history: created, pushed, rescheduled, started, ended, canceled, failures."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        IMPORTED = "imported", _("Imported from Zoom")
        MADE_IN_ZOOM = "made_in_zoom", _("Made in Zoom")
        IGNORED = "ignored", _("Ignored")
        PUSHED = "pushed", _("Sent to Zoom")
        EDITED = "edited", _("Edited")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CHANGED_IN_ZOOM = "changed_in_zoom", _("Changed in Zoom")
        STARTED = "started", _("Started")
        ENDED = "ended", _("Ended")
        CANCELED = "canceled", _("Canceled")
        CANCELED_IN_ZOOM = "canceled_in_zoom", _("Canceled in Zoom")
        PUSH_FAILED = "push_failed", _("Push to Zoom failed")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("meeting")
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, verbose_name=_("kind"))
    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("time"))
    message = models.TextField(blank=True, verbose_name=_("message"))
    # Which held instance a started/ended entry is about: a redelivered event adds nothing.
    zoom_uuid = models.CharField(max_length=100, blank=True, verbose_name=_("Zoom UUID"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "zoom_uuid"],
                condition=Q(kind__in=["started", "ended"]) & ~Q(zoom_uuid=""),
                name="one_started_ended_per_instance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {short_school_time(self.at)}"
