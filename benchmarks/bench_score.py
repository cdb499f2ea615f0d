"""A full ``keepwell score`` run on the demo company, side by side per database and engine.

Builds the demo company (300 accounts, three years) once per database, then runs the
command a user runs — ``keepwell score --json`` in its own process, so start-up counts —
with the DuckDB feature engine and with Spark, and prints wall time, the model chosen,
its backtest accuracy and the number of accounts scored.

    .venv/bin/python benchmarks/bench_score.py [--engines duckdb,spark]
        [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ADMIN = os.environ.get(
    "KEEPWELL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
KEEPWELL = [str(Path(sys.executable).parent / "keepwell")]


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    """Run one keepwell command; return its wall time and its JSON output."""
    start = time.perf_counter()
    done = subprocess.run([*KEEPWELL, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"keepwell {' '.join(args)} failed:\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def database(kind: str, folder: Path) -> tuple[str, str | None]:
    """A fresh database URL of ``kind`` (and the PostgreSQL database name to drop)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench-score.sqlite3'}", None
    name = f"keepwell_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(False), name


def drop(name: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--databases", default="sqlite,postgresql")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "KEEPWELL_DATA_DIR": str(folder / "data")}
        for kind in options.databases.split(","):
            url, name = database(kind, folder)
            try:
                build, _ = run(
                    ["--database-url", url, "demo", "--no-serve", "--json", "--out",
                     str(folder / f"demo-{kind}"), "--as-of", "2026-06-30"],
                    env,
                )  # fmt: skip
                print(f"{kind}: demo company built in {build:.1f} s", file=sys.stderr)
                for engine in options.engines.split(","):
                    seconds, result = run(
                        ["--database-url", url, "score", "--engine", engine, "--json"], env
                    )
                    rows.append((kind, engine, seconds, result))
            finally:
                if name:
                    drop(name)
    print()
    header = ("database", "engine", "wall s", "model", "method", "ROC AUC", "Brier", "scored")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for kind, engine, seconds, r in rows:
        print(
            f"| {kind} | {engine} | {seconds:.1f} | {r['model']} | {r['method']} | "
            f"{r['roc_auc']:.3f} | {r['brier']:.4f} | {r['scored']} |"
        )


if __name__ == "__main__":
    main()
