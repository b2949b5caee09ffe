"""Every attendance write and Zoom call (docs/development.md, "Inside an app").

- fetching: the meeting.started / meeting.ended hooks the lessons app calls, and the fetch of a
  session's participants from Zoom with back-off and fallbacks;
- decisions: staff match a participant to a person (learned as an alias), set or clear the status;
- sweep: beat's catch-up for lost tasks and lessons whose events never came.
"""

from attendance.services.decisions import (
    session_clear_override,
    session_match_participant,
    session_override_status,
    session_recompute,
    session_refetch,
)
from attendance.services.fetching import (
    FetchOutcome,
    attendance_schedule_fetch,
    attendance_session_begin,
    fetch_enqueue,
    occurrence_start,
    session_claim_fetch,
    session_fetch,
    session_fetch_due,
    session_for_instance,
    session_latest_for_lesson,
)
from attendance.services.sweep import SweepResult, attendance_sweep

__all__ = [
    "FetchOutcome",
    "SweepResult",
    "attendance_schedule_fetch",
    "attendance_session_begin",
    "attendance_sweep",
    "fetch_enqueue",
    "occurrence_start",
    "session_claim_fetch",
    "session_clear_override",
    "session_fetch",
    "session_fetch_due",
    "session_for_instance",
    "session_latest_for_lesson",
    "session_match_participant",
    "session_override_status",
    "session_recompute",
    "session_refetch",
]
