"""Bulk inserts without SQLAlchemy's per-row parameter handling, storing the same values.

Each value goes through its column type's bind processor for the dialect, as SQLAlchemy
applies it, and Python-side scalar defaults are filled in, so what is stored equals what
a Core ``insert()`` stores, byte for byte. SQLite gets one ``executemany`` of the compiled
statement; PostgreSQL through psycopg gets ``COPY ... FROM STDIN``; both run on the
session's connection, inside its transaction. Inserts this cannot reproduce (a column
left to a callable or SQL-expression default, another driver) go through Core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import Dialect, Table, insert
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any]
SQLITE_CACHE_KIB = 128 * 1024
"""SQLite page cache during an import: room for the index pages that random keys touch,
so that they are not spilled and re-read over and over. A cap, not an allocation."""


@contextmanager
def bulk_writes(session: Session) -> Iterator[None]:
    """Tune the session's connection for a bulk import, and restore it afterwards.

    On SQLite this widens the page cache of the session's connection; the connection
    goes back to the pool as it was. Other databases are left as they are.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")


@dataclass(frozen=True)
class _Shape:
    """How rows with one set of keys become DBAPI parameter tuples, and the statement."""

    columns: tuple[str, ...]
    """Column names in the order of the statement's parameters."""
    defaults: dict[str, Any]
    """Processed constants of columns the rows leave to their scalar default."""
    processors: dict[str, Processor]
    statement: str

    def tuples(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """One parameter tuple per row, built column by column."""
        count = len(rows)
        columns: list[list[Any]] = []
        for name in self.columns:
            if name in self.defaults:
                columns.append([self.defaults[name]] * count)
                continue
            cells = map(itemgetter(name), rows)
            process = self.processors.get(name)
            columns.append(list(map(process, cells) if process else cells))
        return list(zip(*columns, strict=True))


@dataclass
class BulkInserter:
    """Inserts lists of row dicts into one table through the fastest faithful route."""

    session: Session
    table: Table
    _shapes: dict[tuple[str, ...], _Shape | None] = field(default_factory=dict)

    def is_fast(self, keys: tuple[str, ...]) -> bool:
        """Whether rows with these keys take the fast path (else Core's ``insert()``)."""
        return self._shape_of(keys) is not None

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows``, which all have the same keys, in one statement."""
        if not rows:
            return
        shape = self._shape_of(tuple(rows[0]))
        if shape is None:
            self.session.execute(insert(self.table), list(rows))
            return
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(shape.statement, shape.tuples(rows))
            return
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        with raw.cursor() as cursor, cursor.copy(shape.statement) as copy:
            for values in shape.tuples(rows):
                copy.write_row(values)

    def _shape_of(self, keys: tuple[str, ...]) -> _Shape | None:
        if keys not in self._shapes:
            self._shapes[keys] = self._shape(keys)
        return self._shapes[keys]

    def _shape(self, keys: tuple[str, ...]) -> _Shape | None:
        dialect = self.session.connection().dialect
        defaults = _scalar_defaults(self.table, keys)
        if defaults is None or not _supported(dialect):
            return None
        columns = keys + tuple(defaults)
        processors = _processors(self.table, columns, dialect)
        processed = {
            name: processors[name](value) if name in processors else value
            for name, value in defaults.items()
        }
        if dialect.name == "sqlite":
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(columns))
            order = tuple(compiled.positiontup or ())
            if sorted(order) != sorted(columns):
                return None
            return _Shape(order, processed, processors, compiled.string)
        return _Shape(columns, processed, processors, _copy_statement(self.table, columns, dialect))


def _supported(dialect: Dialect) -> bool:
    return dialect.name == "sqlite" or (
        dialect.name == "postgresql" and dialect.driver == "psycopg"
    )


def _scalar_defaults(table: Table, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """Defaults of the columns ``keys`` leave out, or None if one is not a plain constant."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.key in keys or default is None:
            continue
        if not default.is_scalar:
            return None
        defaults[column.key] = getattr(default, "arg", None)
    return defaults


def _processors(table: Table, columns: tuple[str, ...], dialect: Dialect) -> dict[str, Processor]:
    """Each column's bind processor for ``dialect``, where its type has one."""
    processors: dict[str, Processor] = {}
    for name in columns:
        process = table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    return processors


def _copy_statement(table: Table, columns: tuple[str, ...], dialect: Dialect) -> str:
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(table.columns[name].name) for name in columns)
    return f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
