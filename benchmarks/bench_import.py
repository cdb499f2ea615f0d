"""Import throughput: 1,000,000 order rows from CSV and from Parquet.

Compares, in one run and on the same files, Keepwell's validated, atomic, idempotent
import with what a user would otherwise do: ``pandas.read_csv`` / ``read_parquet`` and
``DataFrame.to_sql`` into the same SQLite schema (no validation, no upsert, no provenance).
Each run is a separate process; its peak memory is that process's own high-water mark
(``VmHWM``, which starts afresh at ``exec``), so a flat line means memory stayed flat.
The last column is each Keepwell run's time over the pandas run's on the same database
and format, measured in the same invocation (the machine may be shared).

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ACCOUNTS = 5_000
LABELS = {
    "keepwell": "keepwell import (validated)",
    "pandas": "pandas read + to_sql (no checks)",
}


def make_files(folder: Path, rows: int) -> dict[str, Path]:
    """Seeded order history for ACCOUNTS accounts, as CSV and Parquet."""
    rng = np.random.default_rng(42)
    days = rng.integers(0, 3 * 365, rows)
    ordered = (np.datetime64("2022-01-01") + days.astype("timedelta64[D]")).astype(str)
    table = pa.table(
        {
            "external_id": [f"O-{i}" for i in range(rows)],
            "account": [f"A-{a}" for a in rng.integers(0, ACCOUNTS, rows)],
            "ordered_at": ordered,
            "amount": np.round(rng.gamma(2.0, 800.0, rows), 2),
            "status": rng.choice(["open", "delivered", "invoiced", "paid"], rows),
            "product_line": rng.choice(["pumps", "compressors", "spare parts", "service"], rows),
        }
    )
    files = {"csv": folder / "orders.csv", "parquet": folder / "orders.parquet"}
    pacsv.write_csv(table, files["csv"])
    pq.write_table(table, files["parquet"])
    accounts = pa.table(
        {
            "external_id": [f"A-{a}" for a in range(ACCOUNTS)],
            "name": [f"Account {a}" for a in range(ACCOUNTS)],
        }
    )
    pacsv.write_csv(accounts, folder / "accounts.csv")
    return files


def worker(method: str, path: Path, url: str) -> dict[str, float]:
    """Run one import in this process; return seconds and peak memory."""
    from keepwell.db import make_engine
    from keepwell.intake.service import import_file
    from keepwell.migrations import upgrade

    engine = make_engine(url)
    upgrade(engine)
    assert import_file(engine, "accounts", path.parent / "accounts.csv").ok
    start = time.perf_counter()
    if method == "keepwell":
        result = import_file(engine, "orders", path)
        assert result.ok, result.errors[:3]
    else:
        import pandas as pd

        frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
        frame.to_sql("bench_orders", engine, if_exists="replace", index=False, chunksize=10_000)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "peak_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux ``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def fresh_url(base: str | None, folder: Path, label: str) -> str:
    """A new empty database for one run."""
    if base is None:
        return f"sqlite:///{folder / (label + '.sqlite3')}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"kw_bench_{label}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to run against too")
    parser.add_argument(
        "--worker", nargs=3, metavar=("METHOD", "FILE", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.worker[2])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = make_files(folder, args.rows)
        print(
            f"{args.rows:,} order rows, {ACCOUNTS:,} accounts "
            f"(CSV {files['csv'].stat().st_size / 1e6:.0f} MB, "
            f"Parquet {files['parquet'].stat().st_size / 1e6:.0f} MB)\n"
        )
        print(
            f"{'database':10} {'format':8} {'method':32} {'seconds':>8} {'rows/s':>10}"
            f" {'peak MB':>8} {'x pandas':>9}"
        )
        databases = [("sqlite", None)] + ([("postgresql", args.postgres)] if args.postgres else [])
        for db_label, base in databases:
            for fmt, path in files.items():
                runs = {
                    method: run_worker(
                        method, path, fresh_url(base, folder, f"{db_label}_{fmt}_{method}")
                    )
                    for method in ("keepwell", "pandas")
                }
                for method, stats in runs.items():
                    ratio = stats["seconds"] / runs["pandas"]["seconds"]
                    print(
                        f"{db_label:10} {fmt:8} {LABELS[method]:32} {stats['seconds']:8.1f} "
                        f"{args.rows / stats['seconds']:10,.0f} {stats['peak_mb']:8.0f}"
                        f" {ratio:9.2f}",
                        flush=True,
                    )


def run_worker(method: str, path: Path, url: str) -> dict[str, float]:
    """One measured run in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--worker", method, str(path), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    stats: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return stats


if __name__ == "__main__":
    main()
