"""JSON shapes of the API: pages of results, public records, interaction input.

Money fields (``amount``, ``value``, ``contract_value``, revenues) are null for roles
that may not see money.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from keepwell.db.values import UtcDateTime
from keepwell.record.schemas import (
    Account360,
    AccountSummary,
    OrdersTrend,
    PeriodTotals,
    QuarterTotals,
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next_cursor`` for the next one."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    limit: int


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Provenance(_Public):
    """Where a record came from."""

    source: str
    external_id: str
    import_batch_id: int | None


class NamedRef(_Public):
    """A reference by id with its name."""

    id: int
    name: str


class RoleRef(_Public):
    """A retention role."""

    id: int
    key: str
    name: str


class ContactPublic(Provenance):
    """A person at a customer."""

    id: int
    account_id: int
    name: str
    email: str | None
    phone: str | None
    title: str | None
    role: str | None
    is_key: bool
    active: bool
    left_at: date | None


class EmployeePublic(Provenance):
    """A person working for the company."""

    id: int
    name: str
    email: str | None
    department_id: int | None
    department: NamedRef | None
    title: str | None
    active: bool
    hired_at: date | None
    left_at: date | None
    manager_id: int | None


class TeamMemberPublic(Provenance):
    """An employee's retention role on an account, for a period."""

    id: int
    account_id: int
    employee_id: int
    role_id: int
    role: RoleRef
    since: date | None
    until: date | None


class OrderPublic(Provenance):
    """An order and its invoice."""

    id: int
    account_id: int
    ordered_at: date
    amount: float | None
    currency: str | None
    quantity: float | None
    product_line: str | None
    kind: str
    status: str
    promised_at: date | None
    delivered_at: date | None
    invoiced_at: date | None
    due_at: date | None
    paid_at: date | None
    quote_id: int | None


class QuotePublic(Provenance):
    """A request for quotation and its quote."""

    id: int
    account_id: int
    received_at: date
    responded_at: date | None
    decided_at: date | None
    value: float | None
    currency: str | None
    product_line: str | None
    promised_lead_time_days: int | None
    specification: str | None
    outcome: str
    owner_id: int | None


class TicketPublic(Provenance):
    """A support request, complaint, NCR, RMA or warranty claim."""

    id: int
    account_id: int
    asset_id: int | None
    contact_id: int | None
    assignee_id: int | None
    kind: str
    subject: str
    text: str
    severity: str
    status: str
    product_line: str | None
    opened_at: UtcDateTime
    first_response_at: UtcDateTime | None
    closed_at: UtcDateTime | None


class SurveyPublic(Provenance):
    """An NPS, CSAT or CES answer."""

    id: int
    account_id: int
    contact_id: int | None
    kind: str
    score: float
    comment: str | None
    campaign: str | None
    responded_at: UtcDateTime


class AssetPublic(Provenance):
    """Equipment installed at a customer."""

    id: int
    account_id: int
    serial: str
    model: str | None
    product_line: str | None
    installed_at: date | None
    warranty_end: date | None
    service_contract_end: date | None
    status: str


class InteractionPublic(Provenance):
    """A call, visit, meeting, email or note."""

    id: int
    account_id: int
    employee_id: int | None
    contact_id: int | None
    kind: str
    direction: str | None
    occurred_at: UtcDateTime
    subject: str | None
    text: str


class AccountSummaryPublic(AccountSummary):
    """One row of the account list (``revenue_12m`` null when money is hidden)."""

    revenue_12m: float | None  # type: ignore[assignment]


class QuarterTotalsPublic(QuarterTotals):
    """Orders in one quarter (``revenue`` null when money is hidden)."""

    revenue: float | None  # type: ignore[assignment]


class PeriodTotalsPublic(PeriodTotals):
    """Orders in a period (``revenue`` null when money is hidden)."""

    revenue: float | None  # type: ignore[assignment]


class OrdersTrendPublic(OrdersTrend):
    """Orders per quarter and year against year (revenues null when money is hidden)."""

    quarters: list[QuarterTotalsPublic]  # type: ignore[assignment]
    last_12_months: PeriodTotalsPublic
    previous_12_months: PeriodTotalsPublic


class Account360Public(Account360):
    """The account 360 (money fields null when money is hidden)."""

    orders: OrdersTrendPublic


class MePublic(BaseModel):
    """Who the caller is and what they may do."""

    id: int
    email: str
    name: str
    role: str
    permissions: list[str]
    via: Literal["session", "token"]
    scope: str | None
    token_name: str | None
    token_expires_at: AwareDatetime | None = None


class RowErrorPublic(BaseModel):
    """One validation problem of an import: file, row, column, value and reason."""

    file: str
    row: int | None
    column: str | None
    value: Any
    reason: str


class ChangePublic(BaseModel):
    """What an import does to one record: ``changes`` maps a field to [old, new]."""

    action: str
    key: str
    row: int
    changes: dict[str, list[str]]


class ImportResultPublic(BaseModel):
    """The outcome of an import (or of its dry run)."""

    ok: bool
    kind: str
    file: str
    source: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    accounts_created: int
    batch_id: int | None
    errors: list[RowErrorPublic]
    errors_not_shown: int
    changes: list[ChangePublic]


class ImportBatchPublic(_Public):
    """A completed import."""

    id: int
    kind: str
    source: str
    filename: str
    sha256: str
    actor: str
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
    rows: int
    created: int
    updated: int
    unchanged: int
