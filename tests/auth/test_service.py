"""Users, roles, sessions and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.auth.conftest import SQLITE_ONLY

from keepwell.audit.models import AuditLog
from keepwell.auth.digests import digest
from keepwell.auth.models import ApiToken, User, UserSession
from keepwell.auth.permissions import Permission, role_permissions, token_permissions
from keepwell.auth.service import (
    UserError,
    change_password,
    create_user,
    employee_for,
    update_user,
)
from keepwell.auth.sessions import end_session, resolve_session, start_session
from keepwell.auth.tokens import create_token, resolve_token, revoke_token_named
from keepwell.days import utcnow
from keepwell.people.models import Employee

PASSWORD = "correct horse battery"


def make(session: Session, email: str, role: str = "member") -> User:
    return create_user(session, email=email, name="", role=role, password=PASSWORD, actor="test")


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


@SQLITE_ONLY
def test_users_roles_and_the_last_admin(session: Session) -> None:
    admin = make(session, " Boss@Maker.TEST ", "admin")
    assert admin.email == "boss@maker.test" and admin.name == "boss@maker.test"
    for email, role in (
        ("boss@maker.test", "member"),
        ("not-an-email", "member"),
        ("x@y.z", "czar"),
    ):
        with pytest.raises(UserError):
            make(session, email, role)
    with pytest.raises(UserError, match="last active admin"):
        update_user(session, admin, actor="test", role="leader")
    other = make(session, "deputy@maker.test", "admin")
    changes = update_user(session, admin, actor="test", role="leader")
    assert changes == {"role": ["admin", "leader"]}
    assert update_user(session, other, actor="test", role="admin") == {}
    session.commit()
    assert actions(session) == ["user.created", "user.created", "user.role_changed"]


@SQLITE_ONLY
def test_employee_record_by_link_or_email(session: Session) -> None:
    mia = Employee(name="Mia", email="Mia@Maker.test", source="crm", external_id="E-1")
    other = Employee(name="Other", email=None, source="crm", external_id="E-2")
    session.add_all([mia, other])
    session.flush()
    user = make(session, "mia@maker.test")
    assert employee_for(session, user) is mia
    update_user(session, user, actor="test", employee_id=other.id)
    assert employee_for(session, user) is other
    with pytest.raises(UserError):
        update_user(session, user, actor="test", employee_id=999)


def test_sessions_are_stored_hashed_expire_and_end(session: Session) -> None:
    user = make(session, "ann@maker.test")
    raw, row = start_session(session, user, hours=1)
    keep_raw, keep = start_session(session, user, hours=1)
    session.commit()
    assert row.session_hash == digest(raw) and raw not in row.session_hash
    assert resolve_session(session, raw) is row
    assert resolve_session(session, raw, now=utcnow() + timedelta(hours=2)) is None
    assert resolve_session(session, "forged") is None and resolve_session(session, None) is None
    change_password(session, user, PASSWORD, "a brand new secret", keep_session=keep.id)
    session.commit()
    assert resolve_session(session, raw) is None and resolve_session(session, keep_raw) is keep
    with pytest.raises(UserError):
        change_password(session, user, "wrong guess!", "another secret", keep_session=None)
    end_session(session, keep)
    session.commit()
    assert session.scalar(select(func.count(UserSession.id))) == 0
    assert actions(session)[-2:] == ["auth.password_changed", "auth.logout"]
    update_user(session, user, actor="test", active=False)


def test_tokens_are_hashed_scoped_and_revocable(session: Session) -> None:
    user = make(session, "bot@maker.test", "leader")
    raw, row = create_token(session, user, "erp", "write", actor="test")
    session.commit()
    assert raw.startswith("kw_") and len(raw) > 40 and row.prefix == raw[:10]
    stored = session.execute(select(ApiToken.token_hash, ApiToken.prefix, ApiToken.name)).one()
    assert raw not in " ".join(stored) and stored.token_hash == digest(raw)
    assert resolve_token(session, raw) is row and row.last_used_at is not None
    for bad in ("kw_wrong", "no-prefix", ""):
        assert resolve_token(session, bad) is None
    with pytest.raises(UserError, match="already exists"):
        create_token(session, user, "erp", "read", actor="test")
    with pytest.raises(UserError, match="unknown scope"):
        create_token(session, user, "other", "admin", actor="test")
    revoke_token_named(session, "erp", actor="test")
    session.commit()
    assert resolve_token(session, raw) is None
    again, _ = create_token(session, user, "erp", "read", actor="test")
    assert resolve_token(session, again) is not None
    with pytest.raises(UserError):
        revoke_token_named(session, "never-made", actor="test")
    assert actions(session)[-3:] == ["token.created", "token.revoked", "token.created"]


def test_token_permissions_never_exceed_the_role() -> None:
    assert token_permissions("member", "write") == {Permission.READ, Permission.WRITE}
    assert token_permissions("auditor", "write") == {Permission.READ, Permission.AUDIT}
    assert token_permissions("admin", "read") == {
        Permission.READ,
        Permission.MONEY,
        Permission.AUDIT,
    }
    assert token_permissions("admin", "ingest") == {Permission.IMPORT}
    assert token_permissions("member", "ingest") == frozenset()
    assert token_permissions("admin", "root") == frozenset()
    assert role_permissions("emperor") == frozenset()
    assert Permission.ADMIN not in token_permissions("admin", "write")
