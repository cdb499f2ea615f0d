"""Web latency: portfolio, account page and API list with 10,000 accounts, 20 concurrent clients.

Builds the demo company at the given size (the importer's fast path), stores two
synthetic scoring runs for every account, serves the app with ``keepwell serve`` in
separate processes and, side by side, with stock uvicorn (``--workers``, one shared
socket, default garbage collector), and sends each page's requests from ``--clients``
concurrent clients, each with its own keep-alive connection, never pausing. Prints
p50/p95 latency and requests per second per page, and the SQL statements one request
of each page runs (counted in this process on the same database).

    .venv/bin/python benchmarks/bench_web.py [--accounts 10000] [--clients 20]
        [--seconds 15] [--workers 2] [--slots 1] [--no-baseline] [--database URL]
        [--keep DIR]

The load comes from ``wrk`` (Debian package ``wrk``: a C load generator, so the client
takes little of the machine's two cores) with one connection per client; without it,
from Python threads, which take a core of their own and so inflate the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.auth.service import create_user, find_user
from keepwell.auth.tokens import create_token
from keepwell.db import make_engine, session_scope
from keepwell.db.counting import counted_statements
from keepwell.demo import build_demo
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.migrations import upgrade
from keepwell.record.models import Account
from keepwell.settings import Settings

EMAIL, PASSWORD = "bench@keepwell.test", "bench password 2024"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def prepare(engine: Engine, folder: Path, accounts: int) -> dict[str, Any]:
    """The demo company (unless the database has accounts), two scoring runs over every
    account and the benchmark user (unless there are runs), and a new API token."""
    upgrade(engine)
    start = time.perf_counter()
    with session_scope(engine) as session:
        empty = not session.scalar(select(func.count(Account.id)))
    if empty:
        build_demo(engine, folder, seed=7, accounts=accounts, as_of=date.today())
    built = time.perf_counter() - start
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Account.id)))
        if not session.scalar(select(func.count(ScoreRun.id))):
            _store_scores(session, ids)
            create_user(
                session, email=EMAIL, name="Bench", role="leader", password=PASSWORD, actor="b"
            )
        user = find_user(session, EMAIL)
        assert isinstance(user, User)
        token, _row = create_token(session, user, f"bench-{time.time()}", "read", actor="b")
    return {"token": token, "ids": ids, "build_seconds": built}


def _store_scores(session: Session, ids: list[int]) -> None:
    rng = random.Random(7)
    for back, days in enumerate((30, 0)):
        run = ScoreRun(
            as_of=date.today() - timedelta(days=days),
            engine="duckdb",
            model="lightgbm",
            model_version="bench",
            method="time-backtest",
            n_accounts=len(ids),
            metrics={"roc_auc": 0.8, "pr_auc": 0.4, "brier": 0.12, "top_decile_lift": 3.0},
        )
        session.add(run)
        session.flush()
        session.execute(insert(AccountScore), [_score(run.id, i, rng, back) for i in ids])


def _score(run: int, account: int, rng: random.Random, back: int) -> dict[str, Any]:
    p = rng.random() ** 2
    orders = float(rng.randint(0, 8))
    return {
        "run_id": run,
        "account_id": account,
        "churn_probability": p,
        "health_score": 100 * (1 - p),
        "health_band": "at_risk" if p > 0.6 else "watch" if p > 0.3 else "healthy",
        "p_alive": 1 - p / 2,
        "expected_orders_365d": orders,
        "expected_value_12m": 1000 * orders,
        "annual_revenue": 12000.0,
        "revenue_at_risk": 12000.0 * p,
        "reasons": [{"key": "ordering", "sentence": "no order in the last 90 days", "weight": p}],
        "health_breakdown": [
            {
                "name": "Ordering",
                "metric": "orders_90d",
                "value": orders,
                "score": 50.0,
                "weight": 1.0,
            }
        ],
        "growth": [],
        "features": {"orders_90d": orders + back},
        "contributions": {"orders_90d": p},
    }


def settings_for(url: str, folder: Path) -> Settings:
    """Development settings (plain-HTTP cookies) on the benchmark database."""
    return Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder,
        environment="development",
        cookie_secure=False,
    )


def server_command(
    url: str, folder: Path, port: int, workers: int, slots: int | None = None
) -> list[str]:
    """``keepwell serve`` on ``port`` with ``workers`` processes, as a user starts it."""
    return [
        sys.executable,
        "-m",
        "keepwell",
        "--database-url",
        url,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *(["--slots", str(slots)] if slots else []),
    ]


def server_env(url: str, folder: Path) -> dict[str, str]:
    """The environment ``settings_for`` describes."""
    return {
        **os.environ,
        "KEEPWELL_DATABASE_URL": url,
        "KEEPWELL_DATA_DIR": str(folder),
        "KEEPWELL_ENVIRONMENT": "development",
        "KEEPWELL_COOKIE_SECURE": "false",
        "PYTHONWARNINGS": "ignore",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def sign_in(base: str) -> dict[str, str]:
    """The session cookie of the benchmark user."""
    with httpx2.Client(base_url=base) as client:
        form = client.get("/login")
        match = CSRF.search(form.text)
        assert match, "no sign-in form"
        data = {"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1)}
        answer = client.post("/login", data=data)
        assert answer.status_code == 303, answer.text[:200]
        return dict(client.cookies.items())


def drive(
    base: str, paths: Callable[[int], str], n: int, clients: int, **kw: Any
) -> dict[str, float]:
    """``n`` requests from ``clients`` threads; latency percentiles in ms and requests/s."""
    per_client = -(-n // clients)

    def client_run(c: int) -> list[float]:
        times = []
        with httpx2.Client(base_url=base, timeout=60, **kw) as client:
            for k in range(per_client):
                start = time.perf_counter()
                answer = client.get(paths(c * per_client + k))
                times.append(time.perf_counter() - start)
                assert answer.status_code == 200, answer.status_code
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [t for times in pool.map(client_run, range(clients)) for t in times]
    wall = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {"p50": 1000 * q[49], "p95": 1000 * q[94], "rps": len(latencies) / wall}


WRK_SCRIPT = """
paths = {%(paths)s}
counter = 0
local threads = 0
setup = function(thread)
  thread:set("counter", threads * 7919)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.duration, bad))
