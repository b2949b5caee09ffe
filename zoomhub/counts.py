"""Row counts of whole tables for the list pages' pagers, from the cache instead of `COUNT(*)`.

PostgreSQL counts exactly by visiting every row: 14 ms for 50,000 recordings on every page of the
unfiltered list, more than the rest of the page's CPU. The count is kept in the cache under a
generation number; code that adds or removes rows calls `forget_table_count(Model)`, which moves
the generation once the transaction commits, so the next page counts again.

Why a generation and not a plain delete: a page that counted just before a sync's transaction
committed could store its (old) count after the delete and keep it. Here it stores it under the
old generation, which nobody reads any more.

Writes that bypass `forget_table_count` (a bulk load from a shell, a restore) are seen after
COUNT_SECONDS at most. A connection that itself changed the table in its open transaction (a
test, a view that writes and then lists) counts exactly, since the cache cannot know its rows yet.
"""

import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils.functional import cached_property

# How long a count may be trusted without any forget (the safety net for writes that bypass it).
COUNT_SECONDS = 300


def _keys(model: type[Model], using: str) -> tuple[str, str]:
    # The database's name too: tests, benchmarks and a developer's app may share one Redis.
    where = f"{connections[using].settings_dict['NAME']}:{model._meta.db_table}"
    return f"table-count-generation:{where}", f"table-count:{where}"


_bumps: dict[tuple[str, str], object] = {}


def _bump(model: type[Model], using: str):
    """The on-commit callback for one table (one function object, so it is registered once)."""
    key = (model._meta.label, using)
    if key not in _bumps:
        generation_key, _count_key = _keys(model, using)

        def bump() -> None:
            try:
                cache.incr(generation_key)
            except ValueError:  # no generation yet (or the cache lost it): start a new one
                cache.set(generation_key, time.time_ns(), None)

        _bumps[key] = bump
    return _bumps[key]


def _pending(connection, callback) -> bool:
    return any(entry[1] is callback for entry in connection.run_on_commit)


def forget_table_count(model: type[Model], using: str | None = None) -> None:
    """Rows of `model` were added or removed in this transaction: count again after it commits.

    Cheap to call per row: the callback is registered once per transaction."""
    using = using or router.db_for_write(model)
    callback = _bump(model, using)
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection, callback):
        return
    transaction.on_commit(callback, using=using)


def table_count(model: type[Model], using: str | None = None) -> int:
    """How many rows `model`'s table holds, exactly, from the cache when nothing changed since."""
    using = using or router.db_for_read(model)
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection, _bump(model, using)):
        return model._default_manager.using(using).count()  # our own uncommitted rows
    generation_key, count_key = _keys(model, using)
    found = cache.get_many([generation_key, count_key])
    generation = found.get(generation_key)
    if generation is None:
        cache.add(generation_key, time.time_ns(), None)
        return model._default_manager.using(using).count()
    stored = found.get(count_key)
    if isinstance(stored, tuple) and stored[0] == generation:
        return stored[1]
    count = model._default_manager.using(using).count()
    cache.set(count_key, (generation, count), COUNT_SECONDS)
    return count


class CountedPaginator(Paginator):
    """Django's paginator with the count already known (e.g. from `table_count`), so it never
    runs `COUNT(*)` itself; pages are still slices of `object_list`."""

    def __init__(self, object_list, per_page, *, count: int, **options):
        super().__init__(object_list, per_page, **options)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
