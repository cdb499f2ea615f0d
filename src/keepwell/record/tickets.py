"""One ticket as a person reads it: what, for whom, on which machine, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from keepwell.people.models import Employee
from keepwell.record.models import Account, Asset, Contact, Ticket
from keepwell.record.timeline import TICKET_LABELS


@dataclass(frozen=True)
class TicketView:
    """A ticket with the names of the account, machine, contact and assignee."""

    id: int
    number: str
    kind: str
    subject: str
    text: str
    severity: str
    status: str
    product_line: str | None
    opened_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    account_id: int
    account_name: str
    asset_serial: str | None
    asset_model: str | None
    contact_name: str | None
    assignee_name: str | None


_ASSIGNEE = aliased(Employee)


def ticket_view(session: Session, ticket_id: int) -> TicketView | None:
    """The ticket ``ticket_id``, or None when there is none."""
    row = session.execute(
        select(
            Ticket,
            Account.name,
            Asset.serial,
            Asset.model,
            Contact.name,
            _ASSIGNEE.name,
        )
        .join(Account, Account.id == Ticket.account_id)
        .outerjoin(Asset, Asset.id == Ticket.asset_id)
        .outerjoin(Contact, Contact.id == Ticket.contact_id)
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Ticket.assignee_id)
        .where(Ticket.id == ticket_id)
    ).one_or_none()
    if row is None:
        return None
    ticket, account_name, serial, model, contact, assignee = row
    return TicketView(
        id=ticket.id,
        number=ticket.external_id,
        kind=TICKET_LABELS.get(ticket.kind, ticket.kind.capitalize()),
        subject=ticket.subject,
        text=ticket.text,
        severity=ticket.severity,
        status="closed" if ticket.closed_at is not None else ticket.status,
        product_line=ticket.product_line,
        opened_at=ticket.opened_at,
        first_response_at=ticket.first_response_at,
        closed_at=ticket.closed_at,
        account_id=ticket.account_id,
        account_name=account_name,
        asset_serial=serial,
        asset_model=model,
        contact_name=contact,
        assignee_name=assignee,
    )
