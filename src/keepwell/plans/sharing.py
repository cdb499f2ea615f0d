"""A plan shared with the customer: a long random link, stored hashed, expiring, revocable.

The clear link is shown once when it is made; only its SHA-256 digest is kept. Sharing
again replaces the plan's live link. Whoever holds a live link sees only what was chosen
for sharing (shared objectives and their shared milestones, owners' names, measures) and
may do two things: mark a milestone done and comment on one. Each form carries the link's
own form token. Every request to a shared address counts against two limits, per link and
per address, and every access is audited; revoked and expired links answer "gone",
unknown ones "not found", with nothing else.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.digests import digest, new_secret
from keepwell.days import utcnow
from keepwell.plans.models import (
    MilestoneComment,
    PlanLinkHit,
    PlanMilestone,
    PlanObjective,
    PlanShareLink,
    SuccessPlan,
)
from keepwell.plans.service import mark_done
from keepwell.teams.errors import NotFound, TeamsError

SHARE_DAYS = 90
MAX_SHARE_DAYS = 365
SHARED_PATH = "/shared/plans/"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
"""What ``secrets.token_urlsafe(32)`` makes: 43 URL-safe characters."""
HITS_KEPT = timedelta(days=1)
MAX_IP = 64
MAX_COMMENT = 2000
MAX_NAME = 120


@dataclass(frozen=True)
class Limits:
    """Requests allowed within ``window`` per link and per address."""

    per_link: int = 60
    per_address: int = 120
    window: timedelta = timedelta(minutes=10)


class LinkState(StrEnum):
    """What a presented link is (a shared plan's or a survey's)."""

    LIVE = "live"
    GONE = "gone"
    """No longer usable: revoked, answered already, or expired."""
    UNKNOWN = "unknown"
    LIMITED = "limited"
    """Too many requests from this address or on this link."""


@dataclass(frozen=True)
class Presented:
    """A presented link after the checks: its state, and the link when live."""

    state: LinkState
    link: PlanShareLink | None = None


def share_plan(
    session: Session,
    plan: SuccessPlan,
    *,
    actor: str,
    days: int = SHARE_DAYS,
    now: datetime | None = None,
) -> tuple[str, PlanShareLink]:
    """Make a new link for the plan (the old one stops working); return the clear token
    (to show once) and its row."""
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise TeamsError(f"a shared link works for 1 to {MAX_SHARE_DAYS} days")
    now = now or utcnow()
    _revoke_live(session, plan.id, now)
    raw = new_secret()
    link = PlanShareLink(
        plan_id=plan.id,
        token_hash=digest(raw),
        form_token=new_secret(),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    record(
        session,
        actor=actor,
        action="plan.shared",
        entity="success_plans",
        entity_id=plan.id,
        changes={"link": link.id, "expires_at": link.expires_at.isoformat()},
    )
    return raw, link


def revoke_share(session: Session, plan: SuccessPlan, *, actor: str) -> int:
    """Revoke the plan's live link(s) at once; ``NotFound`` when none is live."""
    revoked = _revoke_live(session, plan.id, utcnow())
    if not revoked:
        raise NotFound("this plan has no live shared link")
    record(
        session,
        actor=actor,
        action="plan.share_revoked",
        entity="success_plans",
        entity_id=plan.id,
        changes={"links": revoked},
    )
    return len(revoked)


def _revoke_live(session: Session, plan_id: int, now: datetime) -> list[int]:
    links = session.scalars(
        select(PlanShareLink).where(
            PlanShareLink.plan_id == plan_id, PlanShareLink.revoked_at.is_(None)
        )
    ).all()
    for link in links:
        link.revoked_at = now
    session.flush()
    return [link.id for link in links if link.expires_at > now]


def shared_url(public_url: str, raw: str) -> str:
    """The address the customer opens."""
    return public_url.rstrip("/") + SHARED_PATH + raw


def present(
    session: Session,
    raw: str,
    ip: str,
    action: str,
    *,
    limits: Limits | None = None,
    now: datetime | None = None,
) -> Presented:
    """Check a presented link: count the request, apply the limits, audit the outcome."""
    now, ip, limits = now or utcnow(), ip[:MAX_IP], limits or Limits()
    link = _lookup(session, raw)
    session.add(PlanLinkHit(link_id=link.id if link else None, ip=ip, at=now))
    session.execute(delete(PlanLinkHit).where(PlanLinkHit.at < now - HITS_KEPT))
    session.flush()
    state = _state(session, link, ip, limits, now)
    if state is LinkState.LIVE and link is not None:
        link.last_used_at = now
        return Presented(state, link)
    record(
        session,
        actor=f"shared link ({ip})",
        action="plan_link.refused",
        entity="success_plans",
        entity_id=link.plan_id if link else None,
        changes={"reason": state.value, "asked": action, "link": link.id if link else None},
    )
    return Presented(state)


