from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.encryption import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the newest key (the first salt in FIELD_ENCRYPTION_SALTS "
        "and DJANGO_SECRET_KEY). Run it after adding a new salt or key, before removing the old one."
    )

    def handle(self, *args, **options):
        report = rotate_encryption_keys()
        for label, count in report.rotated.items():
            self.stdout.write(_("%(label)s: %(count)d re-encrypted") % {"label": label, "count": count})
        if not report.ok:
            for label, pks in report.unreadable.items():
                self.stderr.write(
                    _("%(label)s: no configured key decrypts the rows with ids %(ids)s")
                    % {"label": label, "ids": pks}
                )
            raise CommandError(
                _(
                    "Some secrets could not be decrypted with any configured key and were left as they are: "
                    "keep the salt or secret key that encrypted them in the configuration."
                )
            )
        self.stdout.write(self.style.SUCCESS(_("Every secret is encrypted with the newest key.")))
