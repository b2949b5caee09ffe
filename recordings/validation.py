"""The rules of a Source (ZoomSourceConfig, docs/recordings.md), shared by the form, the admin and services.

Each rule answers with a message staff can act on, attached to the field to change.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

ACCOUNT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{5,100}$")
LIST_SEPARATORS = re.compile(r"[\s,;]+")


def split_list(value) -> list[str]:
    """A textarea's or JSON list's items, trimmed, blanks and duplicates dropped, order kept."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else LIST_SEPARATORS.split(str(value))
    seen: dict[str, None] = {}
    for item in items:
        item = str(item).strip()
        if item:
            seen.setdefault(item, None)
    return list(seen)


def normalise_emails(value) -> list[str]:
    return split_list([e.lower() for e in split_list(value)])


def source_errors(source) -> dict[str, list[str]]:
    """Every broken rule of `source`, by field; empty when it may be saved."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    emails = source.user_emails or []
    account_ids = source.account_ids or []
    credential = source.credential if source.credential_id else None

    if not isinstance(emails, list) or not isinstance(account_ids, list):
        add("user_emails", _("User emails and sub-account IDs must be lists."))
        return errors

    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            add("user_emails", _("“%(value)s” is not an email address.") % {"value": email})
    for account_id in account_ids:
        if not ACCOUNT_ID_PATTERN.match(str(account_id)):
            add(
                "account_ids",
                _("“%(value)s” is not a Zoom account ID (5 or more letters, digits, - or _).")
                % {"value": account_id},
            )

    if emails and account_ids:
        add("account_ids", _("Use either user emails or sub-account IDs, not both."))

    if source.is_master_account:
        if credential is not None and not (
            credential.is_master_account and credential.kind == "server_to_server"
        ):
            add(
                "is_master_account",
                _(
                    "A master account source needs a master account's Server-to-Server app; "
                    "“%(name)s” is not one (mark the Zoom account as a master account first)."
                )
                % {"name": credential.name},
            )
        if not emails and not account_ids:
            add("user_emails", _("A master account source needs user emails or sub-account IDs."))
        if source.user_id and (emails or account_ids):
            add("user_id", _("Give one Zoom user or a list of users, not both."))
    elif emails or account_ids:
        field = "user_emails" if emails else "account_ids"
        add(field, _("User emails and sub-account IDs are for master accounts only: tick “master account”."))

    if credential is not None and credential.kind == "oauth" and source.user_id not in ("", "me"):
        add(
            "user_id",
            _("A Zoom account connected with OAuth sees only its own user's recordings: leave this empty."),
        )

    if source.retention_days is not None and source.retention_days < 1:
        add("retention_days", _("Keep local copies for at least 1 day, or leave it empty to keep them."))
    return errors
