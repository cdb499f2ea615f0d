"""``keepwell serve``, ``keepwell user ...`` and ``keepwell token ...``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from starlette.testclient import TestClient
from tests.web.conftest import bearer, make_settings
from typer.testing import CliRunner

from keepwell.auth import passwords
from keepwell.auth.models import ApiToken, User
from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.web import create_app

runner = CliRunner()


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hashing", passwords.PasswordHashing(cheap))


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_user_and_token_commands(sqlite_engine: Any, tmp_path: Path) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    code, out, _ = run(
        url,
        "user",
        "create",
        "Boss@Maker.test",
        "--admin",
        "--password-stdin",
        "--json",
        stdin="correct horse battery\n",
    )
    assert code == 0 and json.loads(out)["role"] == "admin"
    assert json.loads(out)["email"] == "boss@maker.test"
    code, _, err = run(
        url,
        "user",
        "create",
        "boss@maker.test",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert code == 2 and "already exists" in err
    code, _, err = run(
        url,
        "user",
        "create",
        "w@maker.test",
        "--role",
        "wizard",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert code == 2 and "unknown role" in err
    code, _, err = run(url, "user", "create", "s@maker.test", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 12" in err
    code, _, _ = run(
        url,
        "user",
        "create",
        "m@maker.test",
        "--role",
        "member",
        stdin="prompted password\nprompted password\n",
    )
    assert code == 0
    assert run(url, "user", "set-role", "m@maker.test", "leader")[0] == 0

    code, out, _ = run(url, "token", "create", "--name", "ci", "--scope", "read", "--json")
    created = json.loads(out)
    assert code == 0 and created["user"] == "boss@maker.test" and created["token"].startswith("kw_")
    code, _, err = run(url, "token", "create", "--name", "ci", "--scope", "read")
    assert code == 2 and "already exists" in err
    code, out, _ = run(url, "token", "list", "--json")
    assert created["token"] not in out and json.loads(out)[0]["prefix"] == created["token"][:10]
    assert created["expires_at"] is None
    code, out, _ = run(
        url,
        "token",
        "create",
        "--name",
        "brief",
        "--scope",
        "read",
        "--expires-in-days",
        "3",
        "--json",
    )
    brief = json.loads(out)
    expires = datetime.fromisoformat(brief["expires_at"])
    assert code == 0 and timedelta(days=2.9) < expires - datetime.now(UTC) <= timedelta(days=3)
    code, _, err = run(
        url, "token", "create", "--name", "x", "--scope", "read", "--expires-in-days", "0"
    )
    assert code == 2 and "1 to 3650 days" in err

    client = TestClient(
        create_app(make_settings(tmp_path), sqlite_engine), base_url="https://testserver"
    )
    assert client.get("/api/v1/me", headers=bearer(created["token"])).status_code == 200
    assert run(url, "token", "revoke", "ci")[0] == 0
    assert client.get("/api/v1/me", headers=bearer(created["token"])).status_code == 401
    assert run(url, "token", "revoke", "ci")[0] == 2
    with session_scope(sqlite_engine) as session:
        roles = {row.email: row.role for row in session.execute(select(User.email, User.role))}
        stored = session.scalar(select(ApiToken.token_hash))
    assert roles == {"boss@maker.test": "admin", "m@maker.test": "leader"}
    assert stored is not None and created["token"] not in stored


def test_serve_builds_the_app_and_runs_uvicorn(
    sqlite_engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(application: Any, **options: Any) -> None:
        seen.update(options, app=application)

    import uvicorn

    from keepwell.web import serving

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(serving, "freeze_startup_objects", lambda: seen.update(frozen=True))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    code, _, _ = run(url, "serve", "--port", "8123")
    assert code == 0 and (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert seen["proxy_headers"] is False, "forwarded headers only from KEEPWELL_TRUSTED_PROXIES"
    assert seen["frozen"], "start-up objects are kept out of the collector's way"
    assert seen["app"].title == "Keepwell"
    monkeypatch.setenv("KEEPWELL_COOKIE_SECURE", "false")
    monkeypatch.setenv("KEEPWELL_ENVIRONMENT", "production")
    from keepwell.settings import get_settings

    get_settings.cache_clear()
    try:
        code, _, err = run(url, "serve")
    finally:
        get_settings.cache_clear()
    assert code == 2 and "KEEPWELL_COOKIE_SECURE=false" in err


def test_serve_with_workers_runs_that_many_server_processes(tmp_path: Path) -> None:
    """``--workers 2``: a supervisor and two processes that each answer on the port."""
    port = free_port()
    env = {
        **os.environ,
        "KEEPWELL_DATA_DIR": str(tmp_path),
        "KEEPWELL_ENVIRONMENT": "development",
        "KEEPWELL_COOKIE_SECURE": "false",
    }
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    command = [sys.executable, "-m", "keepwell", "--database-url", url, "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180  # start-up imports are slow on a busy 2-core machine
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = [p for p in children(server.pid) if "spawn" in cmdline(p)]
        assert len(workers) == 2, "two worker processes"
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                time.sleep(0.2)
        answers = [httpx2.get(f"http://127.0.0.1:{port}/login").status_code for _ in range(6)]
        assert answers == [200] * 6
    finally:
        server.terminate()
        server.wait(30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""
