import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Create a first superuser when there is none: from DJANGO_SUPERUSER_USERNAME / _EMAIL / "
        "_PASSWORD, or with a generated password printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                _("Created superuser “%(username)s” (%(email)s).") % {"username": username, "email": email}
            )
        )
        if generated:
            # Shown once, on the operator's own terminal; it is stored only as a hash.
            self.stdout.write(
                self.style.WARNING(
                    _("Its password is: %(password)s  (change it after signing in)") % {"password": password}
                )
            )
