"""Writers wait their turn: notes, sign-ins and token reads get through a running import."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from tests.web.conftest import CSRF_FIELD, PASSWORD, bearer, email, make_settings
from tests.web.liveserver import serve

from keepwell.auth.models import ApiToken
from keepwell.intake.service import ImportResult, import_file
from keepwell.web import create_app

IMPORT_ROWS = 30_000
"""Enough accounts for the import to hold SQLite's write lock for several seconds."""
ROUNDS = 15
PAUSE = 0.25
"""Seconds between a client's rounds of a note, a sign-in and a read with a new token."""


def accounts_file(folder: Path, rows: int) -> Path:
    """A CSV of ``rows`` new accounts."""
    path = folder / "many-accounts.csv"
    lines = "".join(f"N-{i},New account {i}\n" for i in range(rows))
    path.write_text("external_id,name\n" + lines, encoding="utf-8")
    return path


def sign_in(url: str) -> int:
    """Sign in through the form over HTTP; the status of the form's answer."""
    with httpx2.Client(base_url=url, follow_redirects=False, timeout=300) as client:
        form = CSRF_FIELD.search(client.get("/login").text)
        assert form is not None
        data = {"email": email("member"), "password": PASSWORD, "csrf_token": form.group(1)}
        return client.post("/login", data=data).status_code


def test_notes_and_sign_ins_get_through_a_running_import(
    engine: Engine,
    tmp_path: Path,
    record: dict[str, int],
    token: Callable[[str, str], str],
) -> None:
    app = create_app(
        make_settings(tmp_path, cookie_secure=False, environment="development"), engine
    )
    writer = bearer(token("member", "write"))
    fresh_tokens = [bearer(token("leader", "read")) for _ in range(ROUNDS)]
    note = {"account_id": next(iter(record.values())), "text": "Called about the seal."}
    path = accounts_file(tmp_path, IMPORT_ROWS)
    done: list[ImportResult] = []
    importer = threading.Thread(target=lambda: done.append(import_file(engine, "accounts", path)))
    statuses: Counter[int] = Counter()
    during = 0
    with serve(app) as url, httpx2.Client(base_url=url, timeout=300) as client:
        importer.start()
        for fresh in fresh_tokens:
            if not importer.is_alive():
                break
            during += 1
            written = client.post("/api/v1/interactions", json=note, headers=writer)
            statuses[written.status_code] += 1
            statuses[sign_in(url)] += 1
            statuses[client.get("/api/v1/me", headers=fresh).status_code] += 1  # its first use
            time.sleep(PAUSE)
        importer.join()
    assert done[0].ok and done[0].created == IMPORT_ROWS
    assert during >= 1, "the requests ran while the import did"
    assert set(statuses) == {201, 303, 200}, statuses


@contextmanager
def write_lock_held(engine: Engine) -> Iterator[None]:
    """Another connection holds the lock the token's last-use update needs."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        assert database is not None
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with engine.connect() as other:
        other.execute(text("SELECT id FROM api_tokens FOR UPDATE"))
        yield
        other.rollback()


def test_a_read_with_a_new_token_never_waits_for_the_write_lock(
    engine: Engine, tmp_path: Path, people: dict[str, int], token: Callable[[str, str], str]
) -> None:
    app = create_app(make_settings(tmp_path), engine)
    raw = token("member", "read")
    with serve(app) as url, httpx2.Client(base_url=url, timeout=300) as client:
        with write_lock_held(engine):
            answer = client.get("/api/v1/me", headers=bearer(raw))
            assert answer.status_code == 200 and answer.json()["email"] == email("member")
        with Session(engine) as session:
            assert session.scalars(select(ApiToken.last_used_at)).all() == [None]
        assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
        with Session(engine) as session:
            assert session.scalars(select(ApiToken.last_used_at)).one() is not None
