import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


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
        self.stdout.write(self.style.SUCCESS(f"Created superuser {username!r} ({email})."))
        if generated:
            # Shown once, on the operator's own terminal; it is stored only as a hash.
            self.stdout.write(
                self.style.WARNING(f"Its password is: {password}  (change it after signing in)")
            )
