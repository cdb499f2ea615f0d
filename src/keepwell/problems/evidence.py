"""When a recurring problem is real enough to create work.

A detected problem creates tasks (the "repeat problems" playbook) only when a
person has confirmed it, or when its own evidence passes this bar:

* it hit at least :data:`MIN_ACCOUNTS` different customer accounts,
* its tickets came in at least :data:`MIN_MONTHS` different months (it recurs),
* at least :data:`MIN_SERIOUS_SHARE` of its tickets are of high or critical severity,
* and its tickets resemble each other closely: confidence (their median
  similarity to the problem) of at least :data:`MIN_CONFIDENCE`.

Dismissed, merged and closed problems never create work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket

__all__ = [
    "MIN_ACCOUNTS",
    "MIN_CONFIDENCE",
    "MIN_MONTHS",
    "MIN_SERIOUS_SHARE",
    "Evidence",
    "actionable_problems",
    "problem_evidence_bar",
]

MIN_ACCOUNTS = 3
MIN_MONTHS = 3
MIN_SERIOUS_SHARE = 0.25
MIN_CONFIDENCE = 0.6
SERIOUS = ("high", "critical")
CONFIRMED_STATUSES = ("confirmed", "contained", "corrected")
"""Statuses in which a person has taken the problem on and it is still open."""


@dataclass(frozen=True)
class Evidence:
    """What speaks for a problem being real, and whether it may create work."""

    problem_id: int
    status: str
    accounts: int
    months: int
    serious_share: float
    confidence: float | None

    @property
    def confirmed(self) -> bool:
        """A person confirmed the problem (and it is not closed)."""
        return self.status in CONFIRMED_STATUSES

    @property
    def passes_bar(self) -> bool:
        """The evidence alone passes the documented bar (see the module docstring)."""
        return (
            self.status == "candidate"
            and self.accounts >= MIN_ACCOUNTS
            and self.months >= MIN_MONTHS
            and self.serious_share >= MIN_SERIOUS_SHARE
            and self.confidence is not None
            and self.confidence >= MIN_CONFIDENCE
        )

    @property
    def actionable(self) -> bool:
        """Confirmed by a person, or a candidate whose evidence passes the bar."""
        return self.confirmed or self.passes_bar

    def reason(self) -> str:
        """Why the problem may (or may not yet) create work, in a plain sentence."""
        share = f"{self.confidence:.0%}" if self.confidence is not None else "unknown"
        if self.confirmed:
            return "confirmed by a person"
        if self.passes_bar:
            return (
                f"not yet confirmed, but seen at {self.accounts} customers over "
                f"{self.months} months, confidence {share}"
            )
        return f"waiting for a person to confirm it (confidence {share})"


def problem_evidence_bar(session: Session, problem_ids: list[int] | None = None) -> list[Evidence]:
    """The evidence of each live problem (or of ``problem_ids``), in id order."""
    query = (
        select(
            ProblemRecord.id,
            ProblemRecord.status,
            Ticket.account_id,
            Ticket.opened_at,
            Ticket.severity,
            ProblemTicket.similarity,
        )
        .join(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(ProblemRecord.status.not_in(("dismissed", "merged", "closed")))
        .order_by(ProblemRecord.id)
    )
    if problem_ids is not None:
        query = query.where(ProblemRecord.id.in_(problem_ids))
    rows: dict[int, list[tuple[str, int | None, datetime | None, str, float | None]]] = {}
    for pid, status, account, opened, severity, similarity in session.execute(query).all():
        rows.setdefault(pid, []).append((status, account, opened, severity, similarity))
    result = []
    for pid, members in rows.items():
        similarities = [float(m[4]) for m in members if m[4] is not None]
        months = {(m[2].year, m[2].month) for m in members if m[2] is not None}
        result.append(
            Evidence(
                problem_id=pid,
                status=members[0][0],
                accounts=len({m[1] for m in members if m[1] is not None}),
                months=len(months),
                serious_share=sum(m[3] in SERIOUS for m in members) / len(members),
                confidence=round(float(median(similarities)), 2) if similarities else None,
            )
        )
    return result


def actionable_problems(session: Session) -> dict[int, Evidence]:
    """Live problems that may create work: confirmed ones and those passing the bar."""
    return {e.problem_id: e for e in problem_evidence_bar(session) if e.actionable}
