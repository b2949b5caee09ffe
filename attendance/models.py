"""Attendance data: held sessions of lessons, the participant segments Zoom reported, per-person rows.

Computation lives in the pure modules (segments, matching, computation); writes in services.py.
The list pages read precomputed rows: a session stores its effective status, and one Attendance
row per expected person stores minutes, first join, last leave, late / left early / present.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attendance.computation import SessionStatus
from zoomhub.clock import short_school_time

STATUS_CHOICES = [(status.value, status.label) for status in SessionStatus]
# Staff decide what happened; "pending" is never a decision.
OVERRIDE_CHOICES = [(s.value, s.label) for s in SessionStatus if s is not SessionStatus.PENDING]


class Session(models.Model):
    """One held occurrence of a lesson: one Zoom meeting instance (its UUID)."""

    class DataState(models.TextChoices):
        PENDING = "pending", _("Waiting for Zoom's participant data")
        READY = "ready", _("Zoom's participant data is in")
        UNAVAILABLE = "unavailable", _("Zoom's participant data is unavailable")

    class Source(models.TextChoices):
        NONE = "", _("None yet")
        REPORT = "report", _("Zoom's participant report")
        PAST_MEETINGS = "past_meetings", _("Zoom's past-meeting participants")
        LIVE = "live", _("Live participant events only")

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="sessions", verbose_name=_("lesson")
    )
    # Null for a scheduled occurrence Zoom has no instance of (nobody started the meeting).
    zoom_uuid = models.CharField(_("Zoom meeting UUID"), max_length=100, unique=True, null=True, blank=True)
    scheduled_start = models.DateTimeField(_("scheduled start"), db_index=True)
    scheduled_end = models.DateTimeField(_("scheduled end"))
    actual_start = models.DateTimeField(_("started in Zoom"), null=True, blank=True)
    actual_end = models.DateTimeField(_("ended in Zoom"), null=True, blank=True)
    # The lesson's teacher when the session was computed: the list filters by it.
    teacher = models.ForeignKey(
        "meetings.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions_taught",
        verbose_name=_("teacher"),
    )

    computed_status = models.CharField(
        _("computed status"), max_length=20, choices=STATUS_CHOICES, default=SessionStatus.PENDING
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    threshold_minutes = models.FloatField(default=0, verbose_name=_("threshold minutes"))
    timeline_start = models.DateTimeField(null=True, blank=True, verbose_name=_("timeline start"))
    timeline_minutes = models.FloatField(default=0, verbose_name=_("timeline minutes"))

    data_state = models.CharField(
        _("data"), max_length=20, choices=DataState.choices, default=DataState.PENDING, db_index=True
    )
    data_reason = models.TextField(_("about the data"), blank=True)
    data_source = models.CharField(_("data source"), max_length=20, choices=Source.choices, blank=True)
    fetch_attempts = models.PositiveIntegerField(default=0, verbose_name=_("fetch attempts"))
    next_fetch_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next fetch at"))
    fetch_claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("fetch claimed at"))

    override_status = models.CharField(
        _("status set by staff"), max_length=20, choices=OVERRIDE_CHOICES, blank=True
    )
    override_reason = models.TextField(_("why"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    overridden_at = models.DateTimeField(null=True, blank=True, verbose_name=_("overridden at"))

    # The effective status (override, else computed), kept in step by save(): filters and counts use it.
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=SessionStatus.PENDING, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-scheduled_start", "-id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(override_status="") | ~Q(override_reason=""),
                name="session_override_has_reason",
                violation_error_message=_("Say why the status is set by hand."),
            ),
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=models.F("scheduled_start")),
                name="session_scheduled_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "scheduled_start"], name="session_status_start"),
            models.Index(fields=["teacher", "scheduled_start"], name="session_teacher_start"),
            models.Index(fields=["meeting", "scheduled_start"], name="session_meeting_start"),
            models.Index(
                fields=["next_fetch_at"], name="session_fetch_due", condition=Q(data_state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {short_school_time(self.scheduled_start)}"

    def save(self, *args, **kwargs):
        self.status = self.effective_status
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"override_status", "computed_status"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "status"}
        super().save(*args, **kwargs)

    @property
    def effective_status(self) -> str:
        return self.override_status or self.computed_status

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_status)

    def get_computed_status_label(self) -> str:
        return SessionStatus(self.computed_status).label


class Segment(models.Model):
    """One join→leave interval of one Zoom participant, as stored after the last fetch.

    A fetch replaces a session's segments in one transaction; the unique constraint makes a
    duplicate row impossible even if two fetches raced.
    """

    class Match(models.TextChoices):
        PERSON = "person", _("Matched to a person")
        GUEST = "guest", _("Guest")
        AMBIGUOUS = "ambiguous", _("Needs a decision")
        HOST = "host", _("Host")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="segments", verbose_name=_("session")
    )
    source = models.CharField(max_length=20, choices=Session.Source.choices[1:], verbose_name=_("source"))
    join_at = models.DateTimeField(verbose_name=_("join at"))
    leave_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty while still in the meeting."), verbose_name=_("leave at")
    )
    # What identifies this interval among the session's rows (a participant id, else email and name).
    identity = models.CharField(max_length=400, verbose_name=_("identity"))
    participant_key = models.CharField(
        max_length=400,
        help_text=_("The participant this interval belongs to, after grouping."),
        verbose_name=_("participant key"),
    )
    name = models.CharField(max_length=255, blank=True, verbose_name=_("name"))
    email = models.CharField(max_length=254, blank=True, verbose_name=_("email"))
    zoom_id = models.CharField(max_length=100, blank=True, verbose_name=_("Zoom ID"))
    user_id = models.CharField(max_length=100, blank=True, verbose_name=_("user ID"))
    participant_user_id = models.CharField(max_length=100, blank=True, verbose_name=_("participant user ID"))
    registrant_id = models.CharField(max_length=100, blank=True, verbose_name=_("registrant ID"))
    participant_uuid = models.CharField(max_length=100, blank=True, verbose_name=_("participant UUID"))
    match = models.CharField(
        max_length=20, choices=Match.choices, default=Match.GUEST, verbose_name=_("match")
    )
    person = models.ForeignKey(
        "meetings.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="segments",
        verbose_name=_("person"),
    )
    match_method = models.CharField(max_length=20, blank=True, verbose_name=_("match method"))
    candidate_ids = models.JSONField(default=list, blank=True, verbose_name=_("candidate IDs"))

    class Meta:
        ordering = ["join_at", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "source", "identity", "join_at"], name="one_segment_per_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.identity} {short_school_time(self.join_at)[-5:]}"


class Attendance(models.Model):
    """One expected person (teacher or student) in one session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    person = models.ForeignKey(
        "meetings.Person", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("person")
    )
    role = models.CharField(max_length=20, verbose_name=_("role"))
    minutes = models.FloatField(default=0, verbose_name=_("minutes"))
    first_join = models.DateTimeField(null=True, blank=True, verbose_name=_("first join"))
    last_leave = models.DateTimeField(null=True, blank=True, verbose_name=_("last leave"))
    still_in = models.BooleanField(default=False, verbose_name=_("still in"))
    late = models.BooleanField(default=False, verbose_name=_("late"))
    left_early = models.BooleanField(default=False, verbose_name=_("left early"))
    present = models.BooleanField(default=False, verbose_name=_("present"))
    segment_count = models.PositiveIntegerField(default=0, verbose_name=_("segment count"))
    match_methods = models.JSONField(default=list, blank=True, verbose_name=_("match methods"))
    zoom_names = models.JSONField(default=list, blank=True, verbose_name=_("Zoom names"))
    # (start, end) minutes from the session's timeline_start, merged: the page draws them.
    timeline = models.JSONField(default=list, blank=True, verbose_name=_("timeline"))

    class Meta:
        ordering = ["-role", "person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_person"),
        ]
        indexes = [models.Index(fields=["person", "session"], name="attendance_person_session")]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"


class ManualMatch(models.Model):
    """Staff's decision that a participant of a session is this person; kept across re-fetches."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="manual_matches", verbose_name=_("session")
    )
    participant_key = models.CharField(max_length=400, verbose_name=_("participant key"))
    person = models.ForeignKey(
        "meetings.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    learned_alias = models.CharField(max_length=255, blank=True, verbose_name=_("learned alias"))
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched by"),
    )
    matched_at = models.DateTimeField(auto_now=True, verbose_name=_("matched at"))

    class Meta:
        verbose_name = _("manual match")
        verbose_name_plural = _("manual matches")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant_key"], name="one_decision_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_key} → {self.person}"
