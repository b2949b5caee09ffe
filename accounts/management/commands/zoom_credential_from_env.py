from django.core.management.base import BaseCommand, CommandError

from accounts.services.env_credential import credential_from_env


class Command(BaseCommand):
    help = (
        "Create or update one Server-to-Server Zoom account from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and "
        "ZOOM_CLIENT_SECRET, then check it against Zoom; does nothing when they are not set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at-start",
            action="store_true",
            help="Report a problem but exit 0, so a wrong value never stops the app from starting.",
        )
        parser.add_argument("--no-check", action="store_true", help="Store the keys without asking Zoom.")

    def handle(self, *args, at_start=False, no_check=False, **options):
        result = credential_from_env(check=not no_check)
        self.stdout.write(result.message)
        if result.check is not None:
            self.stdout.write(f"{result.credential.name}: {result.check.status}")
            self.stdout.write(result.check.summary)
        if not result.ok and not (no_check and result.outcome in ("created", "updated", "unchanged")):
            if at_start:
                self.stderr.write("The Zoom account from the environment needs attention (see above).")
                return
            raise CommandError("The Zoom account from the environment is not usable.", returncode=1)
