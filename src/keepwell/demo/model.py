"""The demo company's people, customers and machines as plain objects (before any export)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from keepwell.demo.catalog import Model
from keepwell.demo.dice import Period, plus
from keepwell.demo.names import Country


@dataclass
class Employee:
    """A person at the demo company."""

    number: str
    name: str
    email: str
    dept: str
    title: str
    role: str | None
    hired_at: date
    left_at: date | None = None

    def employed(self, day: date) -> bool:
        """Whether the employee works at the company on ``day``."""
        return self.hired_at <= day and (self.left_at is None or day < self.left_at)


@dataclass
class Contact:
    """A person at a customer."""

    crm_id: str
    name: str
    email: str
    phone: str
    title: str
    role: str
    is_key: bool
    joined_at: date | None = None
    left_at: date | None = None

    def present(self, day: date) -> bool:
        """Whether the contact works at the customer on ``day``."""
        joined = self.joined_at is None or self.joined_at <= day
        return joined and (self.left_at is None or day < self.left_at)


@dataclass
class Machine:
    """An installed machine; ``ordered_at`` is set for machines bought during the period."""

    device_id: str
    serial: str
    model: Model
    installed_at: date
    connected: bool
    hours_per_day: float
    ordered_at: date | None = None
    decommissioned_at: date | None = None

    @property
    def warranty_end(self) -> date:
        """Two years after installation."""
        return plus(self.installed_at, 730)

    def running(self, day: date) -> bool:
        """Whether the machine is installed and not decommissioned on ``day``."""
        gone = self.decommissioned_at is not None and day >= self.decommissioned_at
        return self.installed_at <= day and not gone


@dataclass
class Assignment:
    """An employee's retention role on a customer, for a time."""

    employee: Employee
    role: str
    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the assignment is in force on ``day``."""
        return self.since <= day and (self.until is None or day < self.until)


@dataclass
class Story:
    """What happens to a customer: why and when it leaves, and when the signs start."""

    causes: tuple[str, ...] = ()
    churn_on: date | None = None
    signals_from: date | None = None
    at_risk: bool = False
    marked_lost: bool = False
    lost_reason: str | None = None
    problem: str | None = None
    detractor_on: date | None = None
    competitor: str | None = None
    owner: Employee | None = None
    """The account owner a single-threaded relationship hangs on."""

    @property
    def churned(self) -> bool:
        """Whether the customer leaves within the period."""
        return self.churn_on is not None and not self.at_risk

    def has(self, cause: str) -> bool:
        """Whether ``cause`` is part of this story."""
        return cause in self.causes


@dataclass
class Customer:
    """A customer company, its people, its machines, its account team and its story."""

    index: int
    crm_id: str
    erp_no: str
    name: str
    domain: str
    country: Country
    industry: str
    segment: str
    tier: str
    started_on: date
    contract_type: str
    payment_days: int
    late_payer: bool
    fleet_size: int
    contract_value: float | None
    contacts: list[Contact] = field(default_factory=list)
    machines: list[Machine] = field(default_factory=list)
    team: list[Assignment] = field(default_factory=list)
    single_threaded: bool = False
    story: Story = field(default_factory=Story)

    @property
    def german(self) -> bool:
        """Whether the customer writes in German."""
        return self.country.lang == "de"

    def active_until(self, period: Period) -> date:
        """The last day with activity: the day before churn, or ``as_of``."""
        churn = self.story.churn_on
        if churn is not None and churn <= period.as_of:
            return churn
        return period.as_of

    def engagement(self, day: date) -> float:
        """How much the customer still does with the company on ``day`` (1 = fully)."""
        story = self.story
        if story.churn_on is not None and day >= story.churn_on:
            return 0.0
        if story.signals_from is None or story.churn_on is None or day < story.signals_from:
            return 1.0
        span = max((story.churn_on - story.signals_from).days, 1)
        return max(0.1, 1.0 - 0.9 * math.sqrt((day - story.signals_from).days / span))

    def member(self, role: str, day: date) -> Employee | None:
        """Who holds ``role`` on this account on ``day``."""
        for assignment in self.team:
            if assignment.role == role and assignment.covers(day):
                return assignment.employee
        return None

    def present_contacts(self, day: date) -> list[Contact]:
        """Contacts still at the customer on ``day`` (key contacts first)."""
        present = [c for c in self.contacts if c.present(day)]
        return sorted(present, key=lambda c: not c.is_key)


@dataclass
class World:
    """The whole demo company at ``period.as_of``."""

    seed: int
    period: Period
    employees: list[Employee]
    customers: list[Customer]
