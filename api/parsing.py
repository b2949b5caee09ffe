"""Input the database can store: text without NUL characters or unpaired surrogates.

PostgreSQL refuses both in a text column, so every input schema of the API refuses them first,
as a 400 naming the field, instead of failing at the database.
"""

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import field_validator


def unstorable_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value) -> None:
    if isinstance(value, str):
        if unstorable_text(value):
            raise ValueError(_("contains characters that cannot be stored (NUL or an unpaired surrogate)"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)


class InputSchema(Schema):
    """Base of every request schema (bodies and query parameters)."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value):
        _check(value)
        return value
