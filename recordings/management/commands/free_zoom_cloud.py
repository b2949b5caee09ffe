"""manage.py free_zoom_cloud [--source <id or name>] [--dry-run]

Moves to Zoom's trash every recording of the sources that free Zoom's cloud whose files are all
verified in their destination (what the daily job does). With --dry-run nothing is sent to Zoom:
the recordings that would be trashed are listed (and recorded as such in the audit).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recordings.models import Source, ZoomCloudDeletion
from recordings.services.freeing import recordings_free_zoom_cloud


class Command(BaseCommand):
    help = "Move recordings whose files are all verified in their destination to Zoom's trash."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="only this source (id or name)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be trashed; call nothing")

    def handle(self, *args, source=None, dry_run=False, **options):
        chosen = None
        if source:
            chosen = Source.objects.filter(pk=int(source)).first() if source.isdigit() else None
            chosen = chosen or Source.objects.filter(name=source).first()
            if chosen is None:
                raise CommandError(_("No source with id or name “%(source)s”.") % {"source": source})
            if chosen.free_zoom_cloud == Source.FreeZoomCloud.OFF:
                raise CommandError(
                    _("Source “%(source)s” does not free Zoom's cloud (turn it on in the source first).")
                    % {"source": chosen.name}
                )
        audits = recordings_free_zoom_cloud(
            source=chosen, trigger="command", dry_run=True if dry_run else None
        )
        for audit in audits:
            recording = audit.recording
            self.stdout.write(
                f"{audit.get_outcome_display()}: {recording.start_time:%Y-%m-%d %H:%M} "
                f"{recording.topic} ({audit.meeting_uuid}), "
                + ngettext("%(count)d verified file", "%(count)d verified files", len(audit.files))
                % {"count": len(audit.files)}
                + (f" — {audit.error}" if audit.error else "")
            )
        trashed = sum(1 for a in audits if a.outcome == ZoomCloudDeletion.Outcome.TRASHED)
        if dry_run:
            self.stdout.write(
                ngettext(
                    "%(count)d recording would be moved to Zoom's trash.",
                    "%(count)d recordings would be moved to Zoom's trash.",
                    len(audits),
                )
                % {"count": len(audits)}
            )
        else:
            self.stdout.write(
                ngettext(
                    "%(count)d recording moved to Zoom's trash.",
                    "%(count)d recordings moved to Zoom's trash.",
                    trashed,
                )
                % {"count": trashed}
            )
