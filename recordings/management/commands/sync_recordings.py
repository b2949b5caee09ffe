"""manage.py sync_recordings <source id or name> [--from YYYY-MM-DD] [--to YYYY-MM-DD]

Runs one sync in the foreground (no worker needed) with a progress bar and a summary.
Exit status 1 when the run failed (or could not start); a partial run exits 0 and lists its errors.
"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recordings import services
from recordings.models import Source, SyncRun, SyncStep


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from None


class Command(BaseCommand):
    help = "Sync a recording source's cloud recordings now, in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's id or name")
        parser.add_argument("--from", dest="from_date", type=_date, help="first day (default: incremental)")
        parser.add_argument("--to", dest="to_date", type=_date, help="last day (default: today)")

    def handle(self, *args, source, from_date, to_date, **options):
        found = Source.objects.filter(pk=int(source)) if source.isdigit() else Source.objects.none()
        found = found or Source.objects.filter(name=source)
        chosen = found.select_related("credential").first()
        if chosen is None:
            raise CommandError(_("No source with id or name “%(source)s”.") % {"source": source})
        try:
            run = services.sync_run_create(
                source=chosen, from_date=from_date, to_date=to_date, trigger=SyncRun.Trigger.COMMAND
            )
        except services.SyncAlreadyRunning as busy:
            raise CommandError(_("Source already syncing (run %(id)s).") % {"id": busy.run.pk}) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Syncing “{chosen.name}” {run.from_date} … {run.to_date} (run {run.pk})")
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()

        def progress() -> None:
            current = (
                SyncRun.objects.filter(pk=run.pk)
                .values("steps_done", "steps_total", "recordings_seen")
                .first()
            )
            if not current or not current["steps_total"]:
                return
            done, total = current["steps_done"], current["steps_total"]
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            counts = _("%(done)d/%(total)d steps, %(seen)d recordings") % {
                "done": done,
                "total": total,
                "seen": current["recordings_seen"],
            }
            line = f"[{bar}] {counts}"
            self.stdout.write(("\r" + line) if interactive else line, ending="" if interactive else "\n")

        attempts = 0
        while True:
            attempts += 1
            try:
                finished = services.sync_run_execute(run_id=run.pk, task_id="command", on_progress=progress)
                break
            except services.SyncRetryLater as later:
                if attempts >= 3:
                    services.sync_run_fail(run_id=run.pk, error=str(later))
                    finished = SyncRun.objects.get(pk=run.pk)
                    break
                self.stderr.write(str(later))
            except services.SyncRunBusy as busy:
                raise CommandError(str(busy)) from None
        if interactive:
            self.stdout.write("")
        finished = finished or SyncRun.objects.get(pk=run.pk)
        self.stdout.write(
            _(
                "%(state)s: %(seen)d recordings seen, %(created)d created, %(updated)d updated, "
                "%(done)d/%(total)d steps, %(calls)d Zoom API calls"
            )
            % {
                "state": finished.get_state_display(),
                "seen": finished.recordings_seen,
                "created": finished.recordings_created,
                "updated": finished.recordings_updated,
                "done": finished.steps_done,
                "total": finished.steps_total,
                "calls": finished.api_calls,
            }
        )
        for step in finished.steps.filter(state__in=[SyncStep.State.FAILED, SyncStep.State.SKIPPED]):
            self.stdout.write(f"  {step.get_state_display()}: {step}: {step.error}")
        if finished.error:
            self.stderr.write(finished.error)
        if finished.state == SyncRun.State.FAILED:
            sys.exit(1)
