"""Rows of a fixed query whose SQL is compiled once per process, not once per request.

Building and compiling a queryset (resolving its filters, joins, subqueries and ordering into SQL)
costs several times what PostgreSQL takes to run a short one, and the list pages' filter options
ask the same few queries on every page. `fixed_rows(key, build)` compiles `build()` (a values_list
queryset) the first time for each key, active language and database, and afterwards only runs
its SQL. Only for queries that take nothing from the request: the language is part of the key
because the names' collation follows it (zoomhub.collation).
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import get_language

_compiled: dict[tuple, tuple[str, tuple]] = {}


def fixed_rows(key: str, build: Callable[[], QuerySet], *, using: str = "default") -> list[tuple]:
    """The rows of `build()`, a values_list() queryset of plain columns (no converters)."""
    connection = connections[using]
    full_key = (key, get_language(), using, connection.vendor)
    compiled = _compiled.get(full_key)
    if compiled is None:
        compiled = _compiled[full_key] = build().using(using).query.sql_with_params()
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
