"""Signing in: attempts stored and audited, lockout per email and address, rehashing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.auth.conftest import SQLITE_ONLY

from keepwell.audit.models import AuditLog
from keepwell.auth import passwords
from keepwell.auth.login import authenticate
from keepwell.auth.models import LoginAttempt, User
from keepwell.auth.service import create_user, update_user
from keepwell.settings import Settings

PASSWORD = "correct horse battery"
SETTINGS = Settings(_env_file=None)
NOON = datetime(2030, 1, 10, 12, 0)


def failures_of(session: Session) -> list[str]:
    query = select(AuditLog.changes).where(AuditLog.action == "auth.login_failed")
    return [changes["reason"] for changes in session.scalars(query) if changes]


@pytest.fixture
def user(session: Session) -> User:
    made = create_user(
        session, email="ann@maker.test", name="Ann", role="member", password=PASSWORD, actor="test"
    )
    session.commit()
    return made


def test_five_failures_lock_that_email_and_address(session: Session, user: User) -> None:
    for minute in range(5):
        at = NOON + timedelta(minutes=minute)
        result = authenticate(session, "ann@maker.test", "wrong", "10.0.0.1", SETTINGS, now=at)
        assert not result.ok
    assert result.locked_until == NOON + timedelta(minutes=4 + 15)
    later = NOON + timedelta(minutes=10)
    locked = authenticate(session, "Ann@Maker.test ", PASSWORD, "10.0.0.1", SETTINGS, now=later)
    assert not locked.ok and locked.locked_until == result.locked_until
    elsewhere = authenticate(session, "ann@maker.test", PASSWORD, "10.0.0.2", SETTINGS, now=later)
    assert elsewhere.ok
    free = NOON + timedelta(minutes=20)
    assert authenticate(session, "ann@maker.test", PASSWORD, "10.0.0.1", SETTINGS, now=free).ok
    session.commit()
    assert failures_of(session) == ["bad_password"] * 5 + ["locked"]
    logins = session.scalars(select(AuditLog).where(AuditLog.action == "auth.login"))
    assert [entry.changes for entry in logins] == [{"ip": "10.0.0.2"}, {"ip": "10.0.0.1"}]
    assert user.last_login_at == free


@SQLITE_ONLY
def test_spread_out_failures_do_not_lock(session: Session, user: User) -> None:
    for step in range(6):
        at = NOON + timedelta(minutes=4 * step)
        assert (
            authenticate(
                session, "ann@maker.test", "wrong", "10.0.0.1", SETTINGS, now=at
            ).locked_until
            is None
        )
    session.commit()
    attempts = session.scalars(select(LoginAttempt.succeeded)).all()
    assert attempts == [False] * 6


@SQLITE_ONLY
def test_unknown_and_inactive_users_are_refused(session: Session, user: User) -> None:
    assert not authenticate(session, "nobody@maker.test", PASSWORD, "10.0.0.1", SETTINGS).ok
    update_user(session, user, actor="test", active=False)
    assert not authenticate(session, "ann@maker.test", PASSWORD, "10.0.0.1", SETTINGS).ok
    session.commit()
    assert failures_of(session) == ["unknown_user", "inactive"]


@SQLITE_ONLY
def test_a_weak_hash_is_replaced_at_sign_in(
    session: Session, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = user.password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(passwords, "hashing", passwords.PasswordHashing(stronger))
    assert authenticate(session, "ann@maker.test", PASSWORD, "10.0.0.1", SETTINGS).ok
    assert user.password_hash != old and "t=2" in user.password_hash
