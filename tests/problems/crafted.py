"""A hand-made problem with tickets, without running detection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine

from keepwell.db.engine import session_scope
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket


def add_problem(
    engine: Engine,
    label: str,
    tickets: Sequence[tuple[int, datetime]],
    *,
    status: str = "confirmed",
    prefix: str = "P",
    **fields: object,
) -> int:
    """A problem holding one new ticket per ``(account_id, opened_at)``; its id."""
    with session_scope(engine) as session:
        problem = ProblemRecord(label=label, terms=[], status=status, **fields)
        session.add(problem)
        session.flush()
        for i, (account_id, opened_at) in enumerate(tickets):
            ticket = Ticket(
                account_id=account_id,
                source="helpdesk",
                external_id=f"{prefix}{problem.id}-{i}",
                subject=f"{label} again",
                text=f"{label}: it happened again",
                opened_at=opened_at,
            )
            session.add(ticket)
            session.flush()
            session.add(ProblemTicket(ticket_id=ticket.id, problem_id=problem.id))
        return problem.id