end
"""


def drive_wrk(
    base: str, paths: list[str], seconds: int, clients: int, headers: dict[str, str]
) -> dict[str, float]:
    """``clients`` connections sending ``paths`` in turn for ``seconds`` with ``wrk``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths)})
    command = [
        "wrk",
        "-t",
        str(min(2, clients)),
        "-c",
        str(clients),
        "-d",
        f"{seconds}s",
        "-s",
        script.name,
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, base], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
    p50, p95, requests, duration, bad = (int(f) for f in fields[1:])
    if bad:
        raise RuntimeError(f"{bad} of {requests} requests failed:\n{out}")
    return {"p50": p50 / 1000, "p95": p95 / 1000, "rps": requests / (duration / 1e6)}


def count_statements(url: str, folder: Path, path: str, token: str) -> int:
    """The statements one request of ``path`` runs (after a first request warms up)."""
    from starlette.testclient import TestClient

    from keepwell.web import create_app

    engine = make_engine(url)
    client = TestClient(create_app(settings_for(url, folder), engine), base_url="http://x")
    headers = {"Authorization": f"Bearer {token}"}
    if not path.startswith("/api"):
        client.cookies.update(sign_in_client(client))
        headers = {}
    client.get(path, headers=headers)
    with counted_statements(engine) as statements:
        assert client.get(path, headers=headers).status_code == 200
    engine.dispose()
    return len(statements)


def sign_in_client(client: Any) -> dict[str, str]:
    form = client.get("/login")
    match = CSRF.search(form.text)
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1) if match else ""}
    client.post("/login", data=data, follow_redirects=False)
    return dict(client.cookies.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="per page, without wrk")
    parser.add_argument("--seconds", type=int, default=15, help="per page, with wrk")
    parser.add_argument("--database", help="an empty database URL (default: SQLite in --keep)")
    parser.add_argument("--keep", type=Path, help="folder for the database and files (reused)")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--slots", type=int, default=1, help="requests per process at once")
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the same run against stock uvicorn",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="keepwell-bench-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    info = prepare(engine, folder / "demo", args.accounts)
    engine.dispose()
    run(url, folder, info, args)


