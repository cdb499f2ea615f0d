"""Feature pipeline time on DuckDB and on Spark, side by side, on one synthetic snapshot.

The snapshot (default 100,000 accounts and 10,000,000 orders, tickets and interactions,
plus contacts, team, quotes, surveys, assets and telemetry scaled to the accounts) is
generated directly as Parquet with NumPy. Each engine runs in its own process, once per
cutoff plan: ``cross`` (one query, cutoffs cross-joined) and ``union`` (one query per
cutoff, unioned), after a warm-up run on a small snapshot. Peak memory is the Python
process's; Spark's JVM is not counted.

    .venv/bin/python benchmarks/bench_features.py [--accounts 100000] [--events 10000000]
        [--cutoffs 4] [--engines duckdb,spark] [--plans cross,union]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SPARK_BENCH_CONF = {"spark.driver.memory": "8g", "spark.sql.shuffle.partitions": "4"}
CUTOFF_DAYS = (date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1))


def make_snapshot(folder: Path, accounts: int, events: int) -> dict[str, float]:
    """Write the synthetic snapshot; return the seconds it took and its size."""
    from keepwell.insight.features import write_tables
    from keepwell.insight.features.synthetic import synthetic_tables

    start = time.perf_counter()
    write_tables(synthetic_tables(accounts, events, seed=42), folder)
    size = sum(path.stat().st_size for path in folder.glob("*.parquet"))
    return {"seconds": time.perf_counter() - start, "mb": size / 2**20}


def worker(engine: str, folder: Path, cutoffs: int, plans: list[str]) -> dict[str, object]:
    """Run the pipeline on one engine in this process; return timings per plan.

    A first run on a small snapshot warms the engine up (Spark's JIT and code generation),
    so that the timed plans do not depend on their order.
    """
    from keepwell.insight.features import compute_features, connect, spark_session

    days = list(CUTOFF_DAYS[:cutoffs])
    if engine == "spark":
        spark_session(SPARK_BENCH_CONF)
    result: dict[str, object] = {"warm-up": _warm_up(engine, days)}
    start = time.perf_counter()
    con = connect(engine, folder)  # type: ignore[arg-type]
    result["connect"] = time.perf_counter() - start
    for plan in plans:
        start = time.perf_counter()
        table = compute_features(con, days, strategy=plan)  # type: ignore[arg-type]
        result[plan] = time.perf_counter() - start
        result["rows"] = table.num_rows
    con.disconnect()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _warm_up(engine: str, days: list[date]) -> float:
    """Seconds to start the engine and run every plan on a 500-account snapshot."""
    from keepwell.insight.features import compute_features, connect

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="keepwell-warm-") as tmp:
        make_snapshot(Path(tmp), 500, 20_000)
        con = connect(engine, Path(tmp))  # type: ignore[arg-type]
        for plan in ("cross", "union"):
            compute_features(con, days, strategy=plan)
    return time.perf_counter() - start


def _run_worker(engine: str, folder: Path, cutoffs: int, plans: list[str]) -> dict[str, object]:
    command = [sys.executable, __file__, "--worker", engine, "--folder", str(folder)]
    command += ["--cutoffs", str(cutoffs), "--plans", ",".join(plans)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--cutoffs", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--plans", default="cross,union")
    parser.add_argument("--worker")
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    plans = args.plans.split(",")
    if args.worker:
        print(json.dumps(worker(args.worker, args.folder, args.cutoffs, plans)))
        return
    with tempfile.TemporaryDirectory(prefix="keepwell-bench-") as tmp:
        folder = Path(tmp)
        made = make_snapshot(folder, args.accounts, args.events)
        print(
            f"snapshot: {args.accounts:,} accounts, {args.events:,} events, "
            f"{made['mb']:.0f} MB Parquet, generated in {made['seconds']:.1f} s; "
            f"{args.cutoffs} cutoffs"
        )
        results = {e: _run_worker(e, folder, args.cutoffs, plans) for e in args.engines.split(",")}
    _print_table(results, plans)


def _print_table(results: dict[str, dict[str, object]], plans: list[str]) -> None:
    header = ["engine", "start + warm-up s", *(f"{p} s" for p in plans), "rows", "peak MB (Python)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for engine, r in results.items():
        cells = [engine, f"{r['warm-up']:.1f}", *(f"{r[p]:.1f}" for p in plans)]
        cells += [f"{r['rows']:,}", f"{r['peak_mb']:.0f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
