"""Signing in: password check, lockout after repeated failures, audited attempts.

Every attempt is stored per (email, address). When the last ``login_max_failures``
attempts all failed within ``login_window_minutes``, the pair is locked for
``login_lockout_minutes`` after the last failure; a locked pair is refused without
checking the password.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.clock import utcnow
from keepwell.auth.models import LoginAttempt, User
from keepwell.auth.passwords import burn_time, needs_rehash, rehash, verify_password
from keepwell.auth.service import MAX_EMAIL, normalize_email
from keepwell.settings import Settings

log = logging.getLogger(__name__)
ATTEMPTS_KEPT = timedelta(days=1)
MAX_IP = 64


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one sign-in: the user on success, the lockout end when locked."""

    user: User | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the user signed in."""
        return self.user is not None


def authenticate(
    session: Session,
    email: str,
    password: str,
    ip: str,
    settings: Settings,
    *,
    now: datetime | None = None,
) -> LoginResult:
    """Check ``email`` and ``password`` from address ``ip``; store and audit the attempt."""
    now = now or utcnow()
    email, ip = normalize_email(email)[:MAX_EMAIL], ip[:MAX_IP]
    locked = lockout_until(session, email, ip, settings, now)
    if locked is not None:
        _failed(session, email, ip, None, "locked")
        return LoginResult(None, locked)
    user = session.scalar(select(User).where(User.email == email))
    reason = _refusal(user, password)
    session.add(LoginAttempt(email=email, ip=ip, at=now, succeeded=reason is None))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPTS_KEPT))
    if user is None or reason is not None:
        _failed(session, email, ip, user, reason or "unknown")
        session.flush()
        return LoginResult(None, lockout_until(session, email, ip, settings, now))
    _succeeded(session, user, password, ip, now)
    return LoginResult(user)


def lockout_until(
    session: Session, email: str, ip: str, settings: Settings, now: datetime
) -> datetime | None:
    """When the lockout of (email, ip) ends, or None when it is not locked."""
    limit = settings.login_max_failures
    recent = list(
        session.execute(
            select(LoginAttempt.at, LoginAttempt.succeeded)
            .where(LoginAttempt.email == email, LoginAttempt.ip == ip)
            .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
            .limit(limit)
        )
    )
    if len(recent) < limit or any(succeeded for _at, succeeded in recent):
        return None
    newest, oldest = recent[0][0], recent[-1][0]
    if newest - oldest > timedelta(minutes=settings.login_window_minutes):
        return None
    until: datetime = newest + timedelta(minutes=settings.login_lockout_minutes)
    return until if until > now else None


def _refusal(user: User | None, password: str) -> str | None:
    """Why the sign-in is refused, or None; always spends one password verification."""
    if user is None:
        burn_time(password)
        return "unknown_user"
    if not verify_password(user.password_hash, password):
        return "bad_password"
    if not user.active:
        return "inactive"
    return None


def _succeeded(session: Session, user: User, password: str, ip: str, now: datetime) -> None:
    if needs_rehash(user.password_hash):
        user.password_hash = rehash(password)
    user.last_login_at = now
    record(
        session,
        actor=user.email,
        action="auth.login",
        entity="users",
        entity_id=user.id,
        changes={"ip": ip},
    )
    log.info("sign-in succeeded for user %s", user.id)


def _failed(session: Session, email: str, ip: str, user: User | None, reason: str) -> None:
    record(
        session,
        actor=email,
        action="auth.login_failed",
        entity="users",
        entity_id=user.id if user else None,
        changes={"ip": ip, "reason": reason},
    )
    log.warning("sign-in refused (%s) from %s", reason, ip)