def _lookup(session: Session, raw: str) -> PlanShareLink | None:
    if not TOKEN.match(raw):
        return None
    return session.scalar(select(PlanShareLink).where(PlanShareLink.token_hash == digest(raw)))


def _state(
    session: Session, link: PlanShareLink | None, ip: str, limits: Limits, now: datetime
) -> LinkState:
    since = now - limits.window
    from_address = session.scalar(
        select(func.count()).where(PlanLinkHit.ip == ip, PlanLinkHit.at > since)
    )
    if (from_address or 0) > limits.per_address:
        return LinkState.LIMITED
    if link is None:
        return LinkState.UNKNOWN
    on_link = session.scalar(
        select(func.count()).where(PlanLinkHit.link_id == link.id, PlanLinkHit.at > since)
    )
    if (on_link or 0) > limits.per_link:
        return LinkState.LIMITED
    if link.revoked_at is not None or link.expires_at <= now:
        return LinkState.GONE
    return LinkState.LIVE


def form_ok(session: Session, link: PlanShareLink, submitted: str, ip: str) -> bool:
    """True when the form carries the link's own form token; a refusal is audited."""
    if hmac.compare_digest(link.form_token.encode(), submitted.encode()):
        return True
    record(
        session,
        actor=_actor(link, ip),
        action="plan_link.refused",
        entity="success_plans",
        entity_id=link.plan_id,
        changes={"reason": "form token", "link": link.id},
    )
    return False


def audit_view(session: Session, link: PlanShareLink, ip: str) -> None:
    """Record that the customer opened the plan."""
    record(
        session,
        actor=_actor(link, ip),
        action="plan_link.viewed",
        entity="success_plans",
        entity_id=link.plan_id,
        changes={"link": link.id},
    )


def _actor(link: PlanShareLink, ip: str) -> str:
    return f"customer through shared link {link.id} ({ip[:MAX_IP]})"


def shared_milestone(
    session: Session, link: PlanShareLink, milestone_id: int, ip: str
) -> PlanMilestone:
    """The milestone when it is shared on the link's own plan; else ``NotFound`` (audited:
    someone tried another plan's or a hidden milestone)."""
    row = session.execute(
        select(PlanMilestone)
        .join(PlanObjective, PlanObjective.id == PlanMilestone.objective_id)
        .where(
            PlanMilestone.id == milestone_id,
            PlanMilestone.shared.is_(True),
            PlanObjective.shared.is_(True),
            PlanObjective.plan_id == link.plan_id,
        )
    ).scalar_one_or_none()
    if row is None:
        record(
            session,
            actor=_actor(link, ip),
            action="plan_link.refused",
            entity="success_plans",
            entity_id=link.plan_id,
            changes={"reason": "milestone not on this plan", "milestone": milestone_id},
        )
        raise NotFound("no such milestone on this plan")
    return row


def customer_mark_done(session: Session, link: PlanShareLink, milestone_id: int, ip: str) -> bool:
    """The customer marks a shared milestone of the link's plan done; audited."""
    milestone = shared_milestone(session, link, milestone_id, ip)
    changed = mark_done(session, milestone, by="the customer")
    record(
        session,
        actor=_actor(link, ip),
        action="plan_link.milestone_done",
        entity="success_plans",
        entity_id=link.plan_id,
        changes={"link": link.id, "milestone": milestone.id, "changed": changed},
    )
    return changed


def customer_comment(
    session: Session, link: PlanShareLink, milestone_id: int, body: str, ip: str, name: str = ""
) -> MilestoneComment:
    """The customer comments on a shared milestone of the link's plan; audited."""
    milestone = shared_milestone(session, link, milestone_id, ip)
    text = body.strip()
    if not text:
        raise TeamsError("write something in the comment")
    if len(text) > MAX_COMMENT:
        raise TeamsError(f"a comment holds at most {MAX_COMMENT:,} characters")
    author = name.strip()[:MAX_NAME] or "the customer"
    comment = MilestoneComment(
        milestone_id=milestone.id, author=author, by_customer=True, body=text, created_at=utcnow()
    )
    session.add(comment)
    session.flush()
    record(
        session,
        actor=_actor(link, ip),
        action="plan_link.comment",
        entity="success_plans",
        entity_id=link.plan_id,
        changes={"link": link.id, "milestone": milestone.id, "comment": comment.id},
    )
    return comment
