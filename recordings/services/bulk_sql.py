"""One `INSERT … ON CONFLICT … DO UPDATE … RETURNING` for many rows, without model instances.

`bulk_create(update_conflicts=True)` builds a model instance per row and sends every value of
every row through the field machinery (`pre_save`, `get_db_prep_save`): for a sync page of 300
recordings and 900 files that was most of the sync's CPU. Here a row is a dict of plain values
(str, int, aware datetime, None); columns a row leaves out take the field's default, computed once
per call. PostgreSQL and SQLite (>= 3.35) both speak this SQL.

On PostgreSQL the rows travel as one array per column (`SELECT * FROM unnest(…)`) on a cursor
that binds on the server: the statement's text is the same for any number of rows (psycopg
parses it once), and no value is spliced into SQL text on our side. Django's own cursors bind on
the client, which for a statement of thousands of placeholders costs more than the insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models, transaction
from django.utils import timezone

# Bound values per statement: far below PostgreSQL's 65,535 and SQLite's 32,766.
MAX_VALUES = 20_000


def _defaults(model: type[models.Model], connection, given: set[str]) -> dict[str, object]:
    """Each concrete column a row does not give: its default, as the database takes it."""
    now = timezone.now()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        values[field.attname] = field.get_db_prep_save(value, connection)
    return values


def upsert_rows(
    model: type[models.Model],
    rows: Sequence[dict],
    *,
    unique: str,
    update: Iterable[str],
    set_sql: dict[str, str] | None = None,
    where_sql: str = "",
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert `rows` or update the row with the same `unique` column; the RETURNING rows.

    `update` names the columns a conflict overwrites with the new row's value; `set_sql` adds
    columns set by an SQL expression (`{table}` is the stored row, EXCLUDED the new one);
    `where_sql` limits which conflicting rows are updated (the others are left and not returned).
    Column names are the model's attnames (e.g. `recording_id`), never user input.
    """
    if not rows:
        return []
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    given = list(rows[0])
    defaults = _defaults(model, connection, set(given))
    columns = given + list(defaults)
    datetime_columns = {
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
    } & set(given)
    adapt = connection.ops.adapt_datetimefield_value
    default_values = [defaults[c] for c in defaults]
    assignments = [f"{quote(c)} = EXCLUDED.{quote(c)}" for c in update]
    assignments += [
        f"{quote(c)} = {expression.format(table=table)}" for c, expression in (set_sql or {}).items()
    ]
    tail = f" ON CONFLICT ({quote(unique)}) DO UPDATE SET {', '.join(assignments)}"
    if where_sql:
        tail += f" WHERE {where_sql.format(table=table)}"
    if returning:
        tail += " RETURNING " + ", ".join(quote(c) for c in returning)
    if connection.vendor == "postgresql":
        return _upsert_unnest(model, connection, rows, given, defaults, tail)
    row_placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, MAX_VALUES // len(columns))
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list = []
            for row in chunk:
                params.extend(adapt(row[c]) if c in datetime_columns else row[c] for c in given)
                params.extend(default_values)
            # Only the model's own quoted identifiers are interpolated; every value is bound.
            sql = (
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_placeholder] * len(chunk))}{tail}"
            )
            cursor.execute(sql, params)
            if returning:
                returned.extend(cursor.fetchall())
    return returned


def _upsert_unnest(model, connection, rows, given, defaults, tail) -> list[tuple]:
    import psycopg

    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = given + list(defaults)
    casts = ", ".join(f"%s::{fields[c].cast_db_type(connection)}[]" for c in columns)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT * FROM unnest({casts}){tail}"
    )
    params = [[row[c] for row in rows] for c in given] + [[value] * len(rows) for value in defaults.values()]
    connection.ensure_connection()
    # A server-binding cursor on Django's own connection (and so inside its transaction).
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
