"""Tables of owned recurring problems: the 8D record, ticket membership and its history.

A problem's ``id`` is its stable id: once a person confirms, renames, merges or
splits a problem, re-running detection keeps it and its tickets. Each ticket
belongs to at most one problem (``problem_tickets.ticket_id`` is the key).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base, TimestampMixin
from keepwell.knowledge.links import register_target

STATUSES = ("candidate", "confirmed", "contained", "corrected", "closed", "dismissed", "merged")
"""Life cycle: detected → confirmed → contained → corrected (fix in place) → closed."""
LIVE_STATUSES = ("candidate", "confirmed", "contained", "corrected", "closed")
"""Problems that are shown and receive new tickets."""
OWNED_STATUSES = ("confirmed", "contained", "corrected", "closed", "dismissed")
"""Problems a person has decided on: detection never moves their tickets or ids."""
ORIGINS = ("detected", "assigned", "person")
"""How a ticket came to a problem: a detection run, incremental assignment, or a person."""


class ProblemRecord(TimestampMixin, Base):
    """A recurring problem with its 8D fields, owner and status."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    label_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    terms: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="candidate", index=True)
    description: Mapped[str | None] = mapped_column(Text)
    containment: Mapped[str | None] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    corrective_action: Mapped[str | None] = mapped_column(Text)
    preventive_action: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"))
    detected_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    contained_on: Mapped[date | None] = mapped_column(Date)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class ProblemTicket(Base):
    """A ticket's problem (one per ticket), how it got there and how close it is."""

    __tablename__ = "problem_tickets"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(16), default="detected")
    similarity: Mapped[float | None] = mapped_column(Float)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ProblemEvent(Base):
    """One step in a problem's history: detected, confirmed, renamed, merged, split, ..."""

    __tablename__ = "problem_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


register_target("problem", ProblemRecord, "label")  # articles link to recurring problems
