"""Tables of the shared customer record.

Every imported row keeps its provenance (source system, external id, import batch);
accounts additionally keep one external id per source system so that any source can
reference them by its own key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from keepwell.db.base import Base, ProvenanceMixin, TimestampMixin

Money = Float
"""Amounts are stored as floating point in the company's reporting currency units."""


EXPRESSION_INDEXES = frozenset({"ix_accounts_by_name", "ix_accounts_status_by_name"})
"""Indexes on expressions, which migrations create and schema comparison leaves out."""


class Account(ProvenanceMixin, Base):
    """A customer company."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        # Lists go by name, case-insensitive; these let the database read them in order.
        Index("ix_accounts_by_name", func.lower(text("name")), "id"),
        Index("ix_accounts_status_by_name", "status", func.lower(text("name")), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    segment: Mapped[str | None] = mapped_column(String(64), index=True)
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    tier: Mapped[str | None] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    lost_reason_code: Mapped[str | None] = mapped_column(String(64), index=True)
    """Why the customer left, from the company's taxonomy (``keepwell.record.lost``)."""
    contract_value: Mapped[float | None] = mapped_column(Money)
    contract_end: Mapped[date | None] = mapped_column(Date)
    renewal_date: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overrides: Mapped[dict[str, Any] | None]
    """Fields edited in Keepwell that imports leave alone: field → who and when."""

    external_ids: Mapped[list[AccountExternalId]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )


class AccountExternalId(TimestampMixin, Base):
    """The id an account has in one source system (CRM, ERP, helpdesk, ...)."""

    __tablename__ = "account_external_ids"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_account_external_ids_external_id", "external_id"),  # typed ids, any source
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))

    account: Mapped[Account] = relationship(back_populates="external_ids")


class Contact(ProvenanceMixin, Base):
    """A person at a customer."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(64))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_at: Mapped[date | None] = mapped_column(Date)
    overrides: Mapped[dict[str, Any] | None]
    """Fields edited in Keepwell that imports leave alone: field → who and when."""


class Asset(ProvenanceMixin, Base):
    """A piece of equipment installed at a customer."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    serial: Mapped[str] = mapped_column(String(128), unique=True)
    model: Mapped[str | None] = mapped_column(String(128))
    product_line: Mapped[str | None] = mapped_column(String(128))
    installed_at: Mapped[date | None] = mapped_column(Date)
    warranty_end: Mapped[date | None] = mapped_column(Date)
    service_contract_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")


class Quote(ProvenanceMixin, Base):
    """A request for quotation and the quote that answered it."""

    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    received_at: Mapped[date] = mapped_column(Date, index=True)
    responded_at: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[date | None] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    product_line: Mapped[str | None] = mapped_column(String(128))
    promised_lead_time_days: Mapped[int | None] = mapped_column(Integer)
    specification: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16), default="open")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class Order(ProvenanceMixin, Base):
    """An order and its invoice: what was bought, promised, delivered, billed and paid."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        # Covers the per-account order counts and revenue (lists, the 360) without the rows.
        Index("ix_orders_account_ordered", "account_id", "ordered_at", "status", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    ordered_at: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    quantity: Mapped[float | None] = mapped_column(Float)
    product_line: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="product")
    status: Mapped[str] = mapped_column(String(16), default="open")
    promised_at: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[date | None] = mapped_column(Date)
    invoiced_at: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[date | None] = mapped_column(Date)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))


class Ticket(ProvenanceMixin, Base):
    """A support request, complaint, NCR, RMA or warranty claim."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        # Covers the per-account open-ticket counts without reading the tickets.
        Index("ix_tickets_account_opened", "account_id", "opened_at", "closed_at", "status"),
        Index("ix_tickets_external_id", "external_id"),  # a typed ticket number, any source
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    kind: Mapped[str] = mapped_column(String(16), default="support", index=True)
    subject: Mapped[str] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    product_line: Mapped[str | None] = mapped_column(String(128))
    opened_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class SurveyResponse(ProvenanceMixin, Base):
    """An NPS, CSAT or CES answer with its comment."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    kind: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[str | None] = mapped_column(String(128))
    responded_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Interaction(ProvenanceMixin, Base):
    """A call, visit, meeting, email or note about an account."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_interactions_account_occurred", "account_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="note")
    direction: Mapped[str | None] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    subject: Mapped[str | None] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text, default="")
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """The user who wrote it in Keepwell (None for imported ones); only they, leaders and
    admins may edit it."""


class InteractionContact(Base):
    """A contact met on a visit or a call (beyond the interaction's one ``contact_id``)."""

    __tablename__ = "interaction_contacts"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True, index=True)


class TelemetryEvent(TimestampMixin, Base):
    """A reading (metric, value) or an alarm (alarm code, severity) from an installed asset.

    The natural key ``(asset, ts, metric, alarm_code)`` makes re-delivered readings idempotent;
    readings carry an empty alarm code and alarms an empty metric.
    """

    __tablename__ = "telemetry_events"
    __table_args__ = (UniqueConstraint("asset_id", "ts", "metric", "alarm_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    ts: Mapped[datetime] = mapped_column(DateTime, index=True)
    metric: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float | None] = mapped_column(Float)
    alarm_code: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id"), nullable=True, index=True
    )
