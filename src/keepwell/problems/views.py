"""Reading problems for the command line, the API and the pages (one query, many renderings)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from statistics import median
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.knowledge.suggest import problem_know_how
from keepwell.people.models import Employee
from keepwell.problems.corpus import ticket_text
from keepwell.problems.evidence import problem_evidence_bar
from keepwell.problems.impact import Impact, problem_impacts
from keepwell.problems.language import detect_language, majority_language
from keepwell.problems.models import LIVE_STATUSES, ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.problems.service import DATE_FIELDS, TEXT_FIELDS, get_problem
from keepwell.problems.store import RunResult
from keepwell.record.models import Account, Ticket


def impact_dict(impact: Impact, *, money: bool) -> dict[str, Any]:
    """An impact as JSON-ready data; revenue only when ``money`` is allowed."""
    data: dict[str, Any] = {
        "tickets": impact.tickets,
        "accounts": impact.accounts,
        "assets": impact.assets,
        "products": impact.products,
        "lost_accounts": impact.lost_accounts,
        "at_risk_accounts": impact.at_risk_accounts,
        "first_seen": impact.first_seen.isoformat() if impact.first_seen else None,
        "last_seen": impact.last_seen.isoformat() if impact.last_seen else None,
        "monthly": [{"month": m, "tickets": n} for m, n in impact.monthly],
        "recurred_after_fix": impact.recurred_after_fix,
        "recurred": impact.recurred,
    }
    if money:
        data["revenue_12m"] = round(impact.revenue_12m, 2)
    return data


def _summary(problem: ProblemRecord, impact: Impact, money: bool) -> dict[str, Any]:
    return {
        "id": problem.id,
        "label": problem.label,
        "status": problem.status,
        "terms": problem.terms,
        "owner_id": problem.owner_id,
        "corrected_on": problem.corrected_on.isoformat() if problem.corrected_on else None,
        "impact": impact_dict(impact, money=money),
    }


def list_problems(
    session: Session,
    *,
    statuses: tuple[str, ...] = LIVE_STATUSES,
    as_of: date | None = None,
    money: bool = False,
) -> list[dict[str, Any]]:
    """Problems with their impact, most accounts and tickets first."""
    problems = list(
        session.scalars(select(ProblemRecord).where(ProblemRecord.status.in_(statuses)))
    )
    impacts = problem_impacts(session, [p.id for p in problems], as_of=as_of)
    problems.sort(key=lambda p: (-impacts[p.id].accounts, -impacts[p.id].tickets, p.id))
    evidence = {e.problem_id: e for e in problem_evidence_bar(session, [p.id for p in problems])}
    summaries = []
    for problem in problems:
        summary = _summary(problem, impacts[problem.id], money)
        found = evidence.get(problem.id)
        summary["confidence"] = found.confidence if found else None
        summary["creates_work"] = bool(found and found.actionable)
        summary["work_reason"] = found.reason() if found else "no open tickets"
        summaries.append(summary)
    return summaries


def _tickets(session: Session, problem_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            Ticket.id,
            Ticket.external_id,
            Ticket.kind,
            Ticket.subject,
            Ticket.opened_at,
            Ticket.account_id,
            Account.name.label("account"),
            ProblemTicket.origin,
            ProblemTicket.similarity,
        )
        .join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
        .join(Account, Account.id == Ticket.account_id)
        .where(ProblemTicket.problem_id == problem_id)
        .order_by(Ticket.opened_at.desc(), Ticket.id)
    )
    return [
        {**row._asdict(), "opened_at": row.opened_at.isoformat()}
        for row in session.execute(query).all()
    ]


def _accounts(session: Session, tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[int, int] = defaultdict(int)
    for ticket in tickets:
        counts[ticket["account_id"]] += 1
    rows = session.execute(
        select(Account.id, Account.name, Account.status).where(Account.id.in_(sorted(counts)))
    ).all()
    accounts = [{**row._asdict(), "tickets": counts[row.id]} for row in rows]
    return sorted(accounts, key=lambda a: (-a["tickets"], a["name"]))


def _events(session: Session, problem_id: int) -> list[dict[str, Any]]:
    query = (
        select(ProblemEvent)
        .where(ProblemEvent.problem_id == problem_id)
        .order_by(ProblemEvent.at, ProblemEvent.id)
    )
    return [
        {"kind": e.kind, "actor": e.actor, "at": e.at.isoformat(), "details": e.details}
        for e in session.scalars(query)
    ]


def problem_detail(
    session: Session, problem_id: int, *, as_of: date | None = None, money: bool = False
) -> dict[str, Any]:
    """A problem's 8D record, impact, tickets, accounts, history and know-how."""
    problem = get_problem(session, problem_id)
    impact = problem_impacts(session, [problem.id], as_of=as_of).get(problem.id)
    data = _summary(problem, impact or Impact(problem_id=problem.id), money)
    owner = session.get(Employee, problem.owner_id) if problem.owner_id else None
    tickets = _tickets(session, problem.id)
    data.update(
        {name: getattr(problem, name) for name in TEXT_FIELDS},
        **{name: _iso(getattr(problem, name)) for name in DATE_FIELDS},
        owner=owner.name if owner else None,
        merged_into_id=problem.merged_into_id,
        confirmed_at=_iso(problem.confirmed_at),
        detected_at=_iso(problem.detected_at),
        tickets=tickets,
        accounts=_accounts(session, tickets),
        events=_events(session, problem.id),
        know_how=know_how(session, problem),
    )
    return data


