"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

BUSY_SECONDS = 120.0
"""SQLite: how long a write waits for the one holding the lock (``database_busy_seconds``)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, busy_seconds: float = BUSY_SECONDS) -> Engine:
    """Create an engine; SQLite files get their directory, foreign keys and WAL.

    On SQLite a write waits up to ``busy_seconds`` for another writer (an import holds the
    lock until it commits) instead of failing with "database is locked". Statement
    parameters — what people typed — never appear in errors or logs.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": busy_seconds})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def commit_unless_busy(session: Session) -> bool:
    """Commit the session's pending bookkeeping now, or drop it if another writer holds
    the lock (rolled back, False): a read never waits for, or fails on, its own record."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
        return _commit_or_roll_back(session)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    waits = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        session.flush()
    except OperationalError:
        raw.execute(f"PRAGMA busy_timeout = {waits}")
        session.rollback()
        return False
    raw.execute(f"PRAGMA busy_timeout = {waits}")
    session.commit()
    return True


def _commit_or_roll_back(session: Session) -> bool:
    try:
        session.commit()
    except OperationalError:
        session.rollback()
        return False
    return True


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` that keeps objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
