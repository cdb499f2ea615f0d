"""The ticket list: every ticket filtered by number or words, status, kind and severity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from keepwell.people.models import Employee
from keepwell.record.models import Account, Ticket
from keepwell.record.service import OPEN_TICKET_STATUSES

TICKET_ORDERS = {
    "newest": "Opened, newest first",
    "oldest": "Opened, oldest first",
    "severity": "Severity, critical first",
    "account": "Account, A–Z",
}
"""How the ticket list may be ordered."""
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets to list; empty means any (``status="open"``: open or pending)."""

    search: str = ""
    status: str = ""
    kind: str = ""
    severity: str = ""

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions of the filter."""
        found: list[ColumnElement[bool]] = []
        if self.status == "open":
            found.append(Ticket.status.in_(OPEN_TICKET_STATUSES))
        elif self.status:
            found.append(Ticket.status == self.status)
        if self.kind:
            found.append(Ticket.kind == self.kind)
        if self.severity:
            found.append(Ticket.severity == self.severity)
        for word in self.search.lower().split():
            like = f"%{word.replace('%', '').replace('_', '')}%"
            found.append(
                or_(
                    func.lower(Ticket.external_id).like(like),
                    func.lower(Ticket.subject).like(like),
                    func.lower(Account.name).like(like),
                )
            )
        return found


@dataclass(frozen=True)
class TicketRow:
    """One ticket in the list."""

    id: int
    number: str
    subject: str
    kind: str
    severity: str
    status: str
    opened_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    account_id: int
    account: str
    assignee: str | None


def _base(where: TicketFilter) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Ticket.id,
            Ticket.external_id.label("number"),
            Ticket.subject,
            Ticket.kind,
            Ticket.severity,
            Ticket.status,
            Ticket.opened_at,
            Ticket.first_response_at,
            Ticket.closed_at,
            Ticket.account_id,
            Account.name.label("account"),
            Employee.name.label("assignee"),
        )
        .join(Account, Account.id == Ticket.account_id)
        .outerjoin(Employee, Employee.id == Ticket.assignee_id)
        .where(*where.conditions())
    )


def list_tickets(
    session: Session, where: TicketFilter, *, order: str = "newest", offset: int = 0, limit: int
) -> list[TicketRow]:
    """One page of the tickets matching ``where`` in ``order``."""
    rank = case(SEVERITY_RANK, value=Ticket.severity, else_=len(SEVERITY_RANK))
    orders = {
        "newest": (Ticket.opened_at.desc(), Ticket.id.desc()),
        "oldest": (Ticket.opened_at, Ticket.id),
        "severity": (rank, Ticket.opened_at.desc(), Ticket.id.desc()),
        "account": (func.lower(Account.name), Ticket.opened_at.desc(), Ticket.id.desc()),
    }
    query = _base(where).order_by(*orders.get(order, orders["newest"]))
    rows = session.execute(query.offset(offset).limit(limit)).mappings()
    return [TicketRow(**row) for row in rows]


def count_tickets(session: Session, where: TicketFilter) -> int:
    """How many tickets match ``where``."""
    query = (
        select(func.count(Ticket.id))
        .join(Account, Account.id == Ticket.account_id)
        .where(*where.conditions())
    )
    return session.scalar(query) or 0
