"""Rebuilding the daily rollups from the stored readings (after bulk file imports)."""

from __future__ import annotations

from sqlalchemy import Date, case, cast, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.models import TelemetryDaily


def rebuild_rollups(session: Session) -> int:
    """Recompute every daily rollup from ``telemetry_events``; return the rollup rows."""
    e = TelemetryEvent
    sqlite = session.get_bind().dialect.name == "sqlite"
    day = func.date(e.ts) if sqlite else cast(e.ts, Date)
    is_alarm = e.alarm_code != ""
    metric = case((is_alarm, ""), else_=e.metric)
    reading_value = case((is_alarm, None), else_=e.value)
    query = select(
        e.asset_id,
        day,
        metric,
        func.count(reading_value),
        func.coalesce(func.sum(reading_value), 0.0),
        func.min(reading_value),
        func.max(reading_value),
        func.count().filter(is_alarm),
        func.count().filter(is_alarm & (e.severity == "critical")),
    ).group_by(e.asset_id, day, metric)
    session.execute(delete(TelemetryDaily))
    columns = [
        "asset_id",
        "day",
        "metric",
        "readings",
        "total",
        "minimum",
        "maximum",
        "alarms",
        "critical_alarms",
    ]
    session.execute(insert(TelemetryDaily).from_select(columns, query))
    session.commit()
    return session.scalar(select(func.count()).select_from(TelemetryDaily)) or 0


def ensure_rollups(session: Session) -> None:
    """Build the rollups once when readings exist but no rollup does (e.g. after a file import)."""
    if session.scalar(select(exists().select_from(TelemetryDaily))):
        return
    if session.scalar(select(exists().select_from(TelemetryEvent))):
        try:
            rebuild_rollups(session)
        except IntegrityError:
            session.rollback()  # built at the same moment by another request
