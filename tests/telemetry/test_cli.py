"""The ``keepwell asset`` and ``keepwell telemetry`` command-line contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.record.models import Asset
from keepwell.telemetry.ingest import ingest
from keepwell.telemetry.parse import decode_payload

runner = CliRunner()
TS = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0).isoformat()


def _run(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", database_url, *args])
    return result.exit_code, result.stdout


def _deliver(engine: Engine, items: list[dict[str, object]], key: str | None = None) -> None:
    body = json.dumps(items).encode()
    with session_scope(engine) as session:
        ingest(session, decode_payload(body, 65536), channel="http", key=key)


def test_asset_list_names_serial_and_account(
    engine: Engine, database_url: str, assets: dict[str, int]
) -> None:
    code, out = _run(database_url, "asset", "list", "--json")
    listed = json.loads(out)["assets"]
    assert code == 0
    assert [(a["serial"], a["account"]) for a in listed] == [
        ("SN-1", "Acme Pumps"),
        ("SN-2", "Acme Pumps"),
        ("SN-3", "Beta Works"),
    ]
    code, out = _run(database_url, "asset", "list")
    assert code == 0 and "SN-3" in out and "Beta Works" in out


def test_stats_dead_letters_and_replay(
    engine: Engine, database_url: str, assets: dict[str, int]
) -> None:
    good = [{"asset": "SN-1", "ts": TS, "metric": "run_hours", "value": 2.5}]
    stranger = [{"asset": "SN-9", "ts": TS, "metric": "run_hours", "value": 1.0}]
    _deliver(engine, good + stranger, key="k-1")
    _deliver(engine, good + stranger, key="k-1")
    _deliver(engine, good)
    code, out = _run(database_url, "telemetry", "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert {k: stats[k] for k in ("readings", "batches", "duplicates", "dead_letters")} == {
        "readings": 1,
        "batches": 2,
        "duplicates": 3,
        "dead_letters": 1,
    }
    code, out = _run(database_url, "telemetry", "dead-letters", "--json")
    letters = json.loads(out)["dead_letters"]
    assert code == 0 and [(d["reason"], d["serial"]) for d in letters] == [
        ("unknown_asset", "SN-9")
    ]

    with session_scope(engine) as session:
        session.add(Asset(account_id=1, serial="SN-9", source="crm", external_id="SN-9"))
    code, out = _run(database_url, "telemetry", "replay", "--json")
    assert code == 0 and json.loads(out) | {"duplicates": 0} == {
        "replayed": 1,
        "still_pending": 0,
        "readings": 1,
        "alarms": 0,
        "duplicates": 0,
    }
    code, out = _run(database_url, "telemetry", "stats", "--json")
    assert json.loads(out)["readings"] == 2 and json.loads(out)["dead_letters"] == 0
    code, out = _run(database_url, "telemetry", "dead-letters", "--reason", "nonsense")
    assert code == 2


def test_ingest_mqtt_refuses_a_malformed_broker_address(database_url: str) -> None:
    result = runner.invoke(
        app,
        ["--database-url", database_url, "ingest", "mqtt", "--broker", "host:x", "--topic", "t"],
    )
    assert result.exit_code == 2 and "HOST:PORT" in result.stderr
