"""Django's database sessions, read with one SQL statement written once instead of a queryset.

Every staff page reads its session first; through the ORM (`Session.objects.get(...)`: build the
queryset, resolve two filters, compile, make a model instance) that cost several times what
PostgreSQL takes to answer. The statement, the table and the stored data are Django's own, so
sessions written by either store are read by the other; everything else is Django's store.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

_statements: dict[str, str] = {}


class SessionStore(db.SessionStore):
    def load(self):
        data = self._session_data()
        if data is None:
            self._session_key = None  # as Django's store does for a missing or expired session
            return {}
        return self.decode(data)

    def _session_data(self) -> str | None:
        using = router.db_for_read(self.model)
        connection = connections[using]
        sql = _statements.get(using)
        if sql is None:
            quote = connection.ops.quote_name
            # Only quoted names of Django's own table and columns; the key and time are parameters.
            table = quote(self.model._meta.db_table)
            sql = _statements[using] = (
                f"SELECT {quote('session_data')} FROM {table} "  # noqa: S608
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
            )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        return row[0] if row else None
