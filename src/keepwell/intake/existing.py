"""Finding the records an import may update, one chunk of keys at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, literal, select, tuple_
from sqlalchemy.orm import Session

from keepwell.intake.plan import Key

NOT_COMPARED = frozenset({"created_at", "updated_at", "import_batch_id"})
"""Columns an import never compares, so lookups do not read them."""
TELEMETRY_KEY = ("asset_id", "ts", "metric", "alarm_code")
LOOKUP_BATCH = 1000


def has_rows(session: Session, table: Table, source: str | None) -> bool:
    """Whether ``table`` holds a row of ``source`` (of any source when None).

    When it does, PostgreSQL's statistics of the table are refreshed first, so that key
    lookups use the unique index even right after a large import left them stale.
    """
    query = select(literal(1)).select_from(table).limit(1)
    if source is not None:
        query = query.where(table.c.source == source)
    found = session.execute(query).first() is not None
    if found:
        refresh_statistics(session, table)
    return found


def refresh_statistics(session: Session, table: Table) -> None:
    """``ANALYZE`` the table on PostgreSQL, on a connection of its own (no lock is kept)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    name = bind.dialect.identifier_preparer.format_table(table)
    with bind.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql(f"ANALYZE {name}")


def existing_rows(
    session: Session, table: Table, source: str | None, keys: list[Key]
) -> dict[Key, dict[str, Any]]:
    """The stored rows with these keys: by external id within ``source``, or (when
    ``source`` is None) by telemetry's natural key. Timestamps and batch ids are left out.
    """
    columns: list[Column[Any]] = [c for c in table.columns if c.name not in NOT_COMPARED]
    found: dict[Key, dict[str, Any]] = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        part = keys[start : start + LOOKUP_BATCH]
        if source is None:
            natural = tuple_(*(table.columns[name] for name in TELEMETRY_KEY))
            query = select(*columns).where(natural.in_(part))
        else:
            query = select(*columns).where(table.c.source == source, table.c.external_id.in_(part))
        for mapping in session.execute(query).mappings():
            data = dict(mapping)
            key: Key = (
                tuple(data[name] for name in TELEMETRY_KEY)
                if source is None
                else data["external_id"]
            )
            found[key] = data
    return found
