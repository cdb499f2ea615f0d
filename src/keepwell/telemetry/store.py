"""Writing readings and alarms once each: natural-key de-duplication and daily rollups.

Rows go into ``telemetry_events`` with ``INSERT … ON CONFLICT DO NOTHING RETURNING``, so the
database itself decides which rows are new (also between concurrent writers) and only
those are added to the daily rollups. An item on a day whose raw rows were pruned is
checked against that day's kept keys: a resend is a duplicate, anything else is refused as
``late`` unless the caller allows late data (``keepwell.telemetry.pruned``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Insert, Table, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from keepwell.record.models import Asset, TelemetryEvent
from keepwell.telemetry.models import TelemetryDaily
from keepwell.telemetry.parse import Item, Rejection
from keepwell.telemetry.pruned import Key, last_pruned_day, pruned_days, pruned_duplicates

CHUNK = 2000
EVENTS: Table = TelemetryEvent.__table__  # type: ignore[assignment]
DAILY: Table = TelemetryDaily.__table__  # type: ignore[assignment]


@dataclass
class Stored:
    """What one write added: new readings and alarms, the duplicates left out, and the
    items refused because they fall on a pruned day (to keep as dead letters)."""

    readings: int = 0
    alarms: int = 0
    duplicates: int = 0
    late: list[Rejection] = field(default_factory=list)


def resolve_serials(session: Session, serials: Iterable[str]) -> dict[str, int]:
    """Asset ids by serial number, for the serials that are registered."""
    wanted = sorted(set(serials))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Asset.serial, Asset.id).where(Asset.serial.in_(wanted[start : start + CHUNK]))
        )
        found.update({row.serial: row.id for row in rows})
    return found


def split_known(
    session: Session, items: Sequence[Item | Rejection]
) -> tuple[list[tuple[int, Item]], list[Rejection]]:
    """Valid items of registered assets (with the asset id), and everything rejected."""
    ids = resolve_serials(session, (i.serial for i in items if isinstance(i, Item)))
    known: list[tuple[int, Item]] = []
    rejected: list[Rejection] = []
    for item in items:
        if isinstance(item, Rejection):
            rejected.append(item)
        elif item.serial in ids:
            known.append((ids[item.serial], item))
        else:
            rejected.append(_unknown(item))
    return known, rejected


def store_items(
    session: Session, known: Sequence[tuple[int, Item]], source: str, *, allow_late: bool = False
) -> Stored:
    """Insert the items not stored before; update the rollups with exactly those.

    Keys already stored are looked up first (one range query per chunk), so the usual
    fresh batch inserts without conflicts. On SQLite the transaction already holds the
    write lock (the batch row was written), so that look-up is exact and a plain insert
    follows; on PostgreSQL ``ON CONFLICT DO NOTHING RETURNING`` settles races with
    concurrent writers. Items on pruned days are checked against the kept keys after
    that (so a prune committing meanwhile cannot hide a stored row from both look-ups);
    new ones are refused as ``late`` unless ``allow_late``.
    """
    unique: dict[Key, tuple[int, Item]] = {
        (a, i.ts, i.metric, i.alarm_code): (a, i) for a, i in known
    }
    result = Stored()
    for key in _existing(session, list(unique)):
        del unique[key]
    for key in _on_pruned_days(session, unique, allow_late, result):
        del unique[key]
    rows = [
        NewRow(a, i.ts, i.metric, i.value, i.alarm_code, i.severity) for a, i in unique.values()
    ]
    new_rows = _insert(session, rows, source)
    result.alarms = sum(1 for row in new_rows if row.alarm_code)
    result.readings = len(new_rows) - result.alarms
    result.duplicates = len(known) - len(new_rows) - len(result.late)
    add_to_rollups(session, new_rows)
    return result


def _on_pruned_days(
    session: Session, unique: dict[Key, tuple[int, Item]], allow_late: bool, result: Stored
) -> list[Key]:
    """The keys to leave out because they fall on pruned days: resends, and (unless
    ``allow_late``) new items, which are added to ``result.late``."""
    pruned = pruned_days(session, (k[1].date() for k in unique))
    late = [k for k in unique if k[1].date() in pruned]
    if not late:
        return []
    resent = pruned_duplicates(session, late)
    if allow_late:
        return list(resent)
    boundary = (last_pruned_day(session) or max(pruned)) + timedelta(days=1)
    result.late = [_late(unique[k][1], boundary) for k in late if k not in resent]
    return late


class NewRow(NamedTuple):
    """A row of ``telemetry_events`` as the rollups need it."""

    asset_id: int
    ts: datetime
    metric: str
    value: float | None
    alarm_code: str
    severity: str | None


def _existing(session: Session, keys: list[tuple[int, datetime, str, str]]) -> list[Any]:
    found: list[Any] = []
    e = EVENTS.c
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        wanted = set(chunk)
        query = select(e.asset_id, e.ts, e.metric, e.alarm_code).where(
            e.asset_id.in_({k[0] for k in chunk}),
            e.ts.between(min(k[1] for k in chunk), max(k[1] for k in chunk)),
        )
        found.extend(k for k in map(tuple, session.execute(query)) if k in wanted)
    return found


def _insert(session: Session, rows: list[NewRow], source: str) -> list[NewRow]:
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(SQLITE_INSERT, [_sqlite_row(r, source) for r in rows])
        return rows
    values = [r._asdict() | {"source": source} for r in rows]
    e = EVENTS.c
    stmt = _insert_ignoring(session, EVENTS).returning(
        e.asset_id, e.ts, e.metric, e.value, e.alarm_code, e.severity
    )
    inserted: list[NewRow] = []
    for start in range(0, len(values), CHUNK):
        inserted.extend(NewRow(*r) for r in session.execute(stmt, values[start : start + CHUNK]))
    return inserted


def add_to_rollups(session: Session, rows: Sequence[Any]) -> None:
    """Add new event rows (asset_id, ts, metric, value, alarm_code, severity) to the rollups."""
    totals: dict[tuple[int, date, str], list[Any]] = defaultdict(lambda: [0, 0.0, None, None, 0, 0])
    for row in rows:
        acc = totals[(row.asset_id, row.ts.date(), "" if row.alarm_code else row.metric)]
        if row.alarm_code:
            acc[4] += 1
            acc[5] += row.severity == "critical"
            continue
        acc[0] += 1
        acc[1] += row.value
        acc[2] = row.value if acc[2] is None else min(acc[2], row.value)
        acc[3] = row.value if acc[3] is None else max(acc[3], row.value)
    if not totals:
        return
    values = [
        {
            "asset_id": a,
            "day": d,
            "metric": m,
            "readings": n,
            "total": t,
            "minimum": lo,
            "maximum": hi,
            "alarms": al,
            "critical_alarms": cr,
        }
        for (a, d, m), (n, t, lo, hi, al, cr) in totals.items()
    ]
    session.execute(_rollup_upsert(session), values)


def _rollup_upsert(session: Session) -> Insert:
    stmt: Any = _dialect_insert(session, DAILY)
    new, old = stmt.excluded, DAILY.c
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[old.asset_id, old.day, old.metric],
        set_={
            "readings": old.readings + new.readings,
            "total": old.total + new.total,
            "minimum": case(
                (old.minimum.is_(None), new.minimum),
                (new.minimum < old.minimum, new.minimum),
                else_=old.minimum,
            ),
            "maximum": case(
                (old.maximum.is_(None), new.maximum),
                (new.maximum > old.maximum, new.maximum),
                else_=old.maximum,
            ),
            "alarms": old.alarms + new.alarms,
            "critical_alarms": old.critical_alarms + new.critical_alarms,
        },
    )


def _insert_ignoring(session: Session, table: Table) -> Insert:
    stmt: Any = _dialect_insert(session, table)
    return stmt.on_conflict_do_nothing()  # type: ignore[no-any-return]


def _dialect_insert(session: Session, table: Table) -> Insert:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"telemetry ingest supports SQLite and PostgreSQL, not {name}")


SQLITE_INSERT = (
    "INSERT INTO telemetry_events (asset_id, ts, metric, value, alarm_code, severity, source)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _sqlite_row(row: NewRow, source: str) -> tuple[Any, ...]:
    """The row as SQLAlchemy's SQLite types store it (times as ISO text with microseconds)."""
    ts = row.ts.isoformat(sep=" ", timespec="microseconds")
    return (row.asset_id, ts, row.metric, row.value, row.alarm_code, row.severity, source)


def _unknown(item: Item) -> Rejection:
    return Rejection(
        "unknown_asset", f"no asset with serial {item.serial!r}", _payload(item), item.serial
    )


def _late(item: Item, boundary: date) -> Rejection:
    what = "alarm" if item.is_alarm else "reading"
    detail = (
        f"{what} from {item.ts.date()} is older than the pruned boundary {boundary}; "
        "replay with --allow-late after checking"
    )
    return Rejection("late", detail, _payload(item), item.serial)


def _payload(item: Item) -> str:
    """The item as a JSON object that decodes to the same item (for a dead letter)."""
    what: dict[str, Any] = {"asset": item.serial, "ts": item.ts.isoformat()}
    if item.is_alarm:
        what |= {"alarm_code": item.alarm_code, "severity": item.severity}
    else:
        what |= {"metric": item.metric, "value": item.value}
    return json.dumps(what)
