"""Tables of tasks and their change history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from keepwell.db.base import Base, TimestampMixin
from keepwell.people.models import Employee
from keepwell.record.models import Account


class Task(TimestampMixin, Base):
    """Something one person should do for one account, by a day.

    ``open_key`` is ``account:rule:reason`` while a playbook's task is open and null
    otherwise; its unique index keeps one open task per account, rule and reason.
    """

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    role_key: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    rule: Mapped[str | None] = mapped_column(String(128), index=True)
    reason_key: Mapped[str | None] = mapped_column(String(255))
    open_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    escalate_after_days: Mapped[int | None] = mapped_column(Integer)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_by: Mapped[str] = mapped_column(String(255), default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """How a closed task ended: done, not needed or could not (``tasks.schemas.OUTCOMES``)."""
    outcome_note: Mapped[str | None] = mapped_column(Text)

    account: Mapped[Account | None] = relationship()
    owner: Mapped[Employee | None] = relationship(foreign_keys=[owner_id])


class TaskEvent(Base):
    """One change of a task: its creation, a new status, owner or due day, an escalation."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    actor: Mapped[str] = mapped_column(String(255))
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(String(255))
    new: Mapped[str | None] = mapped_column(String(255))
