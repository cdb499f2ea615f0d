"""Problem detection from the database: banking77 imported as tickets, then detected and scored.

For each size, the queries are written to a helpdesk-style CSV (an ``id`` and a
``text`` column; the category is left out), imported with ``keepwell import
tickets FILE --mapping M`` semantics (a mapping with a constant account and
opening time), detection runs over the tickets in the database exactly as
``keepwell problems detect`` does, and the problems are scored against the 77
real categories by ticket id. 10k = banking77's 10,003 training queries; larger
sizes add seeded word-level perturbations of them (see ``bench_problems.py``).
NMI and ARI count each unassigned ticket as its own singleton cluster.

Run: ``.venv/bin/python benchmarks/bench_problems_db.py [--sizes 10003,100000]``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from keepwell.db import make_engine, session_scope
from keepwell.intake.mapping import load_mapping
from keepwell.intake.service import import_file
from keepwell.migrations import upgrade
from keepwell.problems.represent import REPRESENTATIONS, representation_named
from keepwell.problems.store import run_detection
from keepwell.problems.views import detection_document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_problems import DATA, augment, load, scores

MAPPING = {
    "source": "helpdesk",
    "kind": "tickets",
    "columns": {"external_id": "id", "subject": "text", "text": "text"},
    "constants": {"account": "BANK-1", "opened_at": "2024-01-01T09:00:00"},
}


def write_tickets(folder: Path, texts: list[str]) -> tuple[Path, Path]:
    """The tickets CSV (id, text) and its mapping file."""
    data, mapping = folder / "tickets.csv", folder / "tickets.yaml"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows((f"B77-{i:06d}", text[:500]) for i, text in enumerate(texts))
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    return data, mapping


def run(texts: list[str], truth: list[str], representation: str, url: str | None) -> list[str]:
    """Import, detect and score one corpus; the table row."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = make_engine(url or f"sqlite:///{folder / 'bench.sqlite3'}")
        upgrade(engine)
        data, mapping = write_tickets(folder, texts)
        started = time.perf_counter()
        result = import_file(
            engine, "tickets", data, load_mapping(mapping), create_missing_accounts=True
        )
        imported = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"import failed: {result.errors[:3]}")
        chosen = representation_named(representation)
        started = time.perf_counter()
        with session_scope(engine) as session:
            run_result = run_detection(session, representation=chosen)
            document = detection_document(session, run_result)
        detected = time.perf_counter() - started
        engine.dispose()
    index = {f"B77-{i:06d}": i for i in range(len(texts))}
    labels = np.full(len(texts), -1, dtype=np.int64)
    for problem in document["problems"]:
        for ticket in problem["tickets"]:
            labels[index[ticket]] = problem["id"]
    s = scores(truth, labels)
    return [
        f"{len(texts):,}",
        run_result.representation,
        str(len(document["problems"])),
        f"{s['nmi']:.3f}",
        f"{s['ari']:.3f}",
        f"{s['coverage']:.3f}",
        f"{imported:.1f}",
        f"{detected:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", default="10003,100000")
    parser.add_argument("--representation", default="auto", choices=REPRESENTATIONS)
    parser.add_argument("--database-url", default=None, help="Empty database (default: SQLite).")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts, truth = load(args.data)
    header = ["tickets", "representation", "problems", "NMI", "ARI", "coverage"]
    header += ["import s", "detect s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in (int(s) for s in args.sizes.split(",")):
        corpus, labels = augment(texts, truth, size, args.seed)
        row = run(corpus, labels, args.representation, args.database_url)
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
