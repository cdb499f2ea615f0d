"""Signing in: password check, lockout after repeated failures, audited attempts.

Every attempt is stored with its email and address. Three counters lock: the pair
(email, address) after ``login_max_failures``, the account (any address) after
``login_account_max_failures`` and the address (any email) after
``login_address_max_failures``. When the last that many attempts of one counter all failed
within ``login_window_minutes``, it is locked for ``login_lockout_minutes`` after the last
failure, and a locked attempt is refused without checking the password. The check of the
current password when changing it counts the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.models import LoginAttempt, User
from keepwell.auth.passwords import burn_time, needs_rehash, rehash, verify_password
from keepwell.auth.service import MAX_EMAIL, normalize_email
from keepwell.days import utcnow
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
    """When the lockout of the pair (email, ip), the account or the address ends (the
    latest of those locked), or None when none is locked."""
    counters = (
        ((LoginAttempt.email == email, LoginAttempt.ip == ip), settings.login_max_failures),
        ((LoginAttempt.email == email,), settings.login_account_max_failures),
        ((LoginAttempt.ip == ip,), settings.login_address_max_failures),
    )
    ends = [_locked(session, where, limit, settings, now) for where, limit in counters]
    return max((end for end in ends if end is not None), default=None)


def check_current_password(
    session: Session,
    user: User,
    password: str,
    ip: str,
    settings: Settings,
    *,
    now: datetime | None = None,
) -> LoginResult:
    """The check of ``user``'s current password before a change, counted like a sign-in:
    refused unchecked while locked; a wrong password is a failed attempt (audited)."""
    now = now or utcnow()
    ip = ip[:MAX_IP]
    locked = lockout_until(session, user.email, ip, settings, now)
    if locked is not None:
        _failed(session, user.email, ip, user, "locked")
        return LoginResult(None, locked)
    right = verify_password(user.password_hash, password)
    session.add(LoginAttempt(email=user.email, ip=ip, at=now, succeeded=right))
    if right:
        return LoginResult(user)
    _failed(session, user.email, ip, user, "bad_current_password")
    session.flush()
    return LoginResult(None, lockout_until(session, user.email, ip, settings, now))


def _locked(
    session: Session, where: tuple[Any, ...], limit: int, settings: Settings, now: datetime
) -> datetime | None:
    recent = list(
        session.execute(
            select(LoginAttempt.at, LoginAttempt.succeeded)
            .where(*where)
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
