"""Writing accounts and tickets for the problem-store tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from keepwell.db.engine import session_scope
from keepwell.problems.models import ProblemTicket
from keepwell.record.models import Account, Ticket

START = datetime(2025, 1, 1, 9, 0)


def add_accounts(engine: Engine, count: int, prefix: str = "A") -> list[int]:
    """``count`` accounts named A0, A1, … (or another ``prefix``); their ids."""
    with session_scope(engine) as session:
        accounts = [
            Account(name=f"{prefix}{i}", source="crm", external_id=f"{prefix}{i}", status="active")
            for i in range(count)
        ]
        session.add_all(accounts)
        session.flush()
        return [a.id for a in accounts]


def add_tickets(
    engine: Engine,
    texts: Sequence[str],
    accounts: Sequence[int],
    *,
    prefix: str = "T",
    start: datetime = START,
) -> list[str]:
    """One ticket per text (accounts round robin, a day apart); their external ids."""
    ids = [f"{prefix}{i}" for i in range(len(texts))]
    with session_scope(engine) as session:
        session.add_all(
            Ticket(
                account_id=accounts[i % len(accounts)],
                source="helpdesk",
                external_id=ids[i],
                subject=text.split(".")[0][:200],
                text=text,
                opened_at=start + timedelta(days=i),
            )
            for i, text in enumerate(texts)
        )
    return ids


def problem_of(session: Session, external_id: str) -> int | None:
    """The problem id of a ticket, if any."""
    return session.scalar(
        select(ProblemTicket.problem_id)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(Ticket.external_id == external_id)
    )


def members(session: Session, problem_id: int) -> set[str]:
    """External ids of a problem's tickets."""
    return set(
        session.scalars(
            select(Ticket.external_id)
            .join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
            .where(ProblemTicket.problem_id == problem_id)
        )
    )
