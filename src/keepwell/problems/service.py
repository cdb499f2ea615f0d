"""What a person does with a problem: confirm, rename, merge, split, dismiss, fill its 8D record.

Every action records a :class:`ProblemEvent` and an audit entry in the caller's
transaction. Confirming, merging and splitting make a problem owned, so later
detection runs keep its id and its tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from keepwell.audit.service import record as audit
from keepwell.errors import Invalid, NotFound
from keepwell.knowledge.lesson import draft_lesson_learned
from keepwell.people.models import Employee
from keepwell.problems.models import ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket
from keepwell.teams.comments import register_subject

TEXT_FIELDS = (
    "description",
    "containment",
    "root_cause",
    "corrective_action",
    "preventive_action",
    "verification",
)
"""The free-text fields of the 8D record."""
DATE_FIELDS = ("contained_on", "corrected_on", "closed_on")
SETTABLE_STATUSES = ("confirmed", "contained", "corrected", "closed", "dismissed")
MAX_LABEL = 255


def _describe(session: Session, problem_id: int) -> tuple[str, str]:
    """A problem as a comment subject: its title and its page."""
    label = session.scalar(select(ProblemRecord.label).where(ProblemRecord.id == problem_id))
    return (f"the problem “{label}”" if label else "a problem"), f"/problems/{problem_id}"


register_subject("problem", ProblemRecord, _describe)


class ProblemError(Invalid):
    """A problem action that cannot be done as asked (message says why)."""


class ProblemNotFound(NotFound):
    """No problem with this id."""


def get_problem(session: Session, problem_id: int) -> ProblemRecord:
    """The problem with this id; raises :class:`ProblemNotFound`."""
    problem = session.get(ProblemRecord, problem_id)
    if problem is None:
        raise ProblemNotFound(f"no problem with id {problem_id}")
    return problem


def _event(session: Session, problem: ProblemRecord, kind: str, actor: str, **details: Any) -> None:
    session.add(ProblemEvent(problem_id=problem.id, kind=kind, actor=actor, details=details))
    audit(
        session,
        actor=actor,
        action=f"problem.{kind}",
        entity="problems",
        entity_id=problem.id,
        changes=details or None,
    )


def _own(problem: ProblemRecord) -> None:
    if problem.status == "candidate":
        problem.status = "confirmed"
        problem.confirmed_at = datetime.now()


def _live(session: Session, problem_id: int) -> ProblemRecord:
    problem = get_problem(session, problem_id)
    if problem.status == "merged":
        raise ProblemError(f"problem {problem_id} was merged into {problem.merged_into_id}")
    return problem


def confirm(session: Session, problem_id: int, *, actor: str) -> ProblemRecord:
    """Confirm a detected problem: it keeps its id and tickets across detection runs."""
    problem = _live(session, problem_id)
    if problem.status not in ("candidate", "dismissed"):
        raise ProblemError(f"problem {problem_id} is already {problem.status}")
    problem.status = "confirmed"
    problem.confirmed_at = datetime.now()
    _event(session, problem, "confirmed", actor)
    return problem


def rename(session: Session, problem_id: int, label: str, *, actor: str) -> ProblemRecord:
    """Give the problem a label of a person's choosing (detection no longer relabels it)."""
    label = label.strip()
    if not label or len(label) > MAX_LABEL:
        raise ProblemError(f"a label needs 1 to {MAX_LABEL} characters")
    problem = _live(session, problem_id)
    old = problem.label
    problem.label, problem.label_locked = label, True
    _own(problem)
    _event(session, problem, "renamed", actor, old=old, new=label)
    return problem


def dismiss(session: Session, problem_id: int, *, actor: str) -> ProblemRecord:
    """Dismiss a problem: its tickets stay with it, so it does not come back as a candidate."""
    problem = _live(session, problem_id)
    problem.status = "dismissed"
    _event(session, problem, "dismissed", actor)
    return problem


def merge(
    session: Session, target_id: int, source_ids: Sequence[int], *, actor: str
) -> ProblemRecord:
    """Move every ticket of ``source_ids`` into ``target_id``; the sources become merged."""
    sources = sorted(set(source_ids) - {target_id})
    if not sources:
        raise ProblemError("merge needs at least one other problem than the target")
    target = _live(session, target_id)
    for source_id in sources:
        source = _live(session, source_id)
        source.status, source.merged_into_id = "merged", target.id
        _event(session, source, "merged", actor, into=target.id)
    session.execute(
        update(ProblemTicket)
        .where(ProblemTicket.problem_id.in_(sources))
        .values(problem_id=target.id, origin="person")
    )
    _own(target)
    _event(session, target, "merged", actor, sources=sources)
    return target


