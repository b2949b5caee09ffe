from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zoomhub.schedules import install_default_schedules


class Command(BaseCommand):
    help = "Install the default Celery beat schedules that do not exist yet (admins own them after)."

    def handle(self, *args, **options):
        created = install_default_schedules()
        for name in created:
            self.stdout.write(_("installed schedule: %(name)s") % {"name": name})
        if not created:
            self.stdout.write(_("all default schedules are installed"))
