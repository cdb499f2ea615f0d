"""The raw telemetry store: partitioned Parquet (one folder per day), read through Ibis.

Complete days are exported from the operational database to
``<telemetry_dir>/raw/day=YYYY-MM-DD/part-0.parquet`` (written aside, then renamed, so a
reader never sees half a file). A manifest keeps how many rows each exported day held;
a day whose rollups have changed since (late data) is exported again. Retention removes
partitions, and the raw rows in the database, older than the configured number of days;
daily rollups are kept, and so are the natural keys (hashed) of the pruned rows, so a late
resend is still recognised (``keepwell.telemetry.pruned``). A pruned day is never exported
again.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from keepwell.record.models import Asset, TelemetryEvent
from keepwell.telemetry.models import PrunedDay, TelemetryDaily
from keepwell.telemetry.pruned import days_with_rows_again, prune_day

SCHEMA = pa.schema(
    [
        ("asset_id", pa.int64()),
        ("serial", pa.string()),
        ("ts", pa.timestamp("us")),
        ("metric", pa.string()),
        ("value", pa.float64()),
        ("alarm_code", pa.string()),
        ("severity", pa.string()),
    ]
)
MANIFEST = "manifest.json"


@dataclass
class ExportResult:
    """Days written to the raw store and the rows they hold."""

    days: int = 0
    rows: int = 0


def raw_dir(telemetry_dir: Path) -> Path:
    """The folder of the day partitions."""
    return telemetry_dir / "raw"


def export_raw(session: Session, telemetry_dir: Path, *, before: date) -> ExportResult:
    """Write every day before ``before`` that is new or changed since its last export."""
    manifest = _read_manifest(telemetry_dir)
    result = ExportResult()
    for day, count in _day_counts(session, before).items():
        if manifest.get(day.isoformat()) == count:
            continue
        written = _write_day(session, telemetry_dir, day)
        manifest[day.isoformat()] = written
        _write_manifest(telemetry_dir, manifest)
        result.days += 1
        result.rows += written
    return result


def prune_raw(session: Session, telemetry_dir: Path, *, retention_days: int, today: date) -> int:
    """Remove exported raw data older than ``retention_days``; return the partitions removed.

    Only days already exported leave the database; their rollups and hashed keys stay.
    Rows stored on an already pruned day since (``--allow-late``) are pruned the same way.
    """
    cutoff = today - timedelta(days=retention_days)
    manifest = _read_manifest(telemetry_dir)
    removed = 0
    for key in sorted(k for k in manifest if date.fromisoformat(k) < cutoff):
        prune_day(session, date.fromisoformat(key))
        folder = raw_dir(telemetry_dir) / f"day={key}"
        if folder.exists():  # already gone is fine; any other failure is reported
            shutil.rmtree(folder)
        del manifest[key]
        removed += 1
    for day in days_with_rows_again(session):
        prune_day(session, day)
    session.commit()
    _write_manifest(telemetry_dir, manifest)
    return removed


def _day_counts(session: Session, before: date) -> dict[date, int]:
    d = TelemetryDaily
    query = (
        select(d.day, func.sum(d.readings + d.alarms))
        .where(d.day < before, d.day.not_in(select(PrunedDay.day)))
        .group_by(d.day)
        .order_by(d.day)
    )
    return {row[0]: int(row[1]) for row in session.execute(query)}


def _on_day(day: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    start = datetime.combine(day, time())
    return TelemetryEvent.ts >= start, TelemetryEvent.ts < start + timedelta(days=1)


def _write_day(session: Session, telemetry_dir: Path, day: date) -> int:
    e = TelemetryEvent
    query = (
        select(e.asset_id, Asset.serial, e.ts, e.metric, e.value, e.alarm_code, e.severity)
        .join(Asset, Asset.id == e.asset_id)
        .where(*_on_day(day))
        .order_by(e.asset_id, e.ts)
    )
    rows = session.execute(query).all()
    columns: list[list[object]] = [[] for _ in SCHEMA]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    table = pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, SCHEMA, strict=True)], schema=SCHEMA
    )
    folder = raw_dir(telemetry_dir) / f"day={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / ".part-0.parquet.tmp"
    pq.write_table(table, aside, compression="zstd")
    os.replace(aside, folder / "part-0.parquet")
    return len(rows)


def _read_manifest(telemetry_dir: Path) -> dict[str, int]:
    path = telemetry_dir / MANIFEST
    if not path.exists():
        return {}
    data: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write_manifest(telemetry_dir: Path, manifest: dict[str, int]) -> None:
    telemetry_dir.mkdir(parents=True, exist_ok=True)
    aside = telemetry_dir / f".{MANIFEST}.tmp"
    aside.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(aside, telemetry_dir / MANIFEST)