def run(url: str, folder: Path, info: dict[str, Any], args: argparse.Namespace) -> None:
    """Each page under load from ``keepwell serve`` and, unless ``--no-baseline``, from
    stock uvicorn serving the same app the same way a user might start it."""
    load = "wrk" if shutil.which("wrk") else "Python threads (install wrk for fair figures)"
    print(
        f"{len(info['ids']):,} accounts, {args.clients} clients, {url.split(':')[0]}, "
        f"load from {load}, build {info['build_seconds']:.0f} s"
    )
    servers: dict[str, Callable[[int], list[str]]] = {
        f"keepwell serve --workers {args.workers} --slots {args.slots}": lambda port: (
            server_command(url, folder, port, args.workers, args.slots)
        ),
    }
    if args.baseline:
        servers[f"uvicorn --workers {args.workers} (stock)"] = lambda port: uvicorn_command(
            port, args.workers
        )
    statements: dict[str, int] = {}
    print(f"{'server':<36} {'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'SQL':>5}")
    for label, command in servers.items():
        for page, result in measure(url, folder, info, args, command).items():
            if page not in statements:
                statements[page] = count_statements(url, folder, SAMPLES[page](info), info["token"])
            print(
                f"{label:<36} {page:<22} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                f"{result['rps']:>8.1f} {statements[page]:>5}"
            )


SAMPLES: dict[str, Callable[[dict[str, Any]], str]] = {
    "portfolio": lambda info: "/portfolio",
    "portfolio by risk": lambda info: "/portfolio?sort=risk",
    "account page": lambda info: f"/accounts/{info['ids'][0]}",
    "API /api/v1/accounts": lambda info: "/api/v1/accounts",
}
"""One request of each page whose statements are counted."""


def uvicorn_command(port: int, workers: int) -> list[str]:
    """Stock uvicorn with the app factory (one shared socket, default collector)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "keepwell.web.app:create_app",
        "--factory",
        "--workers",
        str(workers),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def measure(
    url: str,
    folder: Path,
    info: dict[str, Any],
    args: argparse.Namespace,
    command: Callable[[int], list[str]],
) -> dict[str, dict[str, float]]:
    """p50/p95 and requests per second of every page from the server ``command`` starts."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(command(port), env=server_env(url, folder), stdout=log, stderr=log)
    try:
        _wait(base)
        cookies = sign_in(base)
        ids, token = info["ids"], info["token"]
        rng = random.Random(1)
        picks = [rng.choice(ids) for _ in range(args.requests)]
        pages: dict[str, tuple[Callable[[int], str], dict[str, Any]]] = {
            "portfolio": (lambda i: f"/portfolio?page={1 + i % 50}", {"cookies": cookies}),
            "portfolio by risk": (
                lambda i: f"/portfolio?sort=risk&page={1 + i % 50}",
                {"cookies": cookies},
            ),
            "account page": (lambda i: f"/accounts/{picks[i % len(picks)]}", {"cookies": cookies}),
            "API /api/v1/accounts": (
                lambda i: "/api/v1/accounts?limit=50",
                {"headers": {"Authorization": f"Bearer {token}"}},
            ),
        }
        results = {}
        for name, (paths, kw) in pages.items():
            if shutil.which("wrk"):
                headers = kw.get("headers") or {"Cookie": _cookie_header(kw["cookies"])}
                listed = [paths(i) for i in range(args.requests)]
                drive_wrk(base, listed, 2, args.clients, headers)  # warm-up
                results[name] = drive_wrk(base, listed, args.seconds, args.clients, headers)
            else:
                drive(base, paths, args.clients * 2, args.clients, **kw)  # warm-up
                results[name] = drive(base, paths, args.requests, args.clients, **kw)
        return results
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _wait(base: str) -> None:
    for _ in range(300):
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    main()