def _ticket_ids(session: Session, problem_id: int, tickets: Sequence[str | int]) -> list[int]:
    """Internal ids of ``tickets`` of the problem, named by external id (or else internal id)."""
    rows = session.execute(
        select(Ticket.id, Ticket.external_id)
        .join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
        .where(ProblemTicket.problem_id == problem_id)
    ).all()
    by_external = {r.external_id: r.id for r in rows}
    internal = {str(r.id): r.id for r in rows}
    found, missing = [], []
    for name in (str(t) for t in tickets):
        ticket = by_external.get(name, internal.get(name))
        if ticket is None:
            missing.append(name)
        else:
            found.append(ticket)
    if missing:
        raise ProblemError(f"not tickets of problem {problem_id}: {', '.join(missing[:10])}")
    return sorted(set(found))


def split(
    session: Session,
    problem_id: int,
    tickets: Sequence[str | int],
    *,
    label: str,
    actor: str,
) -> ProblemRecord:
    """Move ``tickets`` (external or internal ids) of a problem into a new confirmed problem."""
    problem = _live(session, problem_id)
    moved = _ticket_ids(session, problem_id, tickets)
    if not moved:
        raise ProblemError("split needs at least one ticket of the problem")
    remaining = session.scalar(
        select(ProblemTicket.ticket_id)
        .where(ProblemTicket.problem_id == problem_id, ProblemTicket.ticket_id.not_in(moved))
        .limit(1)
    )
    if remaining is None:
        raise ProblemError("split must leave at least one ticket in the original problem")
    if not label.strip() or len(label.strip()) > MAX_LABEL:
        raise ProblemError(f"a label needs 1 to {MAX_LABEL} characters")
    new = ProblemRecord(
        label=label.strip(),
        label_locked=True,
        terms=[],
        status="confirmed",
        confirmed_at=datetime.now(),
    )
    session.add(new)
    session.flush()
    session.execute(
        update(ProblemTicket)
        .where(ProblemTicket.ticket_id.in_(moved))
        .values(problem_id=new.id, origin="person")
    )
    _own(problem)
    _event(session, problem, "split", actor, into=new.id, tickets=len(moved))
    _event(session, new, "split", actor, source=problem.id, tickets=len(moved))
    return new


def _check_update(session: Session, changes: dict[str, Any]) -> None:
    allowed = {*TEXT_FIELDS, *DATE_FIELDS, "owner_id", "status"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ProblemError(f"unknown problem field(s): {', '.join(unknown)}")
    status = changes.get("status")
    if "status" in changes and status not in SETTABLE_STATUSES:
        raise ProblemError(f"status must be one of {', '.join(SETTABLE_STATUSES)}")
    for name in DATE_FIELDS:
        if changes.get(name) is not None and not isinstance(changes[name], date):
            raise ProblemError(f"{name} must be a date")
    owner = changes.get("owner_id")
    if owner is not None and session.get(Employee, owner) is None:
        raise ProblemError(f"no employee with id {owner}")


def update_problem(
    session: Session, problem_id: int, changes: dict[str, Any], *, actor: str
) -> ProblemRecord:
    """Set 8D fields, owner, dates or status.

    Marking it corrected dates the fix (today); closing it dates the close and gives the
    owner a draft lesson learned pre-filled from the root cause and corrective action.
    """
    _check_update(session, changes)
    problem = _live(session, problem_id)
    if changes.get("status") == "corrected" and changes.get("corrected_on") is None:
        changes = {**changes, "corrected_on": problem.corrected_on or date.today()}
    if changes.get("status") == "closed" and changes.get("closed_on") is None:
        changes = {**changes, "closed_on": problem.closed_on or date.today()}
    old = {name: getattr(problem, name) for name in changes}
    for name, value in changes.items():
        setattr(problem, name, value.strip() or None if isinstance(value, str) else value)
    if problem.status != "dismissed":
        _own(problem)
    diff = {
        name: {"old": _plain(old[name]), "new": _plain(getattr(problem, name))}
        for name in changes
        if old[name] != getattr(problem, name)
    }
    kind = "corrected" if changes.get("status") == "corrected" else "updated"
    _event(session, problem, kind, actor, **diff)
    if problem.status == "closed" and "status" in diff:
        _ask_for_lesson(session, problem, actor)
    return problem


def _ask_for_lesson(session: Session, problem: ProblemRecord, actor: str) -> None:
    """A closed problem's owner gets a draft lesson learned (once per problem)."""
    owner = session.get(Employee, problem.owner_id) if problem.owner_id else None
    draft_lesson_learned(
        session,
        problem.id,
        problem.label,
        problem.root_cause or "",
        problem.corrective_action or "",
        owner,
        actor=actor,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
