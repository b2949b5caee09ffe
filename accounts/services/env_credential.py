"""One Server-to-Server credential from ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET.

Programs written against Zoom directly (a trial-lesson bot, an attendance endpoint) keep their
app's keys in those three variables. Setting them for ZoomHub connects the same app: the values go
through the form's validation and encryption (credential_create / credential_update) and its
check (credential_check), so a wrong value ends as a message and an Invalid account, never as a
crash. Running it again with the same values changes nothing but the check's time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.services.checks import CheckResult, credential_check
from accounts.services.credentials import credential_create, credential_update
from zoomhub.queueing import enqueue_on_commit

VARIABLES = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")


@dataclass(frozen=True)
class EnvCredentialResult:
    outcome: str  # "not_configured", "refused", "created", "updated", "unchanged"
    message: str
    credential: Credential | None = None
    check: CheckResult | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "not_configured" or (self.check is not None and self.check.ok)


def _values() -> dict[str, str]:
    return {name: str(getattr(settings, name, "") or "").strip() for name in VARIABLES}


def _refused(error: ValidationError) -> EnvCredentialResult:
    names = {
        "account_id": "ZOOM_ACCOUNT_ID",
        "client_id": "ZOOM_CLIENT_ID",
        "client_secret": "ZOOM_CLIENT_SECRET",
    }
    lines = []
    for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
        label = names.get(field, "")
        lines.extend(f"{label}: {message}" if label else message for message in messages)
    return EnvCredentialResult("refused", _("Nothing was stored: %(reasons)s") % {"reasons": " ".join(lines)})


def credential_from_env(*, check: bool = True) -> EnvCredentialResult:
    """Create or update the environment's credential, then check it against Zoom."""
    values = _values()
    if not any(values.values()):
        return EnvCredentialResult(
            "not_configured", _("ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET are not set.")
        )
    unset = [name for name, value in values.items() if not value]
    if unset:
        return EnvCredentialResult(
            "refused",
            _("Nothing was stored: %(names)s not set (all three are needed).") % {"names": ", ".join(unset)},
        )
    account_id, client_id, client_secret = (values[name] for name in VARIABLES)
    existing = (
        Credential.objects.filter(
            kind=Credential.Kind.SERVER_TO_SERVER, account_id=account_id, client_id=client_id
        )
        .order_by("id")
        .first()
    )
    if existing is None:
        existing = Credential.objects.filter(name=settings.ZOOM_CREDENTIAL_NAME).first()
    try:
        if existing is None:
            credential = credential_create(
                kind=Credential.Kind.SERVER_TO_SERVER,
                name=settings.ZOOM_CREDENTIAL_NAME,
                account_id=account_id,
                client_id=client_id,
                client_secret=client_secret,
            )
            outcome = "created"
        elif (existing.account_id, existing.client_id, existing.client_secret or "") == (
            account_id,
            client_id,
            client_secret,
        ):
            credential, outcome = existing, "unchanged"
        else:
            if existing.kind != Credential.Kind.SERVER_TO_SERVER:
                return EnvCredentialResult(
                    "refused",
                    _(
                        "Nothing was stored: “%(name)s” is a user OAuth account; set ZOOM_CREDENTIAL_NAME to another name."
                    )
                    % {"name": existing.name},
                )
            credential = credential_update(
                credential=existing, account_id=account_id, client_id=client_id, client_secret=client_secret
            )
            outcome = "updated"
    except ValidationError as error:
        return _refused(error)
    if outcome != "unchanged":
        from accounts import tasks

        enqueue_on_commit(tasks.zoom_users_refresh_task, credential_id=credential.pk)
    texts = {
        "created": _("Zoom account “%(name)s” was added from the environment."),
        "updated": _("Zoom account “%(name)s” was updated from the environment."),
        "unchanged": _("Zoom account “%(name)s” already has the environment's keys."),
    }
    message = texts[outcome] % {"name": credential.name}
    result = credential_check(credential=credential) if check else None
    credential.refresh_from_db()
    return EnvCredentialResult(outcome, message, credential, result)
