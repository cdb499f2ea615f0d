"""Search everywhere: latency with 10,000 accounts and 100,000 tickets, SQLite and PostgreSQL.

Builds the demo company once (300 accounts) to take real names, serials and ticket texts
in English and German, then writes a larger record from them straight into fresh, migrated
databases: ``--accounts`` accounts, four contacts and three machines each, ``--tickets``
tickets whose subjects and texts are the demo's with other serial numbers. It then runs a
mix of what people type into the top bar (a customer's name, a customer or ticket number,
a contact, a serial, words of a ticket in either language, a word that is in thousands of
tickets) through ``keepwell.search.search_everything`` — the function behind the page and
``GET /api/v1/search`` — and, side by side in the same run, through the search a
hand-written tool would do: ``LIKE '%…%'`` over the same columns, without an index.

    .venv/bin/python benchmarks/bench_search.py [--accounts 10000] [--tickets 100000]
        [--rounds 20] [--postgres URL | --no-postgres]

Prints p50 and p95 per query kind and overall, in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from keepwell.db import make_engine
from keepwell.demo import build_demo
from keepwell.migrations import upgrade
from keepwell.record.models import Account, AccountExternalId, Asset, Contact, Ticket
from keepwell.search import search_everything

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHUNK = 5_000


def harvest(folder: Path) -> dict[str, list[Any]]:
    """Names, serial models and ticket texts of the demo company."""
    engine = make_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
    upgrade(engine)
    build_demo(engine, folder / "files", seed=7, accounts=300, as_of=date(2026, 11, 30))
    with Session(engine) as session:
        pool = {
            "accounts": session.scalars(select(Account.name)).all(),
            "contacts": session.execute(select(Contact.name, Contact.email, Contact.title)).all(),
            "models": session.scalars(select(Asset.model).distinct()).all(),
            "tickets": session.execute(
                select(Ticket.kind, Ticket.subject, Ticket.text, Ticket.severity)
            ).all(),
        }
    engine.dispose()
    return {k: list(v) for k, v in pool.items()}


def write_record(engine: Engine, pool: dict[str, list[Any]], accounts: int, tickets: int) -> None:
    """The larger record, written in chunks through Core inserts."""
    rng = random.Random(11)
    started = datetime(2023, 1, 1)
    rows: dict[Any, list[dict[str, Any]]] = {
        Account: [],
        AccountExternalId: [],
        Contact: [],
        Asset: [],
        Ticket: [],
    }
    for i in range(1, accounts + 1):
        base = pool["accounts"][i % len(pool["accounts"])]
        rows[Account].append(
            {"id": i, "source": "crm", "external_id": f"C-{i:06d}", "name": f"{base} {i}"}
        )
        rows[AccountExternalId].append(
            {"account_id": i, "source": "erp", "external_id": f"{700000 + i}"}
        )
        for k in range(4):
            name, email, title = rng.choice(pool["contacts"])
            rows[Contact].append(
                {
                    "account_id": i,
                    "source": "crm",
                    "external_id": f"K-{i}-{k}",
                    "name": name,
                    "email": f"{k}.{i}.{email}",
                    "title": title,
                }
            )
        for k in range(3):
            model = rng.choice(pool["models"]) or "KP-240"
            serial = f"{model.replace('-', '')}-{rng.randint(1501, 2612)}-{100000 + i * 3 + k}"
            rows[Asset].append(
                {
                    "account_id": i,
                    "serial": serial,
                    "model": model,
                    "source": "machines",
                    "external_id": serial,
                }
            )
    for t in range(1, tickets + 1):
        kind, subject, body, severity = rng.choice(pool["tickets"])
        rows[Ticket].append(
            {
                "account_id": rng.randint(1, accounts),
                "source": "helpdesk",
                "external_id": f"HD-{t:07d}",
                "kind": kind,
                "subject": subject,
                "text": body,
                "severity": severity,
                "status": "closed",
                "opened_at": started + timedelta(minutes=7 * t),
            }
        )
    with engine.begin() as conn:
        for table, values in rows.items():
            for start in range(0, len(values), CHUNK):
                conn.execute(insert(table), values[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def naive_search(session: Session, typed: str, per_kind: int = 5) -> int:
    """What a hand-written search does: ``LIKE '%…%'`` over every column, no index."""
    pattern = f"%{typed.lower()}%"
    found = 0
    for columns, model in (
        ((Account.name, Account.external_id), Account),
        ((Contact.name, Contact.email), Contact),
        ((Ticket.external_id, Ticket.subject, Ticket.text), Ticket),
        ((Asset.serial, Asset.model), Asset),
    ):
        condition = or_(*(func.lower(c).like(pattern) for c in columns))
        found += len(session.execute(select(model.id).where(condition).limit(per_kind)).all())
    return found


def queries(pool: dict[str, list[Any]], accounts: int, tickets: int) -> list[tuple[str, str]]:
    """(kind of query, text) as people type them into the top bar."""
    rng = random.Random(5)
    mix: list[tuple[str, str]] = []
    for _ in range(4):
        mix.append(("customer name", rng.choice(pool["accounts"]).split()[0]))
        mix.append(("customer number", f"C-{rng.randint(1, accounts):06d}"))
        mix.append(("ticket number", f"HD-{rng.randint(1, tickets):07d}"))
        mix.append(("contact", rng.choice(pool["contacts"])[0]))
        mix.append(
            ("serial", f"{rng.choice(pool['models']).replace('-', '')}-{rng.randint(15, 26)}")
        )
    mix += [
        ("ticket words (en)", "seal leak"),
        ("ticket words (en)", "bearing noise"),
        ("ticket words (de)", "dichtung undicht"),
        ("ticket words (de)", "lager geräusch"),
        ("common word", "pump"),
        ("common word", "the"),
        ("nothing", "zzzzqqq"),
    ]
    return mix


def measure(
    run: Callable[[Session, str], Any], engine: Engine, mix: list[tuple[str, str]], rounds: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    with Session(engine) as session:
        for _, typed in mix:  # warm the statement cache and the database's pages
            run(session, typed)
        for _ in range(rounds):
            for kind, typed in mix:
                started = time.perf_counter()
                run(session, typed)
                elapsed = (time.perf_counter() - started) * 1000
                timings.setdefault(kind, []).append(elapsed)
                timings.setdefault("all queries", []).append(elapsed)
    return timings


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, keepwell: dict[str, list[float]], naive: dict[str, list[float]]) -> None:
    print(f"\n{name}: p50 / p95 in ms")
    print("| query | Keepwell search | LIKE over every column |")
    print("|---|---|---|")
    for kind in keepwell:
        k, n = keepwell[kind], naive[kind]
        print(
            f"| {kind} | {statistics.median(k):.1f} / {p(k, 0.95):.1f} "
            f"| {statistics.median(n):.1f} / {p(n, 0.95):.1f} |"
        )


def postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"keepwell_bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("Harvesting names and texts from the demo company …", file=sys.stderr)
        pool = harvest(folder)
        mix = queries(pool, args.accounts, args.tickets)
        targets: list[tuple[str, str, Callable[[], None]]] = [
            ("SQLite", f"sqlite:///{folder / 'search.sqlite3'}", lambda: None)
        ]
        if not args.no_postgres:
            url, drop = postgres_database(args.postgres)
            targets.append(("PostgreSQL", url, drop))
        print(
            f"{args.accounts:,} accounts, {4 * args.accounts:,} contacts, "
            f"{3 * args.accounts:,} machines, {args.tickets:,} tickets; "
            f"{len(mix)} queries x {args.rounds} rounds per database."
        )
        for name, url, cleanup in targets:
            try:
                engine = make_engine(url)
                upgrade(engine)
                print(f"Writing the record into {name} …", file=sys.stderr)
                write_record(engine, pool, args.accounts, args.tickets)
                keepwell = measure(lambda s, q: search_everything(s, q), engine, mix, args.rounds)
                naive = measure(naive_search, engine, mix, args.rounds)
                report(name, keepwell, naive)
                engine.dispose()
            finally:
                cleanup()


if __name__ == "__main__":
    main()
