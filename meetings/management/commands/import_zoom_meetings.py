from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

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
            raise CommandError(f"No connected Zoom account with id or name “{credential}”.")
        if len(found) > 1:
            raise CommandError(f"“{credential}” is both an id and a name; use the other one.")
        account = found[0]
        if not account.is_usable:
            raise CommandError(
                f"The Zoom account “{account}” is {account.get_status_display().lower()}; fix it first."
            )
        try:
            result = meetings_import_from_zoom(credential=account)
        except ZoomError as error:
            raise CommandError(f"Zoom refused: {error}") from error
        for meeting in result.created:
            self.stdout.write(f"imported {meeting.zoom_meeting_id} “{meeting.topic}”")
        for reason in result.skipped:
            self.stdout.write(f"skipped {reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} imported, {result.already_known} already known, {len(result.skipped)} skipped."
            )
        )
