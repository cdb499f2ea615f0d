"""Rebuilding the daily rollups from the stored readings.

HTTP and MQTT ingest keep the rollups current as readings arrive; a file import of
telemetry rebuilds them in its own transaction; ``keepwell run`` builds them when readings
exist without any rollup (a database loaded some other way). Pages only read them.
"""

from __future__ import annotations

from sqlalchemy import Date, case, cast, delete, exists, func, insert, select
from sqlalchemy.orm import Session

from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.models import PrunedDay, TelemetryDaily


def rebuild_rollups(session: Session) -> int:
    """Recompute the daily rollups from ``telemetry_events``; return the rollup rows.

    The rollups of pruned days are kept as they are: their raw rows are gone. Runs in the
    caller's transaction (the caller commits)."""
    e = TelemetryEvent
    sqlite = session.get_bind().dialect.name == "sqlite"
    day = func.date(e.ts) if sqlite else cast(e.ts, Date)
    is_alarm = e.alarm_code != ""
    metric = case((is_alarm, ""), else_=e.metric)
    reading_value = case((is_alarm, None), else_=e.value)
    query = (
        select(
            e.asset_id,
            day,
            metric,
            func.count(reading_value),
            func.coalesce(func.sum(reading_value), 0.0),
            func.min(reading_value),
            func.max(reading_value),
            func.count().filter(is_alarm),
            func.count().filter(is_alarm & (e.severity == "critical")),
        )
        .where(day.not_in(select(PrunedDay.day)))
        .group_by(e.asset_id, day, metric)
    )
    session.execute(delete(TelemetryDaily).where(TelemetryDaily.day.not_in(select(PrunedDay.day))))
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
    return session.scalar(select(func.count()).select_from(TelemetryDaily)) or 0


def ensure_rollups(session: Session) -> bool:
    """Build the rollups when readings exist but no rollup does; True when it built them.

    For batch jobs (``keepwell run``); runs in the caller's transaction.
    """
    if session.scalar(select(exists().select_from(TelemetryDaily))):
        return False
    if not session.scalar(select(exists().select_from(TelemetryEvent))):
        return False
    rebuild_rollups(session)
    return True
