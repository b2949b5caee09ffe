from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.services import credential_check


class Command(BaseCommand):
    help = (
        "Check a Zoom account against Zoom (a token and one light call, plus its scopes); exit 1 if it fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("credential", help="the Zoom account's id or name")

    def handle(self, *args, credential, **options):
        matches = Credential.objects.filter(name=credential)
        if credential.isdigit():
            matches = Credential.objects.filter(pk=int(credential)) | matches
        found = list(matches[:2])
        if not found:
            raise CommandError(_("No Zoom account has the id or name “%(value)s”.") % {"value": credential})
        if len(found) > 1:
            raise CommandError(
                _("“%(value)s” is the id of one Zoom account and the name of another; use the other.")
                % {"value": credential}
            )
        result = credential_check(credential=found[0])
        self.stdout.write(f"{found[0].name} (id {found[0].pk}): {result.status}")
        self.stdout.write(result.summary)
        if not result.ok:
            raise CommandError(_("The check failed."), returncode=1)
