from django.core.management.base import BaseCommand, CommandError

from accounts.encryption import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the newest key (the first salt in FIELD_ENCRYPTION_SALTS "
        "and DJANGO_SECRET_KEY). Run it after adding a new salt or key, before removing the old one."
    )

    def handle(self, *args, **options):
        report = rotate_encryption_keys()
        for label, count in report.rotated.items():
            self.stdout.write(f"{label}: {count} re-encrypted")
        if not report.ok:
            for label, pks in report.unreadable.items():
                self.stderr.write(f"{label}: no configured key decrypts the rows with ids {pks}")
            raise CommandError(
                "Some secrets could not be decrypted with any configured key and were left as they are: "
                "keep the salt or secret key that encrypted them in the configuration."
            )
        self.stdout.write(self.style.SUCCESS("Every secret is encrypted with the newest key."))
