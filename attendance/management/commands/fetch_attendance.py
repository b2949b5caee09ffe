from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attendance import services
from attendance.computation import SessionStatus
from attendance.models import Session
from meetings.models import Meeting
from zoomhub.collation import by_name
from zoomhub.zoom.errors import ZoomError


class Command(BaseCommand):
    help = (
        "Fetch a held lesson's participants from Zoom now and print who attended, their minutes and "
        "the status; exit 1 when Zoom's data could not be had."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="a lesson id, a Zoom meeting ID, or a meeting instance UUID")

    def handle(self, *args, target, **options):
        target = target.strip()
        try:
            session = self._session(target)
            outcome = services.session_fetch(session=session)
        except ZoomError as error:
            raise CommandError(_("Zoom refused: %(error)s") % {"error": error}, returncode=1) from None
        session = Session.objects.select_related("meeting").get(pk=outcome.session.pk)
        self.stdout.write(
            f"{session.meeting.topic} · {session.scheduled_start:%Y-%m-%d %H:%M} UTC · Zoom UUID {session.zoom_uuid}"
        )
        for row in session.attendances.select_related("person").order_by("-role", by_name("person__name")):
            marks = [_("present") if row.present else _("absent")]
            marks += [_("late")] if row.late else []
            marks += [_("left early")] if row.left_early else []
            minutes = _("%(minutes)s min") % {"minutes": f"{row.minutes:g}"}
            self.stdout.write(f"  {row.role:8} {row.person.name}: {minutes}, {', '.join(marks)}")
        for segment in session.segments.exclude(match="person").order_by("join_at"):
            self.stdout.write(
                f"  {segment.match:8} {segment.name or _('(no name)')} {segment.email}".rstrip()
            )
        status = SessionStatus(session.status).label
        self.stdout.write(
            _("Status: %(status)s · data: %(data)s")
            % {"status": status, "data": session.get_data_state_display()}
        )
        if session.data_reason:
            self.stdout.write(session.data_reason)
        if session.data_state != Session.DataState.READY:
            raise CommandError(_("Zoom's participant data is not in."), returncode=1)

    def _session(self, target: str) -> Session:
        if target.isdigit():
            lesson = Meeting.objects.filter(zoom_meeting_id=int(target)).first()
            lesson = lesson or Meeting.objects.filter(pk=int(target)).first()
            if lesson is None:
                raise CommandError(
                    _("No lesson has the id or Zoom meeting ID %(value)s.") % {"value": target}, returncode=1
                )
            session = services.session_latest_for_lesson(meeting=lesson)
            if session is None:
                raise CommandError(
                    _("Zoom lists no held meeting for the lesson “%(lesson)s” yet.") % {"lesson": lesson},
                    returncode=1,
                )
            return session
        session = Session.objects.filter(zoom_uuid=target).first()
        if session is not None:
            return session
        lesson = Meeting.objects.filter(zoom_uuid=target).first()
        if lesson is None:
            raise CommandError(
                _("No lesson or session has the Zoom meeting UUID “%(value)s”.") % {"value": target},
                returncode=1,
            )
        return services.session_for_instance(
            meeting=lesson, zoom_uuid=target, near=lesson.started_at or lesson.start_at
        )
