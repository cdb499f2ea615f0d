"""Tables of the teams side: human reads, RFQ reviews and promise checks, comments, mentions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class HumanRead(Base):
    """An account owner's own read of the customer, beside the model's read at that moment."""

    __tablename__ = "human_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    read: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    model_probability: Mapped[float | None] = mapped_column(Float)
    model_read: Mapped[str | None] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(Integer)


class QuoteReview(Base):
    """One required review of an RFQ before its quote goes out (latest decision per kind)."""

    __tablename__ = "quote_reviews"
    __table_args__ = (UniqueConstraint("quote_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class PromiseCheck(Base):
    """Whether what was delivered met the specification promised in the quote."""

    __tablename__ = "quote_promise_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), unique=True)
    spec_met: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str] = mapped_column(String(255))
    checked_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Comment(Base):
    """A comment in the thread of an account, problem, task or RFQ."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Mention(Base):
    """An @mention in a comment; ``notified_at`` stays empty until a notification went out."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
