"""Survey answer links: long and random, stored as a SHA-256 digest, single-use, expiring.

Every request to a survey address counts against two limits, per link and per address
(the shared-plan limits). A used or expired link answers "gone", an unknown one "not
found", with nothing else. Each form carries the invitation's own form token.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.digests import digest
from keepwell.days import utcnow
from keepwell.plans.sharing import HITS_KEPT, MAX_IP, TOKEN, Limits, LinkState
from keepwell.surveys.models import SurveyInvitation, SurveyLinkHit

SURVEY_PATH = "/survey/"


@dataclass(frozen=True)
class Presented:
    """A presented link after the checks: its state, and the invitation when known."""

    state: LinkState
    invitation: SurveyInvitation | None = None


def answer_url(public_url: str, raw: str) -> str:
    """The address the contact opens to answer."""
    return public_url.rstrip("/") + SURVEY_PATH + raw


def unsubscribe_url(public_url: str, raw: str) -> str:
    """The address the contact opens to receive no more surveys."""
    return answer_url(public_url, raw) + "/unsubscribe"


def present(
    session: Session,
    raw: str,
    ip: str,
    action: str,
    *,
    limits: Limits | None = None,
    now: datetime | None = None,
    single_use: bool = True,
) -> Presented:
    """Count the request, apply the limits, and say what the link is. With
    ``single_use`` false (unsubscribing) a used or expired link still counts as live."""
    now, ip, limits = now or utcnow(), ip[:MAX_IP], limits or Limits()
    invitation = _lookup(session, raw)
    session.add(SurveyLinkHit(invitation_id=invitation.id if invitation else None, ip=ip, at=now))
    session.execute(delete(SurveyLinkHit).where(SurveyLinkHit.at < now - HITS_KEPT))
    session.flush()
    state = _state(session, invitation, ip, limits, now, single_use)
    if state is LinkState.LIVE:
        return Presented(state, invitation)
    record(
        session,
        actor=f"survey link ({ip})",
        action="survey_link.refused",
        entity="survey_invitations",
        entity_id=invitation.id if invitation else None,
        changes={"reason": state.value, "asked": action},
    )
    return Presented(state)


def _lookup(session: Session, raw: str) -> SurveyInvitation | None:
    if not TOKEN.match(raw):
        return None
    return session.scalar(
        select(SurveyInvitation).where(SurveyInvitation.token_hash == digest(raw))
    )


def _state(
    session: Session,
    invitation: SurveyInvitation | None,
    ip: str,
    limits: Limits,
    now: datetime,
    single_use: bool,
) -> LinkState:
    since = now - limits.window
    from_address = session.scalar(
        select(func.count()).where(SurveyLinkHit.ip == ip, SurveyLinkHit.at > since)
    )
    if (from_address or 0) > limits.per_address:
        return LinkState.LIMITED
    if invitation is None:
        return LinkState.UNKNOWN
    on_link = session.scalar(
        select(func.count()).where(
            SurveyLinkHit.invitation_id == invitation.id, SurveyLinkHit.at > since
        )
    )
    if (on_link or 0) > limits.per_link:
        return LinkState.LIMITED
    if invitation.status != "sent" and invitation.status != "answered":
        return LinkState.UNKNOWN  # never delivered: the link was never in anyone's hands
    if single_use and (invitation.answered_at is not None or invitation.expires_at <= now):
        return LinkState.GONE
    return LinkState.LIVE


def form_ok(session: Session, invitation: SurveyInvitation, submitted: str, ip: str) -> bool:
    """True when the form carries the invitation's own form token; a refusal is audited."""
    if hmac.compare_digest(invitation.form_token.encode(), submitted.encode()):
        return True
    record(
        session,
        actor=f"survey link ({ip[:MAX_IP]})",
        action="survey_link.refused",
        entity="survey_invitations",
        entity_id=invitation.id,
        changes={"reason": "form token"},
    )
    return False
