"""Fixtures for authentication tests: cheap argon2 parameters and a database session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from keepwell.auth import passwords
from keepwell.db import session_factory


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with minimal cost; test_passwords checks the real parameters."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hashing", passwords.PasswordHashing(cheap))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database (tests commit what they need)."""
    with session_factory(engine)() as db:
        yield db


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For tests whose subject does not depend on the database."""
