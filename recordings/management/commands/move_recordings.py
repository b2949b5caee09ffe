"""manage.py move_recordings --source <id or name> --to <destination id or name | local>

Moves a source's stored files into another destination, each verified by size and SHA-256 before
the old copy is deleted, with a progress bar. Safe to interrupt and run again: moved files are
skipped. When every file has moved, the source keeps its new files there too.
"""

import sys

from botocore.exceptions import BotoCoreError, ClientError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recordings.models import Destination, Source
from recordings.services.destinations import explain_s3_error
from recordings.services.moving import MoveFailed, files_to_move, recording_file_move

LOCAL = "local"


def _find(model, value: str):
    found = model.objects.filter(pk=int(value)).first() if value.isdigit() else None
    return found or model.objects.filter(name=value).first()


class Command(BaseCommand):
    help = "Move a source's stored recording files to another destination (verified, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, help="the source's id or name")
        parser.add_argument("--to", required=True, help="the destination's id or name, or 'local'")

    def handle(self, *args, source, to, **options):
        chosen = _find(Source, source)
        if chosen is None:
            raise CommandError(_("No source with id or name “%(source)s”.") % {"source": source})
        target = None if to == LOCAL else _find(Destination, to)
        if to != LOCAL and target is None:
            raise CommandError(_("No destination with id or name “%(to)s”.") % {"to": to})
        pending = files_to_move(source=chosen, to=target)
        total_bytes = sum(f.file_size for f in pending)
        where = target.name if target else _("this server's disk")
        self.stdout.write(
            ngettext(
                "%(count)d file (%(size)s) to move to %(where)s.",
                "%(count)d files (%(size)s) to move to %(where)s.",
                len(pending),
            )
            % {"count": len(pending), "size": filesizeformat(total_bytes), "where": where}
        )
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        moved_bytes = 0
        failures = 0

        def show(done_files: int) -> None:
            width = 30
            share = moved_bytes / total_bytes if total_bytes else 1
            bar = "#" * int(width * share) + "-" * (width - int(width * share))
            line = (
                f"[{bar}] {int(100 * share):3d}%  {done_files}/{len(pending)}  {filesizeformat(moved_bytes)}"
            )
            self.stdout.write(line, ending="\r" if interactive else "\n")

        def on_bytes(count: int) -> None:
            nonlocal moved_bytes
            moved_bytes += count

        for number, file in enumerate(pending, start=1):
            try:
                recording_file_move(file=file, to=target, on_bytes=on_bytes)
            except (MoveFailed, BotoCoreError, ClientError, OSError) as error:
                if isinstance(error, BotoCoreError | ClientError):
                    error = explain_s3_error(error, target or file.destination)
                failures += 1
                self.stderr.write(
                    _("File %(id)s (%(type)s): %(error)s")
                    % {"id": file.pk, "type": file.file_type, "error": error}
                )
            show(number)
        if interactive:
            self.stdout.write("")
        if failures:
            self.stderr.write(
                ngettext(
                    "%(count)d file was not moved; run the command again to retry.",
                    "%(count)d files were not moved; run the command again to retry.",
                    failures,
                )
                % {"count": failures}
            )
            sys.exit(1)
        if chosen.destination != target:
            chosen.destination = target
            chosen.save(update_fields=["destination", "updated_at"])
        self.stdout.write(
            _("Done: every stored file of “%(source)s” is verified in %(where)s, and new files go there too.")
            % {"source": chosen.name, "where": where}
        )
