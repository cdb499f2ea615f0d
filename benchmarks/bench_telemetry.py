"""Benchmark: telemetry ingest throughput (HTTP batched, MQTT), storage per million
readings, and 90-day usage trends over the raw Parquet store.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_telemetry.py                      # full run
    .venv/bin/python benchmarks/bench_telemetry.py --trend-rows 10000000 # smaller trends

Everything runs on this machine: a real ``keepwell serve`` (uvicorn) process receives HTTP
batches over loopback; a Mosquitto broker of the benchmark's own (free loopback port) and
a real ``keepwell ingest mqtt`` process carry MQTT. Both store into a fresh SQLite file.
For comparison the HTTP section also sends one reading per request (what a device without
batching would do) and the MQTT section repeats the run with one bad message for every
good one (the dead-letter path must not starve good messages).
The trends section writes ``--trend-rows`` synthetic readings (10,000 assets, one year)
in the raw store's layout and times the Ibis/DuckDB 90-day trend over them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select

from keepwell.auth.service import create_user
from keepwell.auth.tokens import create_token
from keepwell.db import make_engine, session_scope
from keepwell.migrations import upgrade
from keepwell.record.models import Account, Asset, TelemetryEvent
from keepwell.telemetry.rawstore import SCHEMA, export_raw, raw_dir
from keepwell.telemetry.trends import raw_table, usage_trends

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.telemetry.broker import Broker, Publisher, free_port, wait_for

KEEPWELL = Path(sys.executable).with_name("keepwell")
ASSETS = 1000
START = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(days=20)


def setup_database(folder: Path) -> str:
    """A fresh SQLite database with ``ASSETS`` assets and an ingest token; the token."""
    url = f"sqlite:///{folder / 'keepwell.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        account = Account(name="Bench", source="bench", external_id="B-1")
        session.add(account)
        session.flush()
        session.add_all(
            Asset(account_id=account.id, serial=f"SN-{i}", source="bench", external_id=f"SN-{i}")
            for i in range(ASSETS)
        )
        user = create_user(
            session,
            email="bench@example.test",
            name="Bench",
            role="admin",
            password="bench password 123",
            actor="bench",
        )
        raw, _ = create_token(session, user, "bench", "ingest", actor="bench")
    engine.dispose()
    return raw


def readings(first: int, count: int) -> list[dict[str, object]]:
    """``count`` readings, numbered from ``first``, spread over the assets."""
    return [
        {
            "asset": f"SN-{n % ASSETS}",
            "ts": (START + timedelta(seconds=n // ASSETS)).isoformat(),
            "metric": "run_hours",
            "value": round((n % 97) / 97, 2),
        }
        for n in range(first, first + count)
    ]


def stored(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        found = session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0
    engine.dispose()
    return found


def bench_http(folder: Path, total: int, batch: int) -> dict[str, float]:
    token = setup_database(folder)
    url = f"sqlite:///{folder / 'keepwell.sqlite3'}"
    port = free_port()
    env = os.environ | {"KEEPWELL_DATA_DIR": str(folder), "KEEPWELL_DATABASE_URL": url}
    server = subprocess.Popen(
        [str(KEEPWELL), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _listening(port), 60, "the web server")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
        bodies = [
            "\n".join(json.dumps(r) for r in readings(start, batch)).encode()
            for start in range(0, total, batch)
        ]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        began = time.perf_counter()
        for index, body in enumerate(bodies):
            conn.request(
                "POST", "/api/v1/telemetry", body, headers | {"Idempotency-Key": f"bench-{index}"}
            )
            response = conn.getresponse()
            assert response.status == 201, response.read()
            response.read()
        batched = time.perf_counter() - began
        singles = readings(total, 1000)
        began = time.perf_counter()
        for item in singles:
            conn.request("POST", "/api/v1/telemetry", json.dumps(item).encode(), headers)
            response = conn.getresponse()
            response.read()
        single = time.perf_counter() - began
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert stored(url) == total + len(singles)
    db_bytes = sum(p.stat().st_size for p in folder.glob("keepwell.sqlite3*"))
    engine = make_engine(url)
    with session_scope(engine) as session:
        export_raw(session, folder / "telemetry", before=date.today() + timedelta(days=1))
    engine.dispose()
    parquet = sum(p.stat().st_size for p in (folder / "telemetry").rglob("*.parquet"))
    rows = total + len(singles)
    return {
        "http_batched": total / batched,
        "http_single": len(singles) / single,
        "db_bytes_per_m": db_bytes / rows * 1e6,
        "parquet_bytes_per_m": parquet / rows * 1e6,
    }


def bench_mqtt(folder: Path, total: int, bad_ratio: float) -> tuple[float, float]:
    """Messages/s published (QoS 1, one Python publisher) and good readings/s stored by
    ``keepwell ingest mqtt`` draining its persistent session, ``bad_ratio`` bad per good."""
    setup_database(folder)
    url = f"sqlite:///{folder / 'keepwell.sqlite3'}"
    broker_dir = folder / "broker"
    broker_dir.mkdir()
    broker = Broker(broker_dir)
    broker.start()
    env = os.environ | {"KEEPWELL_DATA_DIR": str(folder), "KEEPWELL_DATABASE_URL": url}
    command = [
        str(KEEPWELL),
        "ingest",
        "mqtt",
        "--broker",
        f"127.0.0.1:{broker.port}",
        "--topic",
        "bench/#",
    ]
    try:
        _run_subscriber(command, env, lambda: True)  # creates the persistent session
        good = [json.dumps(r) for r in readings(0, total)]
        bad = json.dumps(
            {"asset": "SN-unknown", "ts": START.isoformat(), "metric": "m", "value": 1}
        )
        every = int(1 / bad_ratio) if bad_ratio else 0
        payloads = []
        for index, message in enumerate(good):
            payloads.append(message)
            if every and index % every == 0:
                payloads.append(bad)
        publisher = Publisher(broker)
        began = time.perf_counter()
        publisher.publish_all("bench/line-1", payloads)
        published = len(payloads) / (time.perf_counter() - began)
        publisher.close()
        drained = _run_subscriber(command, env, lambda: stored(url) >= total)
    finally:
        broker.stop()
    return published, total / drained


def _run_subscriber(command: list[str], env: dict[str, str], done: Callable[[], bool]) -> float:
    """Run the subscriber until ``done()``; seconds from its subscription to done."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        while "subscribed" not in process.stdout.readline():
            pass
        began = time.perf_counter()
        wait_for(done, 900, "the subscriber")
        return time.perf_counter() - began
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def bench_trends(folder: Path, rows: int) -> tuple[float, float, int]:
    """Write ``rows`` synthetic readings over a year; time the 90-day trend; return
    (seconds to write, seconds for the trend, bytes)."""
    rng = np.random.default_rng(7)
    days = 365
    per_day = rows // days
    first = date.today() - timedelta(days=days)
    began = time.perf_counter()
    for offset in range(days):
        day = first + timedelta(days=offset)
        asset = rng.integers(0, 10_000, per_day)
        seconds = rng.integers(0, 86_400, per_day)
        ts = np.datetime64(day.isoformat(), "us") + seconds.astype("timedelta64[s]")
        order = np.lexsort((ts, asset))
        table = pa.Table.from_arrays(
            [
                pa.array(asset[order]),
                pa.DictionaryArray.from_arrays(
                    pa.array(asset[order] % 10_000, pa.int32()),
                    pa.array([f"SN-{i}" for i in range(10_000)]),
                ),
                pa.array(ts[order]),
                pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(per_day, np.int32)), pa.array(["run_hours"])
                ),
                pa.array(np.round(rng.random(per_day), 2)),
                pa.nulls(per_day, pa.string()),
                pa.nulls(per_day, pa.string()),
            ],
            names=SCHEMA.names,
        )
        target = raw_dir(folder) / f"day={day.isoformat()}"
        target.mkdir(parents=True)
        pq.write_table(table, target / "part-0.parquet", compression="zstd")
    written = time.perf_counter() - began
    began = time.perf_counter()
    result = usage_trends(raw_table(folder), date.today()).execute()
    trend = time.perf_counter() - began
    assert len(result) == 10_000
    size = sum(p.stat().st_size for p in raw_dir(folder).rglob("*.parquet"))
    return written, trend, size


