from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Credential
from meetings.inbound import meetings_import_from_zoom
from zoomhub.zoom.errors import ZoomError


class Command(BaseCommand):
    help = (
        "Create lessons for the upcoming Zoom meetings of every active host of a connected Zoom account. "
        "Safe to run again: meetings already known (by Zoom meeting ID) are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("credential", help="The connected Zoom account's id or name.")

    def handle(self, *args, credential, **options):
        lookup = Q(name=credential) | (Q(pk=int(credential)) if credential.isdigit() else Q())
        found = list(Credential.objects.filter(lookup)[:2])
        if not found:
            raise CommandError(
                _("No connected Zoom account with id or name “%(value)s”.") % {"value": credential}
            )
        if len(found) > 1:
            raise CommandError(
                _("“%(value)s” is both an id and a name; use the other one.") % {"value": credential}
            )
        account = found[0]
        if not account.is_usable:
            raise CommandError(
                _("The Zoom account “%(name)s” is not usable (%(status)s); fix it first.")
                % {"name": account, "status": account.get_status_display().lower()}
            )
        try:
            result = meetings_import_from_zoom(credential=account)
        except ZoomError as error:
            raise CommandError(_("Zoom refused: %(error)s") % {"error": error}) from error
        for meeting in result.created:
            self.stdout.write(
                _("imported %(id)s “%(topic)s”") % {"id": meeting.zoom_meeting_id, "topic": meeting.topic}
            )
        for reason in result.skipped:
            self.stdout.write(_("skipped: %(reason)s") % {"reason": reason})
        self.stdout.write(
            self.style.SUCCESS(
                _("%(imported)d imported, %(known)d already known, %(skipped)d skipped.")
                % {
                    "imported": len(result.created),
                    "known": result.already_known,
                    "skipped": len(result.skipped),
                }
            )
        )
