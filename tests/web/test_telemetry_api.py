"""The telemetry ingest API: batches, idempotency keys, dead letters, replay, statistics."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from tests.web.conftest import bearer

from keepwell.db import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.models import TelemetryDaily

START = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(days=3)


def register_assets(engine: Engine, tmp_path: Path, rows: str) -> None:
    """Import assets (``serial,account``) for accounts of the test record."""
    path = tmp_path / "assets.csv"
    lines = [f"{line.split(',')[0]},{line}" for line in rows.splitlines()]
    path.write_text("external_id,serial,account,model\n" + "\n".join(lines) + "\n", "utf-8")
    result = import_file(engine, "assets", path, Mapping(source="crm"))
    assert result.ok, result.errors


def readings(serial: str, count: int, start: int = 0) -> list[dict[str, object]]:
    """``count`` run-hours readings one minute apart."""
    return [
        {
            "asset": serial,
            "ts": (START + timedelta(minutes=start + i)).isoformat() + "Z",
            "metric": "run_hours",
            "value": 0.5,
        }
        for i in range(count)
    ]


def stored(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0


def test_a_retried_batch_is_counted_once(
    engine: Engine,
    tmp_path: Path,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    register_assets(engine, tmp_path, "SN-1,C-1,P200\nSN-2,C-3,P300")
    auth = bearer(token("admin", "ingest")) | {"Idempotency-Key": "batch-0001"}
    body = readings("SN-1", 50) + readings("SN-2", 30)
    first = anonymous.post("/api/v1/telemetry", json=body, headers=auth)
    assert first.status_code == 201, first.text
    assert first.json() | {"batch_id": 0} == {
        "batch_id": 0,
        "items": 80,
        "readings": 80,
        "alarms": 0,
        "duplicates": 0,
        "dead_letters": 0,
        "repeated": False,
    }
    again = anonymous.post("/api/v1/telemetry", json=body, headers=auth)
    assert again.status_code == 200
    assert again.json() == first.json() | {"repeated": True}
    assert stored(engine) == 80
    stats = anonymous.get("/api/v1/telemetry/stats", headers=bearer(token("admin", "read")))
    assert stats.json() | {"alarms": 0} == {
        "readings": 80,
        "alarms": 0,
        "batches": 1,
        "duplicates": 80,
        "repeated_batches": 1,
        "dead_letters": 0,
        "dead_letters_replayed": 0,
    }


def test_overlapping_batches_store_each_reading_once_and_roll_up(
    engine: Engine,
    tmp_path: Path,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    register_assets(engine, tmp_path, "SN-1,C-1,P200")
    auth = bearer(token("admin", "ingest"))
    ndjson = "\n".join(json.dumps(r) for r in readings("SN-1", 100))
    first = anonymous.post("/api/v1/telemetry", content=ndjson, headers=auth)
    assert first.json()["readings"] == 100
    overlap = [
        *readings("SN-1", 100, start=50),
        {"asset": "SN-1", "ts": START.isoformat(), "alarm_code": "E42", "severity": "critical"},
    ]
    second = anonymous.post("/api/v1/telemetry", json=overlap, headers=auth).json()
    assert (second["readings"], second["alarms"], second["duplicates"]) == (50, 1, 50)
    with session_scope(engine) as session:
        days = session.scalars(select(TelemetryDaily)).all()
        assert sum(d.readings for d in days) == 150
        assert sum(d.total for d in days) == 75.0
        assert sum(d.critical_alarms for d in days) == 1


def test_bad_items_become_dead_letters_and_replay_after_registering(
    engine: Engine,
    tmp_path: Path,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    register_assets(engine, tmp_path, "SN-1,C-1,P200")
    auth = bearer(token("admin", "ingest"))
    good = readings("SN-1", 2)
    bad = [
        {"asset": "SN-9", "ts": START.isoformat(), "metric": "run_hours", "value": 1},
        {"asset": "SN-1", "ts": "yesterday", "metric": "run_hours", "value": 1},
        {"asset": "SN-1", "ts": START.isoformat(), "metric": "run_hours", "value": "lots"},
        {"asset": "SN-1", "ts": START.isoformat(), "metric": "blob", "value": 1, "x": "y" * 70000},
    ]
    result = anonymous.post("/api/v1/telemetry", json=good + bad, headers=auth).json()
    assert (result["readings"], result["dead_letters"]) == (2, 4)
    letters = anonymous.get("/api/v1/telemetry/dead-letters", headers=auth).json()["dead_letters"]
    assert sorted(d["reason"] for d in letters) == [
        "bad_timestamp",
        "bad_value",
        "oversize",
        "unknown_asset",
    ]
    register_assets(engine, tmp_path, "SN-9,C-3,P300")
    replay = anonymous.post("/api/v1/telemetry/replay", headers=auth).json()
    assert (replay["replayed"], replay["readings"], replay["still_pending"]) == (1, 1, 3)
    assert stored(engine) == 3
    pending = anonymous.get("/api/v1/telemetry/dead-letters", headers=auth).json()["dead_letters"]
    assert len(pending) == 3


def test_ingest_needs_an_ingest_token_and_refuses_oversize_batches(
    engine: Engine,
    tmp_path: Path,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    body = readings("SN-1", 1)
    assert anonymous.post("/api/v1/telemetry", json=body).status_code == 401
    reader = bearer(token("admin", "read"))
    assert anonymous.post("/api/v1/telemetry", json=body, headers=reader).status_code == 403
    auth = bearer(token("admin", "ingest"))
    huge = b"[" + b" " * (33 * 1024 * 1024) + b"]"
    response = anonymous.post("/api/v1/telemetry", content=huge, headers=auth)
    assert response.status_code == 413
    assert "exceeds" in response.json()["detail"]
    long_key = auth | {"Idempotency-Key": "k" * 201}
    assert anonymous.post("/api/v1/telemetry", json=body, headers=long_key).status_code == 422
    assert stored(engine) == 0
