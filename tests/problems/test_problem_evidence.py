"""Only real problems create work: confirmed by a person, or evidence past the bar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.tasks.world import account, small_world

from keepwell.db import session_scope
from keepwell.playbooks.core import Context
from keepwell.playbooks.plugins import registry
from keepwell.problems.evidence import MIN_CONFIDENCE, actionable_problems, problem_evidence_bar
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket

TODAY = date(2026, 6, 30)
SEEN = count(1)


def _ticket(session: Session, account: int, days: int, severity: str) -> Ticket:
    opened = datetime.combine(TODAY - timedelta(days=days), time(9))
    row = Ticket(
        source="test",
        external_id=f"e{next(SEEN)}",
        account_id=account,
        kind="support",
        subject="Seal",
        severity=severity,
        opened_at=opened,
    )
    session.add(row)
    session.flush()
    return row


def _problem(
    session: Session,
    label: str,
    status: str,
    tickets: list[Ticket],
    similarity: float,
) -> ProblemRecord:
    problem = ProblemRecord(label=label, status=status)
    session.add(problem)
    session.flush()
    for ticket in tickets:
        session.add(
            ProblemTicket(ticket_id=ticket.id, problem_id=problem.id, similarity=similarity)
        )
    session.flush()
    return problem


def _repeat_hits(session: Session) -> list[Any]:
    signal = registry().signals["repeat_problem"]
    params = signal.params.model_validate({"min_tickets": 3, "window_days": 120})
    return signal.find(Context(session, TODAY), params)


def test_only_confirmed_or_well_evidenced_problems_create_work(engine: Engine) -> None:
    with session_scope(engine) as s:
        world = small_world(s)
        acme, beta = world.accounts["acme"], world.accounts["beta"]
        third = account(s, "third")
        accounts = [acme, beta, third.id]

        # Seen at three customers over four months, serious, tickets alike: passes the bar.
        strong = [_ticket(s, accounts[i % 3], 10 + 30 * (i % 4), "high") for i in range(9)]
        strong += [_ticket(s, acme, d, "high") for d in (5, 6, 7)]
        evidenced = _problem(s, "Mechanical seal, leaking – KP-240", "candidate", strong, 0.8)
        # Same tickets pattern but loose (low confidence): waits for a person.
        loose_tickets = [_ticket(s, accounts[i % 3], 10 + 30 * (i % 4), "high") for i in range(9)]
        loose_tickets += [_ticket(s, beta, d, "high") for d in (5, 6, 7)]
        loose = _problem(s, "Machine, unit", "candidate", loose_tickets, MIN_CONFIDENCE - 0.2)
        # One account only, recent: waits for a person.
        narrow_tickets = [_ticket(s, third.id, d, "critical") for d in (3, 4, 5)]
        narrow = _problem(s, "Level switch", "candidate", narrow_tickets, 0.9)
        # Same narrow evidence, but a person confirmed it.
        confirmed_tickets = [_ticket(s, beta, d, "low") for d in (8, 9, 11)]
        confirmed = _problem(s, "Cooling fan", "confirmed", confirmed_tickets, 0.3)

        evidence = {e.problem_id: e for e in problem_evidence_bar(s)}
        assert evidence[evidenced.id].accounts == 3
        assert evidence[evidenced.id].months >= 3
        assert evidence[evidenced.id].passes_bar
        assert not evidence[loose.id].passes_bar
        assert not evidence[narrow.id].passes_bar
        assert evidence[confirmed.id].confirmed
        assert set(actionable_problems(s)) == {evidenced.id, confirmed.id}

        found = {(h.account_id, h.reason_key) for h in _repeat_hits(s)}
        assert (acme, f"problem:{evidenced.id}") in found
        assert (beta, f"problem:{confirmed.id}") in found
        assert not any(key in {f"problem:{loose.id}", f"problem:{narrow.id}"} for _, key in found)
        summaries = [
            h.summary for h in _repeat_hits(s) if h.reason_key == f"problem:{evidenced.id}"
        ]
        assert "not yet confirmed" in summaries[0] and "confidence 80%" in summaries[0]
