"""Weekly review section: recurring problems that are new, growing or back after their fix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.days import end_of_day
from keepwell.problems.impact import Impact, problem_impacts
from keepwell.problems.models import LIVE_STATUSES, ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket
from keepwell.report.weekly import WEEK, report_sections

WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ProblemLine:
    """One problem in the section, with its reach (revenue only when money is shown)."""

    id: int
    label: str
    status: str
    tickets: int
    accounts: int
    revenue_12m: float | None
    last_30d: int
    previous_30d: int
    first_seen: date | None
    corrected_on: date | None
    after_fix: int


def _recent_counts(
    session: Session, ids: list[int], today: date
) -> tuple[Counter[int], Counter[int]]:
    """Tickets per problem in the last 30 days and in the 30 days before."""
    rows = session.execute(
        select(ProblemTicket.problem_id, Ticket.opened_at)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(
            ProblemTicket.problem_id.in_(ids),
            Ticket.opened_at >= end_of_day(today - 2 * WINDOW),
            Ticket.opened_at < end_of_day(today),
        )
    ).all()
    split = end_of_day(today - WINDOW)
    last = Counter(pid for pid, opened in rows if opened >= split)
    previous = Counter(pid for pid, opened in rows if opened < split)
    return last, previous


def problem_lines(session: Session, today: date, money: bool) -> dict[str, list[ProblemLine]]:
    """Live problems first seen this week; others with more tickets in the last 30 days than
    in the 30 before; those with tickets after their fix day. Widest-reaching first."""
    problems = {
        p.id: p
        for p in session.scalars(
            select(ProblemRecord).where(ProblemRecord.status.in_(LIVE_STATUSES))
        )
    }
    if not problems:
        return {"new": [], "worsening": [], "recurred": []}
    ids = sorted(problems)
    impacts = problem_impacts(session, ids, as_of=today)
    last, previous = _recent_counts(session, ids, today)

    def line(pid: int) -> ProblemLine:
        problem, impact = problems[pid], impacts.get(pid, Impact(problem_id=pid))
        return ProblemLine(
            id=pid,
            label=problem.label,
            status=problem.status,
            tickets=impact.tickets,
            accounts=impact.accounts,
            revenue_12m=impact.revenue_12m if money else None,
            last_30d=last[pid],
            previous_30d=previous[pid],
            first_seen=impact.first_seen,
            corrected_on=problem.corrected_on,
            after_fix=impact.recurred_after_fix,
        )

    week_start = today - WEEK + timedelta(days=1)
    lines = [line(pid) for pid in ids if impacts.get(pid, Impact(problem_id=pid)).tickets]
    lines.sort(key=lambda x: (-x.accounts, -x.tickets, x.id))
    new = [x for x in lines if x.first_seen is not None and x.first_seen >= week_start]
    return {
        "new": new,
        "worsening": [x for x in lines if x.last_30d > x.previous_30d and x not in new],
        "recurred": [x for x in lines if x.after_fix > 0],
    }


@report_sections.register(
    "problems", "New and worsening recurring problems", "problems.html", order=30
)
def problems_section(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    """The section's data; left out when no problem is new, growing or back."""
    found = problem_lines(session, today, money)
    if not any(found.values()):
        return None
    return {**found, "money": money}
