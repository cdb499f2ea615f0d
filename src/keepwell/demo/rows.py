"""The demo's generated records, one dataclass per kind, before they become export files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import numpy.typing as npt

from keepwell.demo.model import Contact, Customer, Employee, Machine


@dataclass
class QuoteRow:
    """An RFQ and the quote that answered it."""

    number: str
    customer: Customer
    received_at: date
    responded_at: date | None
    decided_at: date | None
    value: float
    product_line: str
    lead_days: int
    specification: str
    outcome: str
    owner: Employee | None


@dataclass
class OrderRow:
    """An ERP order with its delivery and invoice."""

    number: str
    customer: Customer
    ordered_at: date
    amount: float
    quantity: float
    product_line: str
    kind: str
    status: str
    promised_at: date | None
    delivered_at: date | None
    invoiced_at: date | None = None
    due_at: date | None = None
    paid_at: date | None = None
    quote: QuoteRow | None = None

    @property
    def late_days(self) -> int:
        """Days delivered after the promised date (0 when on time or not delivered)."""
        if self.promised_at is None or self.delivered_at is None:
            return 0
        return max((self.delivered_at - self.promised_at).days, 0)


@dataclass
class TicketRow:
    """A helpdesk ticket; ``problem`` names the planted recurring problem it belongs to."""

    number: str
    customer: Customer
    subject: str
    text: str
    opened_at: datetime
    kind: str
    severity: str
    status: str
    product_line: str | None
    first_response_at: datetime | None
    closed_at: datetime | None
    machine: Machine | None
    contact: Contact | None
    assignee: Employee | None
    problem: str | None = None


@dataclass
class SurveyRow:
    """A survey response."""

    number: str
    customer: Customer
    kind: str
    score: int
    responded_at: datetime
    comment: str | None
    campaign: str
    contact: Contact | None
    followed_up: bool = False


@dataclass
class InteractionRow:
    """A CRM activity: call, visit, meeting, e-mail or note."""

    number: str
    customer: Customer
    occurred_at: datetime
    kind: str
    direction: str | None
    subject: str
    text: str
    employee: Employee | None
    contact: Contact | None


@dataclass
class Telemetry:
    """Readings and alarms as columns (one entry per row)."""

    serial: list[str] = field(default_factory=list)
    ts: list[datetime] = field(default_factory=list)
    metric: list[str | None] = field(default_factory=list)
    value: list[float | None] = field(default_factory=list)
    alarm: list[str | None] = field(default_factory=list)
    level: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.serial)

    def readings(self, serial: str, days: list[date], values: npt.NDArray[np.float64]) -> None:
        """Append one daily reading per day."""
        self.serial += [serial] * len(days)
        self.ts += [datetime(d.year, d.month, d.day) for d in days]
        self.metric += ["OP_HRS_D"] * len(days)
        self.value += [float(v) for v in values]
        self.alarm += [None] * len(days)
        self.level += [None] * len(days)

    def alarm_event(self, serial: str, ts: datetime, code: str, level: str) -> None:
        """Append one alarm."""
        self.serial.append(serial)
        self.ts.append(ts)
        self.metric.append(None)
        self.value.append(None)
        self.alarm.append(code)
        self.level.append(level)


@dataclass
class Activity:
    """Everything that happened with the customers over the period."""

    quotes: list[QuoteRow]
    orders: list[OrderRow]
    tickets: list[TicketRow]
    surveys: list[SurveyRow]
    interactions: list[InteractionRow]
    telemetry: Telemetry
