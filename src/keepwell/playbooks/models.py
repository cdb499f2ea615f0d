"""Tables of playbooks: every firing of a rule, and the leadership review list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class PlaybookFiring(Base):
    """A rule fired on an account for a reason: what it saw and what it did."""

    __tablename__ = "playbook_firings"
    __table_args__ = (
        Index("ix_playbook_firings_rule_account_reason", "rule", "account_id", "reason_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(128))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    reason_key: Mapped[str] = mapped_column(String(255))
    fired_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    summary: Mapped[str] = mapped_column(String(512))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcomes: Mapped[list[Any]] = mapped_column(default=list)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(255))


class ReviewItem(Base):
    """An account put on the leadership review by a rule; ``open_key`` keeps one open item
    per account, rule and reason."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    rule: Mapped[str] = mapped_column(String(128))
    reason_key: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(String(512))
    open_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
