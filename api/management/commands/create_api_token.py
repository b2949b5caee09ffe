from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken
from api.services import api_token_create

SCOPES = {"read": ApiToken.Scope.READ, "write": ApiToken.Scope.READ_WRITE}


class Command(BaseCommand):
    help = (
        "Make an API token for a staff user and print it once (it is stored only hashed). "
        "Scope read: the GET operations; write: every operation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the staff user's email (or username)")
        parser.add_argument("--scope", required=True, choices=sorted(SCOPES), help="read or write")
        parser.add_argument("--name", default="", help="what will use it (default: “script”)")

    def handle(self, *args, user, scope, name, **options):
        users = get_user_model().objects.filter(email__iexact=user.strip())
        found = list(users[:2]) or list(get_user_model().objects.filter(username=user.strip())[:1])
        if not found:
            raise CommandError(f"No user has the email or username {user!r}.")
        if len(found) > 1:
            raise CommandError(f"Several users have the email {user!r}; give the username instead.")
        owner = found[0]
        if not (owner.is_active and owner.is_staff):
            raise CommandError(f"{user!r} is not active staff, so a token of theirs would not work.")
        try:
            token, raw = api_token_create(user=owner, name=name or "script", scope=SCOPES[scope])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # The token alone on stdout, so `TOKEN=$(manage.py create_api_token …)` works; the rest to stderr.
        self.stdout.write(raw)
        self.stderr.write(
            f"Made the {token.get_scope_display().lower()} token “{token.name}” ({token.prefix}…) "
            f"for {owner.get_username()}. It is shown only now; revoke it on the API tokens page."
        )
