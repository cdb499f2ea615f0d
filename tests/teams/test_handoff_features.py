"""Quote turnaround and broken-promise features: hand-computed values, DuckDB = Spark."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import Engine
from tests.teams.world import DAY, build

from keepwell.db import session_scope
from keepwell.insight.features import compute_features, connect, spark_session, write_snapshot
from keepwell.insight.features.handoff import HANDOFF_FEATURES
from keepwell.record.models import Order, Quote


def world(engine: Engine, folder: Path) -> dict[str, int]:
    """Acme: two answered RFQs (3 and 7 days), one open; one kept and two broken promises."""
    ids = build(engine)
    with session_scope(engine) as session:
        quotes = [
            Quote(
                account_id=ids["acme"],
                received_at=DAY - timedelta(days=d),
                outcome=o,
                responded_at=DAY - timedelta(days=d - t) if t is not None else None,
                promised_lead_time_days=lead,
                source="test",
                external_id=f"hq-{d}",
            )
            for d, t, o, lead in (
                (100, 3, "won", 30),
                (50, 7, "won", 10),
                (5, None, "open", None),
                (500, 2, "won", 30),
            )
        ]
        session.add_all(quotes)
        session.flush()
        orders = (  # (quote, ordered days ago, took, promised_at days after ordering)
            (quotes[0], 90, 25, None),
            (quotes[0], 80, 35, None),
            (quotes[1], 40, 8, 5),
            (quotes[3], 460, 60, None),
        )
        for n, (quote, ago, took, due) in enumerate(orders):
            ordered = DAY - timedelta(days=ago)
            session.add(
                Order(
                    account_id=quote.account_id,
                    quote_id=quote.id,
                    amount=1.0,
                    status="paid",
                    ordered_at=ordered,
                    delivered_at=ordered + timedelta(days=took),
                    promised_at=ordered + timedelta(days=due) if due else None,
                    source="test",
                    external_id=f"ho-{n}",
                )
            )
    write_snapshot(engine, folder)
    return ids


def features(con: Any) -> pa.Table:
    return compute_features(con, [DAY])


def acme_row(table: pa.Table, acme: int) -> dict[str, Any]:
    (row,) = [r for r in table.to_pylist() if r["account_id"] == acme]
    return {name: row[name] for name in HANDOFF_FEATURES}


def test_handoff_features_on_duckdb(engine: Engine, tmp_path: Path) -> None:
    ids = world(engine, tmp_path)
    con = connect("duckdb", tmp_path)
    try:
        table = features(con)
    finally:
        con.disconnect()
    assert acme_row(table, ids["acme"]) == {
        "quote_turnaround_days_365d": 5.0,
        "quotes_answered_365d": 2,
        "broken_promises_365d": 2,  # 35 > 30 days, and delivered after its promised day
    }
    beta = next(r for r in table.to_pylist() if r["account_id"] == ids["beta"])
    assert beta["quote_turnaround_days_365d"] is None and beta["broken_promises_365d"] == 0
    assert table.schema.field("quotes_answered_365d").type == pa.int64()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (keepwell[spark])")
    session = spark_session(
        {
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
            "spark.sql.shuffle.partitions": "1",
        }
    )
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_handoff_features_match_on_spark(spark: Any, engine: Engine, tmp_path: Path) -> None:
    ids = world(engine, tmp_path)
    duck = connect("duckdb", tmp_path)
    try:
        expected = features(duck)
    finally:
        duck.disconnect()
    sparkled = features(connect("spark", tmp_path))
    assert sparkled.schema == expected.schema
    assert sparkled.to_pylist() == expected.to_pylist()
    assert acme_row(sparkled, ids["acme"])["broken_promises_365d"] == 2
