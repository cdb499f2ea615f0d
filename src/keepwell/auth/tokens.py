"""API tokens: shown once at creation, stored as SHA-256 digests, revocable by name."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from keepwell.audit.service import record
from keepwell.auth.digests import digest, new_secret
from keepwell.auth.models import ApiToken, User
from keepwell.auth.permissions import Scope
from keepwell.auth.service import UserError
from keepwell.days import utcnow

TOKEN_PREFIX = "kw_"
PREFIX_SHOWN = 10
MAX_NAME = 128
MAX_TOKEN = 128
USE_RECORDED_EVERY = timedelta(minutes=1)
MAX_EXPIRY_DAYS = 3650


def check_scope(scope: str) -> Scope:
    """The scope named ``scope``, or ``UserError`` listing the scopes."""
    try:
        return Scope(scope)
    except ValueError:
        raise UserError(
            f"unknown scope {scope!r}; expected one of {', '.join(s.value for s in Scope)}"
        ) from None


def active_token(session: Session, name: str) -> ApiToken | None:
    """The unrevoked token called ``name``, if any."""
    query = select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    return session.scalar(query)


def create_token(
    session: Session,
    user: User,
    name: str,
    scope: str,
    *,
    actor: str,
    expires_in_days: int | None = None,
) -> tuple[str, ApiToken]:
    """Create a token for ``user`` (working ``expires_in_days`` days, or until revoked);
    return the clear token (to show once) and its row."""
    name = name.strip()
    checked = check_scope(scope)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise UserError(f"a token expires in 1 to {MAX_EXPIRY_DAYS} days")
    if not name or len(name) > MAX_NAME:
        raise UserError(f"a token name has 1 to {MAX_NAME} characters")
    if not user.active:
        raise UserError(f"user {user.email} is not active")
    if active_token(session, name) is not None:
        raise UserError(f"a token named {name!r} already exists; revoke it first")
    raw = TOKEN_PREFIX + new_secret()
    row = ApiToken(
        name=name,
        user_id=user.id,
        scope=checked.value,
        token_hash=digest(raw),
        prefix=raw[:PREFIX_SHOWN],
        created_at=(now := utcnow()),
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    session.flush()
    changes = {
        "name": name,
        "scope": checked.value,
        "user": user.email,
        "prefix": row.prefix,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }
    record(
        session,
        actor=actor,
        action="token.created",
        entity="api_tokens",
        entity_id=row.id,
        changes=changes,
    )
    return raw, row


def resolve_token(session: Session, raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token ``raw`` (unrevoked, unexpired, active user), noting its use
    (uncommitted); else None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN:
        return None
    row = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == digest(raw))
    )
    now = now or utcnow()
    if row is None or row.revoked_at is not None or not row.user.active or expired(row, now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= USE_RECORDED_EVERY:
        row.last_used_at = now
    return row


def expired(token: ApiToken, now: datetime) -> bool:
    """True when the token's expiry has passed."""
    return token.expires_at is not None and token.expires_at <= now


def expired_token(session: Session, raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The token ``raw`` when it exists, unrevoked, and has expired (to say so); else None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if row is None or row.revoked_at is not None or not expired(row, now or utcnow()):
        return None
    return row


def revoke_token(session: Session, token: ApiToken, *, actor: str) -> None:
    """Revoke ``token`` (it stops working at once) and audit it."""
    if token.revoked_at is not None:
        raise UserError(f"token {token.name!r} is already revoked")
    token.revoked_at = utcnow()
    record(
        session,
        actor=actor,
        action="token.revoked",
        entity="api_tokens",
        entity_id=token.id,
        changes={"name": token.name, "scope": token.scope},
    )


def revoke_token_named(session: Session, name: str, *, actor: str) -> ApiToken:
    """Revoke the unrevoked token called ``name``; ``UserError`` if there is none."""
    token = active_token(session, name)
    if token is None:
        raise UserError(f"no active token named {name!r}")
    revoke_token(session, token, actor=actor)
    return token


def list_tokens(session: Session, *, limit: int | None = None, offset: int = 0) -> list[ApiToken]:
    """Tokens, active ones first, newest first."""
    query = (
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))
