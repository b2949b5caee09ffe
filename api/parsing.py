"""Input the database can store: text without NUL characters or unpaired surrogates.

PostgreSQL refuses both in a text column, so every input schema of the API refuses them first,
as a 400 naming the field, instead of failing at the database.
"""

import functools

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, field_validator


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
    """Base of every request schema (bodies and query parameters).

    A field the schema does not have is refused (400 naming it), never dropped: a misspelt
    filter must not silently list everything.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value):
        _check(value)
        return value


def query_names(operation) -> frozenset[str]:
    """The query parameters an operation reads (their names as sent, aliases included)."""
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ != "query":
            continue
        flatten_map = getattr(model, "__ninja_flatten_map__", None)
        if flatten_map:
            names.update(flatten_map)
        else:
            names.update(field.alias or name for name, field in model.model_fields.items())
    return frozenset(names)


def accepts_any_query(view):
    """For a browser-facing operation (an OAuth callback): whatever the query holds, it answers."""
    view._accepts_any_query = True
    return view


def refuse_unknown_query(run):
    """A "view" decorator for every operation: a query parameter it does not read is a 400 naming
    it (after authentication, so a caller without a valid token still learns only that).

    Ninja maps the query string onto the operation's schemas and drops what fits none of them;
    this is the one place that sees both the request and the operation.
    """
    from api.errors import ApiError  # api.errors imports nothing of this module's users

    operation = run.__self__
    if getattr(operation.view_func, "_accepts_any_query", False):
        return run
    allowed = query_names(operation)

    @functools.wraps(run)
    def wrapped(request, **kwargs):
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            refused = operation._run_checks(request)
            if refused is not None:
                return refused
            fields = {name: _("Unknown query parameter.") for name in unknown}
            error = ApiError(
                400,
                _("Unknown query parameters: %(names)s.") % {"names": ", ".join(unknown)},
                code="validation_error",
                fields=fields,
            )
            return operation.api.on_exception(request, error)
        return run(request, **kwargs)

    return wrapped
