"""Staff decisions: who a participant is (learned as an alias), the status set by hand, compute again."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import OVERRIDE_CHOICES, ManualMatch, Segment, Session
from attendance.names import name_skeleton
from attendance.services.fetching import fetch_enqueue
from attendance.signals import announce_if_decided
from attendance.storage import expected_people, from_rows, store_segments
from meetings.models import Person
from meetings.services import person_learn_alias

logger = logging.getLogger(__name__)
DataState = Session.DataState


def session_recompute(*, session: Session, now: dt.datetime | None = None) -> Session:
    """Compute again from the stored segments (after a staff decision, or new aliases): no Zoom call."""
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("meeting__host").get(pk=session.pk)
        segments = from_rows(Segment.objects.filter(session=session))
        data_ready = session.data_state == DataState.READY or (
            session.data_state == DataState.UNAVAILABLE and bool(segments)
        )
        store_segments(session=session, segments=segments, data_ready=data_ready, now=now)
    return session


def session_refetch(*, session: Session) -> Session:
    """Staff's "Fetch again from Zoom": start the fetch over now."""
    if not session.zoom_uuid:
        raise ValidationError(_("Zoom has no record of this lesson being held; there is nothing to fetch."))
    with transaction.atomic():
        now = timezone.now()
        Session.objects.filter(pk=session.pk).update(
            data_state=DataState.PENDING,
            fetch_attempts=0,
            next_fetch_at=now,
            fetch_claimed_at=None,
            data_reason=_("Fetching again from Zoom."),
        )
        fetch_enqueue(session_id=session.pk, at=now)
    session.refresh_from_db()
    return session


# -- staff decisions -----------------------------------------------------------------------------


def session_match_participant(
    *, session: Session, participant_key: str, person: Person, actor=None
) -> ManualMatch:
    """Staff say who a participant is: remembered for this session, learned as an alias for the next.

    The participant's email (or, without one, its name) is added to the person's other emails or
    names, so the next lesson matches it on its own; this session is computed again at once.
    """
    _people, by_id = expected_people(session.meeting)
    if person.pk not in by_id:
        raise ValidationError(
            _("%(person)s is not a teacher or student of this lesson.") % {"person": person}
        )
    segments = list(Segment.objects.filter(session=session, participant_key=participant_key))
    if not segments:
        raise ValidationError(
            _("That participant is not in this session (the data may have been fetched again).")
        )
    email = next((s.email.strip().lower() for s in segments if s.email.strip()), "")
    name = next((s.name.strip() for s in segments if name_skeleton(s.name)), "")
    alias = email or name
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if email:
            person_learn_alias(person=person, email=email)
        elif name:
            person_learn_alias(person=person, name=name)
        decision, _created = ManualMatch.objects.update_or_create(
            session=session,
            participant_key=participant_key,
            defaults={"person": person, "learned_alias": alias, "matched_by": actor},
        )
        session_recompute(session=session)
    return decision


def session_override_status(*, session: Session, status: str, reason: str, actor=None) -> Session:
    """Staff set the status by hand, with a reason; the computed status is kept beside it."""
    allowed = {value for value, _label in OVERRIDE_CHOICES}
    if status not in allowed:
        raise ValidationError(
            _("Choose one of the statuses: completed, no show, teacher absent, never took place.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the status is set by hand."))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        status_before = session.status
        session.override_status = status
        session.override_reason = reason[:2000]
        session.overridden_by = actor
        session.overridden_at = timezone.now()
        session.save()
        announce_if_decided(session=session, status_before=status_before)
    return session


def session_clear_override(*, session: Session, actor=None) -> Session:
    """Back to the computed status."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        status_before = session.status
        session.override_status = ""
        session.override_reason = ""
        session.overridden_by = actor
        session.overridden_at = timezone.now()
        session.save()
        announce_if_decided(session=session, status_before=status_before)
    return session
