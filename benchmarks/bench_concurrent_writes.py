"""Writes during a large import: how many people's writes fail while an import runs.

For each database, a ``keepwell import`` of ROWS new accounts runs in its own process
while client threads, over real HTTP against the web app, each in turn write a note,
sign in through the form and read ``/api/v1/me`` with a token never used before (its
first use is recorded). Printed per database: the import process's time (start-up and
schema check included), the writes attempted
while it ran, how many failed (a 5xx or no answer), and the slowest one (it waited for
the import's commit).

    .venv/bin/python benchmarks/bench_concurrent_writes.py [--rows 200000] [--clients 4]
        [--postgres URL | --postgres skip]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.web.liveserver import serve

from keepwell.auth.service import create_user
from keepwell.auth.tokens import create_token
from keepwell.db import make_engine, session_scope
from keepwell.migrations import upgrade
from keepwell.record.models import Account
from keepwell.settings import Settings
from keepwell.web import create_app

PASSWORD = "a long benchmark passphrase"
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass
class Tally:
    """Writes attempted and failed while the import ran, and the slowest one."""

    attempted: int = 0
    failed: int = 0
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.attempted += 1
            self.failed += not ok
            self.slowest = max(self.slowest, seconds)


def prepare(url: str, tokens: int) -> tuple[int, list[str], str]:
    """Schema, an account, a member writing notes, unused read tokens, the writer's token."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        account = Account(source="bench", external_id="B-1", name="Bench account")
        session.add(account)
        user = create_user(
            session, email="member@bench.test", name="Member", role="member",
            password=PASSWORD, actor="bench",
        )  # fmt: skip
        writer, _ = create_token(session, user, "writer", "write", actor="bench")
        fresh = [
            create_token(session, user, f"r{i}", "read", actor="bench")[0] for i in range(tokens)
        ]
        session.flush()
        account_id = account.id
    engine.dispose()
    return account_id, fresh, writer


def client_loop(
    url: str, account_id: int, writer: str, fresh: list[str], running: threading.Event, tally: Tally
) -> None:
    """Note, sign-in, first read with a new token — again and again while the import runs."""
    with httpx2.Client(base_url=url, timeout=600, follow_redirects=False) as client:
        while running.is_set() and fresh:
            for attempt in (
                lambda: client.post(
                    "/api/v1/interactions",
                    json={"account_id": account_id, "text": "Called about the seal."},
                    headers={"Authorization": f"Bearer {writer}"},
                ),
                lambda: sign_in(client),
                lambda: client.get(
                    "/api/v1/me", headers={"Authorization": f"Bearer {fresh.pop()}"}
                ),
            ):
                started = time.perf_counter()
                try:
                    ok = attempt().status_code < 500
                except httpx2.HTTPError:
                    ok = False
                if running.is_set():
                    tally.add(time.perf_counter() - started, ok)
            time.sleep(0.2)


def sign_in(client: httpx2.Client) -> httpx2.Response:
    client.cookies.clear()  # signed out, so that /login shows its form
    form = CSRF.search(client.get("/login").text)
    assert form is not None
    data = {"email": "member@bench.test", "password": PASSWORD, "csrf_token": form.group(1)}
    return client.post("/login", data=data)


def run(url: str, folder: Path, rows: int, clients: int) -> tuple[float, Tally]:
    account_id, fresh, writer = prepare(url, tokens=1000)
    data = folder / "accounts.csv"
    lines = "".join(f"N-{i},New account {i}\n" for i in range(rows))
    data.write_text("external_id,name\n" + lines, encoding="utf-8")
    settings = Settings(
        _env_file=None, data_dir=folder / "data", environment="development", cookie_secure=False
    )
    engine = make_engine(url, busy_seconds=settings.database_busy_seconds)
    tally, running = Tally(), threading.Event()
    with serve(create_app(settings, engine)) as base:
        running.set()
        threads = [
            threading.Thread(
                target=client_loop, args=(base, account_id, writer, fresh, running, tally)
            )
            for _ in range(clients)
        ]
        started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "-m", "keepwell", "--database-url", url, "import", "accounts",
             str(data), "--json"],
            stdout=subprocess.DEVNULL, env={**os.environ, "KEEPWELL_DATA_DIR": str(folder)},
        )  # fmt: skip
        for thread in threads:
            thread.start()
        importer.wait()
        seconds = time.perf_counter() - started
        running.clear()
        for thread in threads:
            thread.join()
    engine.dispose()
    if importer.returncode != 0:
        raise SystemExit(f"the import failed ({importer.returncode})")
    return seconds, tally


def postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"keepwell_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(False)


def drop(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--postgres", default=PG, help="admin URL, or 'skip'")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="keepwell-bench-") as tmp:
        folder = Path(tmp)
        (folder / "sqlite").mkdir()
        url = f"sqlite:///{folder / 'sqlite' / 'keepwell.sqlite3'}"
        results.append(("SQLite", *run(url, folder / "sqlite", args.rows, args.clients)))
        print(f"SQLite done: {results[-1][2]}", flush=True)
        if args.postgres != "skip":
            name, url = postgres_database(args.postgres)
            (folder / "pg").mkdir()
            try:
                results.append(("PostgreSQL", *run(url, folder / "pg", args.rows, args.clients)))
            finally:
                drop(args.postgres, name)
    print(f"\n{args.rows:,}-row import with {args.clients} clients writing (note, sign-in, "
          "first use of a token) over HTTP")  # fmt: skip
    print(f"{'database':<12}{'import s':>10}{'writes attempted':>18}{'failed':>8}{'slowest s':>11}")
    for database, seconds, tally in results:
        print(
            f"{database:<12}{seconds:>10.1f}{tally.attempted:>18,}{tally.failed:>8,}"
            f"{tally.slowest:>11.1f}"
        )


if __name__ == "__main__":
    main()
