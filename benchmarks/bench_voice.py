"""Voice page latency on a served demo company, before and after a new call note arrives.

Serves the given database (a demo company: ``keepwell demo --no-serve``) with
``keepwell serve``, signs in, reads every voice page, adds a call note through the
account page's form as a user does, and reads every voice page again. Prints the
latency of the first read after the note and the median of ``--repeat`` further reads,
beside a baseline request (one account from the API). With a
Keepwell that stores themes, the themes are first brought up to date as ``keepwell
run`` does (timed); with one that clusters on read, the first read after the note
clusters.

    .venv/bin/python benchmarks/bench_voice.py --database sqlite:////path/keepwell.sqlite3
        [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import select

from keepwell.auth.service import create_user, find_user
from keepwell.auth.tokens import create_token
from keepwell.db import make_engine, session_scope
from keepwell.migrations import upgrade
from keepwell.record.models import Account

EMAIL, PASSWORD = "voice-bench@keepwell.test", "voice bench password 2024"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NOTE = "Customer called: the mechanical seal on the KP-240 is leaking again after the repair."
PAGES = (
    "/voice",
    "/voice/themes",
    "/api/v1/voice/themes",
    "/api/v1/voice/summary?themes=true",
    "/api/v1/accounts?limit=1",  # a baseline: what any request costs on this machine now
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KEEPWELL_DATABASE_URL": url,
        "KEEPWELL_DATA_DIR": str(folder),
        "KEEPWELL_ENVIRONMENT": "development",
        "KEEPWELL_COOKIE_SECURE": "false",
        "PYTHONWARNINGS": "ignore",
    }


def wait_until_up(base: str) -> None:
    for _ in range(600):
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def prepare(url: str) -> dict[str, Any]:
    """Migrate, bring stored themes up to date when this Keepwell stores them, make a user."""
    engine = make_engine(url)
    upgrade(engine)
    info: dict[str, Any] = {"themes": "computed on read (no stored themes)"}
    try:
        from keepwell.voice.store import refresh_themes
    except ImportError:
        pass
    else:
        with session_scope(engine) as session:
            started = time.perf_counter()
            info["themes"] = refresh_themes(session)
            info["refresh_seconds"] = round(time.perf_counter() - started, 2)
    with session_scope(engine) as session:
        user = find_user(session, EMAIL)
        if user is None:
            user = create_user(
                session,
                email=EMAIL,
                name="Voice bench",
                role="leader",
                password=PASSWORD,
                actor="bench",
            )
        token, _row = create_token(session, user, f"voice-{time.time()}", "read", actor="bench")
        info["account"] = session.scalar(select(Account.id).order_by(Account.id).limit(1))
    info["token"] = token
    engine.dispose()
    return info


def sign_in(client: httpx2.Client) -> None:
    form = CSRF.search(client.get("/login").text)
    assert form is not None
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": form.group(1)}
    response = client.post("/login", data=data)
    assert response.status_code == 303, response.text[:300]


def read(client: httpx2.Client, token: str, path: str) -> float:
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api") else {}
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return round(elapsed * 1000, 1)


def round_of(client: httpx2.Client, token: str, repeat: int) -> dict[str, dict[str, float]]:
    first = {path: read(client, token, path) for path in PAGES}
    rest: dict[str, list[float]] = {path: [] for path in PAGES}
    for _ in range(repeat):
        for path in PAGES:
            rest[path].append(read(client, token, path))
    return {
        path: {"first_ms": first[path], "median_ms": statistics.median(rest[path])}
        for path in PAGES
    }


def add_note(client: httpx2.Client, account: int) -> float:
    form = CSRF.search(client.get(f"/accounts/{account}").text)
    assert form is not None
    data = {"kind": "call", "text": NOTE, "csrf_token": form.group(1)}
    started = time.perf_counter()
    response = client.post(f"/accounts/{account}/notes", data=data)
    assert response.status_code == 303, response.text[:300]
    return round((time.perf_counter() - started) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="database URL of a demo company")
    parser.add_argument("--repeat", type=int, default=5, help="reads per page after the first")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    info = prepare(args.database)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        log = (Path(folder) / "server.log").open("w")
        command = [sys.executable, "-m", "keepwell", "--database-url", args.database]
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port)],
            env=server_env(args.database, Path(folder)),
            stdout=log,
            stderr=log,
        )
        try:
            wait_until_up(base)
            with httpx2.Client(base_url=base, timeout=600) as client:
                sign_in(client)
                before = round_of(client, info["token"], args.repeat)
                note_ms = add_note(client, info["account"])
                after = round_of(client, info["token"], args.repeat)
        finally:
            server.terminate()
            server.wait(30)
            log.close()
    result = {
        "themes": info["themes"],
        "refresh_seconds": info.get("refresh_seconds"),
        "note_write_ms": note_ms,
        "before_note": before,
        "after_note": after,
    }
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return
    print(f"themes: {info['themes']} (refresh {info.get('refresh_seconds')} s)")
    print(f"adding the call note took {note_ms} ms")
    print(f"{'page':<38} {'before: first':>14} {'median':>8} {'after: first':>13} {'median':>8}")
    for path in PAGES:
        b, a = before[path], after[path]
        print(
            f"{path:<38} {b['first_ms']:>14} {b['median_ms']:>8} "
            f"{a['first_ms']:>13} {a['median_ms']:>8}"
        )


if __name__ == "__main__":
    main()
