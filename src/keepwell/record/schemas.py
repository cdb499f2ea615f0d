"""What the record's service functions return: account summaries, timeline events, the 360.

These models are the JSON shapes of ``keepwell account list --json`` and
``keepwell account show --json`` (documented in docs/cli.md); fields are only ever added.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from keepwell.db.values import UtcDateTime


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExternalId(_Out):
    """An account's id in one source system."""

    source: str
    external_id: str


class AccountSummary(_Out):
    """One row of the account list, with its activity counts as of a day."""

    id: int
    name: str
    status: str
    segment: str | None
    region: str | None
    tier: str | None
    contacts: int
    """Contacts still at the customer."""
    open_tickets: int
    orders_12m: int
    """Orders (not cancelled) in the twelve months up to the day."""
    revenue_12m: float
    last_order_on: date | None
    team_size: int
    """Employees currently on the account team."""


class TimelineEvent(_Out):
    """One thing that happened with an account, from any source."""

    kind: str
    """``family.action``, e.g. ``order.delivered_late``, ``ticket.opened``, ``telemetry.alarm``."""
    at: UtcDateTime
    title: str
    detail: str | None = None
    severity: str | None = None
    employee: str | None = None
    """The employee involved (interaction author, ticket assignee, team member)."""
    contact: str | None = None
    """The customer's contact involved."""
    amount: float | None = None
    """The money the event is about (an order's amount, a quote's value), never in its text;
    null when there is none or the reader's role does not see money."""
    currency: str | None = None
    """The currency of ``amount`` as the source recorded it (null: the company currency)."""
    warning: str | None = None
    """The warning signs a note, call or visit record names, in words ("a competitor's
    offer and late deliveries"); null when it names none."""
    record: str
    """The table the event comes from: order, quote, ticket, survey, interaction, ..."""
    record_id: int
    source: str
    external_id: str | None = None


class AccountHeader(_Out):
    """The account's own fields, its ids in every source and its custom attributes."""

    id: int
    name: str
    status: str
    segment: str | None
    region: str | None
    tier: str | None
    industry: str | None
    country: str | None
    started_on: date | None
    ended_on: date | None
    lost_reason: str | None
    contract_value: float | None
    contract_end: date | None
    renewal_date: date | None
    source: str
    external_id: str
    external_ids: list[ExternalId]
    attributes: dict[str, Any]


class TeamMember(_Out):
    """An employee's retention role on the account."""

    employee_id: int
    name: str
    email: str | None
    title: str | None
    department: str | None
    role_key: str
    role: str
    since: date | None
    until: date | None
    current: bool
    """Assigned on the day and still employed."""


class ContactOut(_Out):
    """A person at the customer."""

    id: int
    name: str
    title: str | None
    role: str | None
    email: str | None
    phone: str | None
    is_key: bool
    status: str
    """``active`` or ``left``."""
    left_at: date | None


class QuarterTotals(_Out):
    """Orders (not cancelled) in one calendar quarter."""

    quarter: str
    """``YYYY-Qn``."""
    start: date
    orders: int
    revenue: float


class PeriodTotals(_Out):
    """Orders (not cancelled) between two days, both included."""

    start: date
    end: date
    orders: int
    revenue: float


class OrdersTrend(_Out):
    """Revenue per quarter and the last twelve months against the twelve before."""

    quarters: list[QuarterTotals]
    """The last eight quarters, oldest first, the current one last."""
    last_12_months: PeriodTotals
    previous_12_months: PeriodTotals
    revenue_change: float | None
    """Relative change of revenue (0.1 = +10 %); None when the earlier period had none."""
    orders_change: float | None


class OpenTicket(_Out):
    """A ticket open on the day."""

    id: int
    source: str
    external_id: str
    kind: str
    severity: str
    status: str
    subject: str
    opened_at: UtcDateTime
    age_days: int
    asset_serial: str | None
    assignee: str | None


class SurveyOut(_Out):
    """The latest survey answer of one kind."""

    id: int
    kind: str
    score: float
    comment: str | None
    campaign: str | None
    contact: str | None
    responded_at: UtcDateTime


class AssetOut(_Out):
    """Equipment installed at the customer."""

    id: int
    serial: str
    model: str | None
    product_line: str | None
    status: str
    installed_at: date | None
    warranty_end: date | None
    service_contract_end: date | None
    under_warranty: bool
    under_service_contract: bool
    alarms_90d: int
    """Alarms in the ninety days up to the day."""


class Account360(_Out):
    """Everything about one account on one page."""

    as_of: date
    account: AccountHeader
    team: list[TeamMember]
    contacts: list[ContactOut]
    orders: OrdersTrend
    open_tickets: list[OpenTicket]
    last_surveys: list[SurveyOut]
    """The latest answer per survey kind, by kind."""
    assets: list[AssetOut]
    timeline: list[TimelineEvent]
    """The most recent events, newest first."""
