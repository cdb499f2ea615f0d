"""MQTT ingest against a real Mosquitto broker and the real ``keepwell ingest mqtt`` process.

At-least-once delivery with de-duplication: killing the subscriber mid-stream, or
restarting the broker, loses no acknowledged reading and counts none twice.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from tests.telemetry.broker import Broker, Ingest, Publisher, wait_for

from keepwell.db import session_scope
from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.models import DeadLetter, TelemetryDaily

START = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(days=2)
TOPIC = "plant/+/telemetry"


def messages(first: int, count: int) -> list[str]:
    """Readings ``first .. first+count-1``, one per message, spread over three assets."""
    return [
        json.dumps(
            {
                "asset": f"SN-{1 + n % 3}",
                "ts": (START + timedelta(seconds=n)).isoformat(),
                "metric": "run_hours",
                "value": n % 7,
            }
        )
        for n in range(first, first + count)
    ]


def expected_total(count: int) -> float:
    return float(sum(n % 7 for n in range(count)))


def stored(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0


def dead_letter_reasons(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return sorted(session.scalars(select(DeadLetter.reason)))


def rollup_totals(engine: Engine) -> tuple[int, float]:
    with session_scope(engine) as session:
        row = session.execute(
            select(func.sum(TelemetryDaily.readings), func.sum(TelemetryDaily.total))
        ).one()
        return int(row[0] or 0), float(row[1] or 0.0)


def test_killing_the_subscriber_mid_stream_loses_and_doubles_nothing(
    engine: Engine, database_url: str, assets: dict[str, int], broker: Broker, tmp_path: Path
) -> None:
    total = 4000
    ingest = Ingest(database_url, broker, TOPIC, tmp_path / "data")
    ingest.start()
    publisher = Publisher(broker)
    publisher.publish_all("plant/a/telemetry", messages(0, total // 2))
    wait_for(lambda: stored(engine) >= 200, 30, "the first readings to be stored")
    ingest.kill()
    killed_at = stored(engine)
    publisher.publish_all("plant/b/telemetry", messages(total // 2, total // 2))
    restarted = Ingest(database_url, broker, TOPIC, tmp_path / "data")
    restarted.start()
    wait_for(lambda: stored(engine) >= total, 60, f"all {total} readings")
    restarted.stop()
    publisher.close()
    assert killed_at < total
    assert stored(engine) == total
    assert rollup_totals(engine) == (total, expected_total(total))


def test_the_subscriber_catches_up_after_a_broker_restart(
    engine: Engine, database_url: str, assets: dict[str, int], broker: Broker, tmp_path: Path
) -> None:
    ingest = Ingest(database_url, broker, TOPIC, tmp_path / "data")
    ingest.start()
    publisher = Publisher(broker)
    publisher.publish_all("plant/a/telemetry", messages(0, 500))
    wait_for(lambda: stored(engine) == 500, 30, "the first 500 readings")
    publisher.close()
    broker.stop()
    ingest.expect("disconnected", 10)
    broker.start()
    late = Publisher(broker)
    late.publish_all("plant/a/telemetry", messages(500, 500))
    late.close()
    wait_for(lambda: stored(engine) == 1000, 60, "the readings published during the outage")
    ingest.stop()
    assert rollup_totals(engine) == (1000, expected_total(1000))


def test_bad_messages_become_dead_letters(
    engine: Engine, database_url: str, assets: dict[str, int], broker: Broker, tmp_path: Path
) -> None:
    ingest = Ingest(database_url, broker, TOPIC, tmp_path / "data")
    ingest.start()
    publisher = Publisher(broker)
    bad = [
        "{not json",
        json.dumps({"asset": "SN-404", "ts": START.isoformat(), "metric": "m", "value": 1}),
        json.dumps({"asset": "SN-1", "ts": "soon", "metric": "m", "value": 1}),
        json.dumps({"asset": "SN-1", "ts": START.isoformat(), "metric": "m", "value": "x"}),
        "x" * 70000,
    ]
    publisher.publish_all("plant/a/telemetry", [*bad, *messages(0, 10)])
    publisher.close()
    wait_for(lambda: stored(engine) == 10, 30, "the good readings")
    wait_for(lambda: len(dead_letter_reasons(engine)) == 5, 10, "five dead letters")
    ingest.stop()
    reasons = dead_letter_reasons(engine)
    assert reasons == ["bad_timestamp", "bad_value", "malformed", "oversize", "unknown_asset"]
