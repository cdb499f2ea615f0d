"""Opening an Ibis backend over a snapshot folder: DuckDB (default) or Spark local mode."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import ibis
from ibis.backends import BaseBackend

from keepwell.insight.features.snapshot import SCHEMAS

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")

SPARK_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "2g",
}
"""Spark local-mode settings: two cores, few shuffle partitions, UTC, loopback only."""


class FeatureEngineError(RuntimeError):
    """The requested engine cannot run here (a missing package or runtime)."""


def spark_session(conf: Mapping[str, str] | None = None) -> Any:
    """The local Spark session (``local[2]``), created on first use and shared afterwards.

    ``conf`` adds to or overrides :data:`SPARK_CONF` when the session is created.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise FeatureEngineError(
            "the Spark engine needs PySpark: pip install 'keepwell[spark]'"
        ) from exc
    if shutil.which("java") is None and not _java_home():
        raise FeatureEngineError("the Spark engine needs a Java runtime (17 or newer) on PATH")
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master("local[2]").appName("keepwell-features")
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _java_home() -> bool:
    home = os.environ.get("JAVA_HOME")
    return home is not None and (Path(home) / "bin" / "java").exists()


def connect(engine_name: EngineName, snapshot_dir: Path) -> BaseBackend:
    """An Ibis backend with every snapshot table of ``snapshot_dir`` registered by name."""
    if engine_name == "duckdb":
        con = ibis.duckdb.connect()
    elif engine_name == "spark":
        con = ibis.pyspark.connect(spark_session())
    else:
        raise ValueError(f"unknown engine {engine_name!r}; use one of {', '.join(ENGINES)}")
    for name in SCHEMAS:
        path = snapshot_dir / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"{path}: snapshot table missing")
        con.read_parquet(str(path), table_name=name)
    return con


@contextmanager
def connected(engine_name: EngineName, snapshot_dir: Path) -> Iterator[BaseBackend]:
    """:func:`connect`, then disconnect (which stops the Spark session) when done."""
    con = connect(engine_name, snapshot_dir)
    try:
        yield con
    finally:
        con.disconnect()