def _listening(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/api/v1/openapi.json")
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http-readings", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--mqtt-messages", type=int, default=100_000)
    parser.add_argument("--trend-rows", type=int, default=100_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="keepwell-bench-"))
    try:
        http_figures = bench_http(work / "http", args.http_readings, args.batch)
        published, mqtt_clean = bench_mqtt(work / "mqtt", args.mqtt_messages, 0.0)
        _, mqtt_flood = bench_mqtt(work / "mqtt-flood", args.mqtt_messages, 1.0)
        written, trend, size = bench_trends(work / "trends", args.trend_rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nTelemetry on {os.cpu_count()} cores, SQLite operational database\n")
    print(f"{'measure':<58}{'value':>16}  target")
    lines = [
        (
            f"HTTP batched ({args.batch:,} per batch), readings/s",
            http_figures["http_batched"],
            ">= 50,000",
        ),
        ("HTTP one reading per request, readings/s", http_figures["http_single"], ""),
        ("MQTT publishing (one Python paho client, QoS 1), messages/s", published, ""),
        ("MQTT subscriber storing, one reading per message, msgs/s", mqtt_clean, ">= 20,000"),
        ("MQTT with one bad message per good one, good msgs/s", mqtt_flood, ""),
        ("operational database, bytes per million readings", http_figures["db_bytes_per_m"], ""),
        ("raw Parquet store, bytes per million readings", http_figures["parquet_bytes_per_m"], ""),
        (
            f"synthetic raw store, bytes per million ({args.trend_rows:,} rows)",
            size / args.trend_rows * 1e6,
            "",
        ),
        (f"90-day usage trends over {args.trend_rows:,} readings, s", trend, "< 10"),
        ("(writing those readings, s)", written, ""),
    ]
    for label, value, target in lines:
        print(f"{label:<58}{value:>16,.1f}  {target}")


if __name__ == "__main__":
    main()
