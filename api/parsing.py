"""Request reading the database can take: JSON without NUL characters or lone surrogates.

PostgreSQL cannot store either in a text column, so such input is refused here with a 400
instead of failing at the database.
"""

import json

from django.utils.translation import gettext as _
from ninja.parser import Parser

from api.errors import ApiError


def unstorable_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value, path: str) -> None:
    if isinstance(value, str):
        if unstorable_text(value):
            raise ApiError(
                400,
                _("Text may not contain NUL characters or unpaired surrogates."),
                code="validation_error",
                fields={path or "body": _("Contains characters that cannot be stored.")},
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, path)
            _check(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}.{index}" if path else str(index))


class StorableJsonParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise ApiError(400, _("The request body is not valid JSON."), code="bad_request") from None
        _check(data, "")
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            for value in [key, *values]:
                if unstorable_text(value):
                    raise ApiError(
                        400,
                        _("Text may not contain NUL characters or unpaired surrogates."),
                        code="validation_error",
                        fields={key if not unstorable_text(key) else "query": _("Not valid.")},
                    )
        return super().parse_querydict(data, list_fields, request)