def know_how(session: Session, problem: ProblemRecord) -> dict[str, Any]:
    """Articles linked to the problem (its lesson learned), then related to its label,
    terms and description."""
    words = [problem.label, *(str(t) for t in problem.terms or []), problem.description or ""]
    found = problem_know_how(session, problem.id, words)
    return {
        "linked": [{"id": a.id, "title": a.title, "status": a.status} for a in found.linked],
        "related": [
            {"id": h.article_id, "title": h.title, "snippet": h.snippet} for h in found.related
        ],
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


EXAMPLES = 3
"""Example tickets shown with each problem."""
EXAMPLE_CHARS = 240


def problem_evidence(session: Session, problem_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per problem: its ``confidence`` and ``examples``.

    ``confidence`` is the median similarity of its tickets to the problem (0-1,
    ``None`` when no similarity is stored: tickets placed by a person only);
    ``examples`` are the three tickets most like the problem, in the language
    most of its tickets are written in.
    """
    rows = session.execute(
        select(
            ProblemTicket.problem_id,
            ProblemTicket.similarity,
            Ticket.external_id,
            Ticket.subject,
            Ticket.text,
        )
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(ProblemTicket.problem_id.in_(problem_ids))
    ).all()
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.problem_id].append(row)
    evidence: dict[int, dict[str, Any]] = {}
    for pid in problem_ids:
        members = grouped.get(pid, [])
        scores = sorted(float(r.similarity) for r in members if r.similarity is not None)
        confidence = round(float(median(scores)), 2) if scores else None
        languages = {
            r.external_id: detect_language(ticket_text(r.subject, r.text)) for r in members
        }
        main = majority_language(languages.values())
        ranked = sorted(
            members,
            key=lambda r: (languages[r.external_id] != main, -(r.similarity or 0.0), r.external_id),
        )
        evidence[pid] = {
            "confidence": confidence,
            "examples": [
                {
                    "ticket": r.external_id,
                    "subject": r.subject or "",
                    "text": " ".join((r.text or "").split())[:EXAMPLE_CHARS],
                }
                for r in ranked[:EXAMPLES]
            ],
        }
    return evidence


def detection_document(session: Session, run: RunResult) -> dict[str, Any]:
    """The ``problems detect --json`` document: problems with member tickets, unassigned."""
    query = (
        select(ProblemRecord.id, ProblemRecord.label, ProblemRecord.status, Ticket.external_id)
        .join(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(ProblemRecord.status.in_(LIVE_STATUSES))
        .order_by(ProblemRecord.id, Ticket.id)
    )
    problems: dict[int, dict[str, Any]] = {}
    for pid, label, status, external_id in session.execute(query).all():
        entry = problems.setdefault(
            pid, {"id": pid, "label": label, "status": status, "size": 0, "tickets": []}
        )
        entry["tickets"].append(external_id)
        entry["size"] += 1
    ordered = sorted(problems.values(), key=lambda p: (-p["size"], p["id"]))
    evidence = problem_evidence(session, [p["id"] for p in ordered])
    for entry in ordered:
        entry.update(evidence[entry["id"]])
    return {
        "representation": run.representation,
        "created": run.created,
        "kept": run.kept,
        "removed": run.removed,
        "assigned": run.assigned,
        "problems": ordered,
        "unassigned": run.unassigned,
    }


def account_problems(session: Session, account_id: int) -> list[dict[str, Any]]:
    """The live problems this account's tickets belong to, with its ticket count and last one."""
    return [row._asdict() for row in read(session, _account_problems(), account=account_id)]


@prepared
def _account_problems() -> Select[*tuple[Any, ...]]:
    return (
        select(
            ProblemRecord.id,
            ProblemRecord.label,
            ProblemRecord.status,
            ProblemRecord.corrected_on,
            func.count().label("tickets"),
            func.max(Ticket.opened_at).label("last_opened"),
        )
        .join(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(Ticket.account_id == bindparam("account"), ProblemRecord.status.in_(LIVE_STATUSES))
        .group_by(ProblemRecord.id, ProblemRecord.label, ProblemRecord.status)
        .group_by(ProblemRecord.corrected_on)
        .order_by(func.count().desc(), ProblemRecord.id)
    )


def unassigned_tickets(session: Session) -> int:
    """How many tickets belong to no problem (candidates for new problems)."""
    linked = select(ProblemTicket.ticket_id)
    return int(session.scalar(select(func.count(Ticket.id)).where(Ticket.id.not_in(linked))) or 0)


def owned_problems(session: Session, employee_id: int) -> list[dict[str, Any]]:
    """The live problems this employee owns, with their status and ticket count."""
    query = (
        select(
            ProblemRecord.id,
            ProblemRecord.label,
            ProblemRecord.status,
            func.count(ProblemTicket.ticket_id).label("tickets"),
        )
        .outerjoin(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .where(ProblemRecord.owner_id == employee_id, ProblemRecord.status.in_(LIVE_STATUSES))
        .group_by(ProblemRecord.id, ProblemRecord.label, ProblemRecord.status)
        .order_by(ProblemRecord.id)
    )
    return [row._asdict() for row in session.execute(query).all()]


def problem_of_ticket(session: Session, ticket_id: int) -> tuple[int, str, str] | None:
    """The live recurring problem a ticket belongs to: ``(id, title, status)``, or None."""
    row = session.execute(
        select(ProblemRecord.id, ProblemRecord.label, ProblemRecord.status)
        .join(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .where(ProblemTicket.ticket_id == ticket_id, ProblemRecord.status.in_(LIVE_STATUSES))
    ).one_or_none()
    return None if row is None else (row.id, row.label, row.status)
