"""Late data after retention: resends of pruned readings stay duplicates, new ones are refused.

Real files (the Parquet store) and a real database, SQLite and PostgreSQL; readings go in
through ``ingest``, the function the HTTP API and the MQTT subscriber call.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.telemetry.test_health import AS_OF, history
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.deadletters import list_dead_letters
from keepwell.telemetry.ingest import IngestResult, ingest
from keepwell.telemetry.models import PrunedDay, TelemetryDaily
from keepwell.telemetry.parse import decode_payload
from keepwell.telemetry.rawstore import export_raw, prune_raw, raw_dir
from keepwell.telemetry.rollups import rebuild_rollups

TODAY = AS_OF + timedelta(days=1)
RETENTION = 30
CUTOFF = TODAY - timedelta(days=RETENTION)
OLD = AS_OF - timedelta(days=50)  # a pruned day
OLD_ALARM = {
    "asset": "SN-1",
    "ts": datetime.combine(OLD, time(9)).isoformat(),
    "alarm_code": "E2",
    "severity": "high",
}


def deliver(engine: Engine, items: list[dict[str, Any]]) -> IngestResult:
    with session_scope(engine) as session:
        return ingest(session, decode_payload(json.dumps(items).encode(), 65536), channel="mqtt")


def rollups(engine: Engine) -> list[tuple[Any, ...]]:
    d = TelemetryDaily
    query = select(
        d.asset_id, d.day, d.metric, d.readings, d.total, d.minimum, d.maximum, d.alarms
    ).order_by(d.asset_id, d.day, d.metric)
    with session_scope(engine) as session:
        return [tuple(row) for row in session.execute(query)]


def events(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0


def export_and_prune(engine: Engine, store: Path) -> int:
    with session_scope(engine) as session:
        export_raw(session, store, before=TODAY)
        return prune_raw(session, store, retention_days=RETENTION, today=TODAY)


@pytest.fixture
def pruned(engine: Engine, assets: dict[str, int], tmp_path: Path) -> Path:
    """90 days of readings and an old alarm, exported, and all before the cutoff pruned."""
    first = deliver(engine, [*history(), OLD_ALARM])
    assert first.readings + first.alarms == len(history()) + 1
    store = tmp_path / "store"
    assert export_and_prune(engine, store) == 60
    return store


def test_a_late_resend_of_pruned_readings_stores_nothing(engine: Engine, pruned: Path) -> None:
    before, stored = rollups(engine), events(engine)
    old_days = [i for i in history() if date.fromisoformat(str(i["ts"])[:10]) < CUTOFF]
    assert stored == len(history()) - len(old_days)

    result = deliver(engine, [*history(), OLD_ALARM])

    assert (result.readings, result.alarms, result.dead_letters) == (0, 0, 0)
    assert result.duplicates == len(history()) + 1
    assert events(engine) == stored
    assert rollups(engine) == before


def test_export_after_prune_does_not_write_pruned_days_again(engine: Engine, pruned: Path) -> None:
    with session_scope(engine) as session:
        again = export_raw(session, pruned, before=TODAY)
    assert (again.days, again.rows) == (0, 0)
    days = sorted(p.name.removeprefix("day=") for p in raw_dir(pruned).iterdir())
    assert days[0] == CUTOFF.isoformat()


def test_a_rollup_rebuild_keeps_the_pruned_days(engine: Engine, pruned: Path) -> None:
    before = rollups(engine)
    with session_scope(engine) as session:
        rebuild_rollups(session)
    assert rollups(engine) == before


def test_a_new_reading_on_a_pruned_day_is_refused_then_stored_once_with_allow_late(
    engine: Engine, database_url: str, assets: dict[str, int], pruned: Path
) -> None:
    before, stored = rollups(engine), events(engine)
    new = {
        "asset": "SN-1",
        "ts": datetime.combine(OLD, time(18)).isoformat(),
        "metric": "run_hours",
        "value": 3,
    }

    refused = deliver(engine, [new])

    assert (refused.readings, refused.duplicates, refused.dead_letters) == (0, 0, 1)
    with session_scope(engine) as session:
        (letter,) = list_dead_letters(session, reason="late")
        assert letter.detail == (
            f"reading from {OLD} is older than the pruned boundary {CUTOFF}; "
            "replay with --allow-late after checking"
        )
        assert letter.serial == "SN-1"
    assert (events(engine), rollups(engine)) == (stored, before)

    runner = CliRunner()
    url = ["--database-url", database_url]
    plain = runner.invoke(app, [*url, "telemetry", "replay", "--json"])
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["still_pending"] == 1
    late = runner.invoke(app, [*url, "telemetry", "replay", "--allow-late", "--json"])
    assert late.exit_code == 0, late.output
    replay = json.loads(late.stdout)
    assert (replay["replayed"], replay["readings"], replay["still_pending"]) == (1, 1, 0)

    sn1_old = (assets["SN-1"], OLD, "run_hours")
    after = {r[:3]: r[3:] for r in rollups(engine)}
    assert after[sn1_old][:2] == (2, 11.0)  # 8 h at noon and the late 3 h
    assert after[sn1_old][2:4] == (3.0, 8.0)
    assert {k: v for k, v in after.items() if k != sn1_old} == {
        r[:3]: r[3:] for r in before if r[:3] != sn1_old
    }

    # sent once more: a duplicate, before and after the next prune folds it into the keys
    assert deliver(engine, [new]).duplicates == 1
    with session_scope(engine) as session:
        assert export_raw(session, pruned, before=TODAY).days == 0
    assert not (raw_dir(pruned) / f"day={OLD}").exists()
    export_and_prune(engine, pruned)
    assert events(engine) == stored
    with session_scope(engine) as session:
        day_row = session.get(PrunedDay, OLD)
        assert day_row is not None and day_row.events == 5  # four readings and the alarm
    again = deliver(engine, [new, OLD_ALARM])
    assert (again.readings, again.alarms, again.duplicates, again.dead_letters) == (0, 0, 2, 0)
    assert {r[:3]: r[3:] for r in rollups(engine)} == after
