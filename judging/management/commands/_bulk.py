"""Bulk loading for `seed_scale`: COPY on PostgreSQL, large executemany batches elsewhere.

Rows bypass the ORM (no model instances, no save(), no signals). Columns a caller does not
give take the model field's default, prepared once for the database like the ORM would, so a
field added later with a default needs no change here.
"""

import itertools
import time
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model

BATCH = 50_000


class Loader:
    """Inserts rows into one database connection and keeps (table, rows, seconds) timings."""

    def __init__(self, now) -> None:
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.method = "COPY" if self.postgres else "executemany"
        self.timings: list[tuple[str, int, float]] = []
        self.reserving = 0.0

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        """`count` primary keys nobody else will get: drawn from the sequence on PostgreSQL
        (safe beside other writers); above the largest id elsewhere (SQLite's AUTOINCREMENT
        then continues after them)."""
        table = connection.ops.quote_name(model._meta.db_table)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's table)
                first = cursor.fetchone()[0] + 1
                ids = list(range(first, first + count))
        self.reserving += time.perf_counter() - started
        return ids

    def insert(
        self,
        model: type[Model],
        given: Sequence[str],
        rows: Iterable[tuple],
        **fixed,
    ) -> int:
        """Insert `rows` (tuples of values for the fields named in `given`, already in database
        form); every other concrete field takes `fixed[name]` or its default. Returns the
        number of rows."""
        fields = [f for f in model._meta.concrete_fields if f.name in given or not f.primary_key]
        by_name = {f.name: f for f in fields}
        columns = [by_name[name].column for name in given]
        constant = []
        for field in fields:
            if field.name in given:
                continue
            value = fixed[field.name] if field.name in fixed else self._default(field)
            constant.append(field.get_db_prep_save(value, connection))
            columns.append(field.column)
        started = time.perf_counter()
        tail = tuple(constant)
        count = self._write(model._meta.db_table, columns, (row + tail for row in rows))
        self.timings.append((model._meta.db_table, count, time.perf_counter() - started))
        return count

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        return field.get_default()

    def _write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        count = 0
        if self.postgres:
            # The psycopg 3 connection under Django's: the same transaction.
            copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN"
            with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        with connection.cursor() as cursor:
            while batch := list(itertools.islice(rows, BATCH)):
                cursor.executemany(sql, batch)
                count += len(batch)
        return count
