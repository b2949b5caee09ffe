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
    threshold_minutes = models.FloatField(default=0)
    timeline_start = models.DateTimeField(null=True, blank=True)
    timeline_minutes = models.FloatField(default=0)

    data_state = models.CharField(
        _("data"), max_length=20, choices=DataState.choices, default=DataState.PENDING, db_index=True
    )
    data_reason = models.TextField(_("about the data"), blank=True)
    data_source = models.CharField(_("data source"), max_length=20, choices=Source.choices, blank=True)
    fetch_attempts = models.PositiveIntegerField(default=0)
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    fetch_claimed_at = models.DateTimeField(null=True, blank=True)

    override_status = models.CharField(
        _("status set by staff"), max_length=20, choices=OVERRIDE_CHOICES, blank=True
    )
    override_reason = models.TextField(_("why"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    # The effective status (override, else computed), kept in step by save(): filters and counts use it.
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=SessionStatus.PENDING, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="segments")
    source = models.CharField(max_length=20, choices=Session.Source.choices[1:])
    join_at = models.DateTimeField()
    leave_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty while still in the meeting."))
    # What identifies this interval among the session's rows (a participant id, else email and name).
    identity = models.CharField(max_length=400)
    participant_key = models.CharField(
        max_length=400, help_text=_("The participant this interval belongs to, after grouping.")
    )
    name = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=254, blank=True)
    zoom_id = models.CharField(max_length=100, blank=True)
    user_id = models.CharField(max_length=100, blank=True)
    participant_user_id = models.CharField(max_length=100, blank=True)
    registrant_id = models.CharField(max_length=100, blank=True)
    participant_uuid = models.CharField(max_length=100, blank=True)
    match = models.CharField(max_length=20, choices=Match.choices, default=Match.GUEST)
    person = models.ForeignKey(
        "meetings.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="segments"
    )
    match_method = models.CharField(max_length=20, blank=True)
    candidate_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["join_at", "id"]
        verbose_name = _("segment")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "source", "identity", "join_at"], name="one_segment_per_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.identity} {short_school_time(self.join_at)[-5:]}"


class Attendance(models.Model):
    """One expected person (teacher or student) in one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("meetings.Person", on_delete=models.CASCADE, related_name="attendances")
    role = models.CharField(max_length=20)
    minutes = models.FloatField(default=0)
    first_join = models.DateTimeField(null=True, blank=True)
    last_leave = models.DateTimeField(null=True, blank=True)
    still_in = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    left_early = models.BooleanField(default=False)
    present = models.BooleanField(default=False)
    segment_count = models.PositiveIntegerField(default=0)
    match_methods = models.JSONField(default=list, blank=True)
    zoom_names = models.JSONField(default=list, blank=True)
    # (start, end) minutes from the session's timeline_start, merged: the page draws them.
    timeline = models.JSONField(default=list, blank=True)

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

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="manual_matches")
    participant_key = models.CharField(max_length=400)
    person = models.ForeignKey("meetings.Person", on_delete=models.CASCADE, related_name="+")
    learned_alias = models.CharField(max_length=255, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(auto_now=True)

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
