"""Tables of surveys: invitations sent, addresses that must not be asked, link requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class SurveyInvitation(Base):
    """One survey e-mail to one contact: the event that triggered it, its answer link (only
    the SHA-256 digest is stored) and what became of it."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_contact_sent", "contact_id", "sent_at"),
        Index("ix_survey_invitations_trigger", "trigger_kind", "trigger_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    email: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    trigger_kind: Mapped[str] = mapped_column(String(32))
    trigger_id: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    form_token: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="sent")
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="SET NULL")
    )
    sent_by: Mapped[str] = mapped_column(String(255))


class SurveyOptOut(Base):
    """An address never to be asked again: the contact unsubscribed or the server refused it."""

    __tablename__ = "survey_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime)


class SurveyLinkHit(Base):
    """One request to a survey address (known link or not), for rate limiting."""

    __tablename__ = "survey_link_hits"
    __table_args__ = (
        Index("ix_survey_link_hits_ip_at", "ip", "at"),
        Index("ix_survey_link_hits_link_at", "invitation_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
