"""One `INSERT … ON CONFLICT … DO UPDATE … RETURNING` for many rows, without model instances.

`bulk_create(update_conflicts=True)` builds a model instance per row and sends every value of
every row through the field machinery (`pre_save`, `get_db_prep_save`): for a sync page of 300
recordings and 900 files that was most of the sync's CPU. Here a row is a dict of plain values
(str, int, aware datetime, None); columns a row leaves out take the field's default, computed once
per call. PostgreSQL and SQLite (>= 3.35) both speak this SQL.

On PostgreSQL the rows travel as ONE JSON parameter (`SELECT … FROM json_to_recordset(%s)`):
the statement's text is the same for any number of rows, the rows are serialised by the json
module's C encoder, and the server converts the types. Thousands of placeholders, or one array
per column, cost more on our side (psycopg quotes or dumps each value in Python) than the insert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

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
        return _upsert_json(model, connection, rows, given, defaults, tail)
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


def _upsert_json(model, connection, rows, given, defaults, tail) -> list[tuple]:
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    record = ", ".join(f"{quote(c)} {fields[c].cast_db_type(connection)}" for c in given)
    picked = [f"r.{quote(c)}" for c in given]
    picked += [f"%s::{fields[c].cast_db_type(connection)}" for c in defaults]
    columns = ", ".join(quote(c) for c in [*given, *defaults])
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(picked)} FROM json_to_recordset(%s::json) AS r({record}){tail}"
    )
    # Datetimes become ISO text, which PostgreSQL reads back exactly (with their offset).
    body = json.dumps(rows, default=_iso, separators=(",", ":"))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults.values(), body])
        return cursor.fetchall() if cursor.description else []


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")
