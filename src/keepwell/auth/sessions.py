"""Browser sessions: a random id in an HttpOnly cookie, its SHA-256 digest in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from keepwell.audit.service import record
from keepwell.auth.digests import digest, new_secret
from keepwell.auth.models import User, UserSession
from keepwell.days import utcnow
from keepwell.db.prepared import prepared

MAX_SESSION_ID = 128


def start_session(
    session: Session, user: User, hours: float, *, now: datetime | None = None
) -> tuple[str, UserSession]:
    """Open a session for ``user``; return the raw id (for the cookie only) and the row."""
    now = now or utcnow()
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    raw = new_secret()
    row = UserSession(
        session_hash=digest(raw),
        user_id=user.id,
        csrf_token=new_secret(),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    return raw, row


@prepared
def _by_hash() -> Select[UserSession]:
    """The session with a given hash, and its user (built once: it runs on every request)."""
    return (
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.session_hash == bindparam("hash"))
    )


def resolve_session(
    session: Session, raw: str | None, *, now: datetime | None = None
) -> UserSession | None:
    """The live session whose id is ``raw`` (unexpired, active user), or None."""
    if not raw or len(raw) > MAX_SESSION_ID:
        return None
    row = session.scalar(_by_hash(), {"hash": digest(raw)})
    if row is None or row.expires_at <= (now or utcnow()) or not row.user.active:
        return None
    return row


def end_session(session: Session, row: UserSession) -> None:
    """Sign out: delete the session and audit it."""
    record(
        session,
        actor=row.user.email,
        action="auth.logout",
        entity="users",
        entity_id=row.user_id,
    )
    session.delete(row)
