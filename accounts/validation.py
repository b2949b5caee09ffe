"""The rules a credential must follow, shared by the forms and the services.

They are the rules of docs/zoom-setup.md: a Server-to-Server app needs account_id (at
least 5 characters), client_id (at least 5) and client_secret (at least 10); a user OAuth
credential needs an access token (at least 10); a master account must be Server-to-Server; the
same account_id + client_id cannot be connected twice. The duplicate rule is for
Server-to-Server apps, where that pair names one app: every teacher of a school who presses
"Connect with Zoom" shares the account and the OAuth app's client ID, and is told apart by their
Zoom user instead.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Credential

MIN_ACCOUNT_ID = 5
MIN_CLIENT_ID = 5
MIN_CLIENT_SECRET = 10
MIN_ACCESS_TOKEN = 10


def _require(errors: dict, field: str, value: str, minimum: int, label: str) -> None:
    if not value:
        errors.setdefault(field, []).append(_("Enter the %(label)s.") % {"label": label})
    elif len(value) < minimum:
        errors.setdefault(field, []).append(
            _("The %(label)s must be at least %(minimum)d characters long (it has %(length)d).")
            % {"label": label, "minimum": minimum, "length": len(value)}
        )


def credential_errors(
    *,
    kind: str,
    name: str,
    account_id: str = "",
    client_id: str = "",
    client_secret: str = "",
    access_token: str = "",
    is_master_account: bool = False,
    exclude_pk: int | None = None,
    require_access_token: bool = True,
) -> dict[str, list[str]]:
    """Every rule the values break, by field ("__all__" for rules of the whole credential).

    The secrets passed here are the values that will be stored: on an edit with a blank
    secret field, the stored secret. require_access_token is False only for an OAuth
    credential that was disconnected (its tokens were deleted on purpose).
    """
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter a name for this Zoom account.")]
    elif Credential.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("Another Zoom account is already named “%(name)s”.") % {"name": name}]

    if kind == Credential.Kind.SERVER_TO_SERVER:
        _require(errors, "account_id", account_id, MIN_ACCOUNT_ID, _("Zoom account ID"))
        _require(errors, "client_id", client_id, MIN_CLIENT_ID, _("client ID"))
        _require(errors, "client_secret", client_secret, MIN_CLIENT_SECRET, _("client secret"))
        if "account_id" not in errors and "client_id" not in errors:
            duplicate = (
                Credential.objects.filter(
                    kind=Credential.Kind.SERVER_TO_SERVER, account_id=account_id, client_id=client_id
                )
                .exclude(pk=exclude_pk)
                .first()
            )
            if duplicate is not None:
                errors.setdefault("__all__", []).append(
                    _("This Zoom account ID and client ID are already connected as “%(name)s”.")
                    % {"name": duplicate.name}
                )
    elif kind == Credential.Kind.OAUTH:
        if require_access_token:
            _require(errors, "access_token", access_token, MIN_ACCESS_TOKEN, _("OAuth access token"))
        if is_master_account:
            errors.setdefault("is_master_account", []).append(
                _(
                    "A master account must be a Server-to-Server OAuth app: a user OAuth token "
                    "sees only that user's own data."
                )
            )
    else:
        errors["kind"] = [_("Choose Server-to-Server OAuth app or user OAuth.")]
    return errors


def credential_validate(**values) -> None:
    """Raise a ValidationError carrying every broken rule (see credential_errors)."""
    errors = credential_errors(**values)
    if errors:
        raise ValidationError(errors)
