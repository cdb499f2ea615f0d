"""``keepwell features``: point-in-time account features from the shared customer record."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer
from rich.table import Table

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.cli.outfiles import Force, check_output, write_output
from keepwell.insight.features import (
    FEATURES,
    EngineName,
    FeatureEngineError,
    compute_features,
    connected,
    write_snapshot,
)


@app.command("features")
def features_command(
    ctx: typer.Context,
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Query engine: duckdb or spark.")
    ] = "duckdb",
    cutoffs: Annotated[
        list[datetime] | None,
        typer.Option(
            "--cutoff",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Cutoff day (YYYY-MM-DD), repeatable; default: today (UTC).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the features to this Parquet file.")
    ] = None,
    usage_metric: Annotated[
        str, typer.Option("--usage-metric", help="Telemetry metric summed as usage.")
    ] = "run_hours",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary (with the rows unless --out).")
    ] = False,
    force: Force = False,
) -> None:
    """Compute features per account and cutoff from data dated before each cutoff."""
    if out is not None:
        check_output(out, force=force)  # before the work, not after it
    days = sorted({c.date() for c in cutoffs}) if cutoffs else [datetime.now(UTC).date()]
    started = time.perf_counter()
    try:
        table = _compute(ctx, engine, days, usage_metric)
    except FeatureEngineError as exc:
        raise fail(str(exc), 2) from None
    seconds = round(time.perf_counter() - started, 2)
    if out is not None:
        write_output(out, lambda path: pq.write_table(table, path), force=force)
    if as_json:
        print_json(_summary(table, engine, days, out, seconds))
    else:
        _print_summary(table, engine, days, out, seconds)


def _compute(ctx: typer.Context, engine: EngineName, days: list[date], metric: str) -> pa.Table:
    database = state(ctx).engine()
    with tempfile.TemporaryDirectory(prefix="keepwell-snapshot-") as folder:
        snapshot = Path(folder)
        write_snapshot(database, snapshot)
        with connected(engine, snapshot) as con:
            return compute_features(con, days, usage_metric=metric)


def _summary(
    table: pa.Table, engine: str, days: list[date], out: Path | None, seconds: float
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "engine": engine,
        "cutoffs": [d.isoformat() for d in days],
        "rows": table.num_rows,
        "features": list(FEATURES),
        "out": str(out) if out else None,
        "seconds": seconds,
    }
    if out is None:
        summary["records"] = table.to_pylist()
    return summary


def _print_summary(
    table: pa.Table, engine: str, days: list[date], out: Path | None, seconds: float
) -> None:
    cutoff_text = ", ".join(d.isoformat() for d in days)
    console.print(
        f"[bold]{table.num_rows}[/] account rows at {cutoff_text} on {engine} in {seconds} s"
        + (f" → {out}" if out else "")
    )
    overview = Table(title="features (non-missing rows, mean)")
    for column in ("feature", "unit", "rows", "mean"):
        overview.add_column(column)
    for name, feature in FEATURES.items():
        values = table[name]
        mean = pc.mean(values.cast(pa.float64())).as_py() if table.num_rows else None
        overview.add_row(
            name,
            feature.unit,
            str(len(values) - values.null_count),
            "" if mean is None else f"{mean:.3g}",
        )
    console.print(overview)
