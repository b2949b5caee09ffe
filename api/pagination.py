"""Cursor pagination: a stable order ending in the primary key, and an opaque signed cursor.

A cursor holds the sort values of the last item of a page; the next page is everything after
them. Rows added or removed meanwhile never shift a page (unlike offsets). Cursors are signed, so
a changed or foreign cursor is refused with a 400 instead of being guessed at.
"""

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from api.errors import ApiError

SALT = "zoomhub.api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(Schema):
    cursor: str | None = Field(None, description="next_cursor of the previous page; omit for the first page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def _after(order: tuple[str, ...], values: list) -> Q:
    condition = Q()
    for index, key in enumerate(order):
        name = key.lstrip("-")
        step = Q(**{f"{name}__{'lt' if key.startswith('-') else 'gt'}": values[index]})
        for previous, value in zip(order[:index], values[:index], strict=True):
            step &= Q(**{previous.lstrip("-"): value})
        condition |= step
    return condition


def paginate(
    queryset: QuerySet, *, order: tuple[str, ...], page: PageParams, scope: str
) -> tuple[list, str | None]:
    """One page of `queryset` in `order` (its last key must be unique, e.g. "id") and the next cursor.

    `scope` names the listing, so a cursor of one list cannot be used on another.
    """
    model = queryset.model
    fields = [model._meta.get_field(key.lstrip("-")) for key in order]
    queryset = queryset.order_by(*order)
    if page.cursor:
        try:
            data = signing.loads(page.cursor, salt=f"{SALT}:{scope}")
            if not isinstance(data, list) or len(data) != len(order):
                raise ValueError
            values = [field.to_python(value) for field, value in zip(fields, data, strict=True)]
        except Exception:
            raise ApiError(
                400,
                _("This cursor is not valid here."),
                code="validation_error",
                fields={"cursor": _("Not valid.")},
            ) from None
        queryset = queryset.filter(_after(order, values))
    items = list(queryset[: page.limit + 1])
    if len(items) <= page.limit:
        return items, None
    items = items[: page.limit]
    last = items[-1]
    values = [field.value_to_string(last) for field in fields]
    return items, signing.dumps(values, salt=f"{SALT}:{scope}", compress=True)
