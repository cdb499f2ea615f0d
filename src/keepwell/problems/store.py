"""Detection runs against the database: stable problem ids and incremental assignment.

A run (:func:`run_detection`) keeps every decision a person made:

1. Tickets of owned problems (confirmed, contained, corrected, closed, dismissed)
   stay where they are.
2. Tickets in no owned problem are first placed against the owned problems
   (incremental assignment: nearest centroid above that problem's floor).
3. The rest are clustered; each group takes over the id of the unconfirmed
   problem it overlaps most (so even candidates keep their ids when the data
   has not changed), otherwise it becomes a new candidate. Candidates no group
   matches are removed; texts that fit no group stay unassigned.

:func:`assign_new_tickets` does step 2 only, for tickets in no problem yet,
against every problem that is not merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import Session

from keepwell.problems.assign import assign_vectors
from keepwell.problems.corpus import TicketTexts, known_problems, load_ticket_texts
from keepwell.problems.detect import default_min_size, detect_vectors
from keepwell.problems.models import OWNED_STATUSES, ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.problems.represent import FloatArray, Representation, default_representation
from keepwell.problems.result import Detection
from keepwell.record.models import Ticket

MATCH_SHARE = 0.5
"""A new group keeps a candidate's id when they share this much of the smaller of the two."""


@dataclass
class RunResult:
    """What a run did: problems created, kept and removed; tickets placed and left out."""

    representation: str
    created: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    assigned: int = 0
    unassigned: list[str] = field(default_factory=list)


def _memberships(session: Session) -> dict[int, int]:
    return dict(session.execute(select(ProblemTicket.ticket_id, ProblemTicket.problem_id)).all())


def _problems(session: Session) -> dict[int, ProblemRecord]:
    query = select(ProblemRecord).where(ProblemRecord.status != "merged")
    return {p.id: p for p in session.scalars(query)}


def _rows_by_problem(
    corpus: TicketTexts, membership: dict[int, int], wanted: set[int]
) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {pid: [] for pid in wanted}
    for row, ticket in enumerate(corpus.ids):
        pid = membership.get(ticket)
        if pid in rows:
            rows[pid].append(row)
    return rows


def _place(
    session: Session,
    corpus: TicketTexts,
    vectors: FloatArray,
    free: list[int],
    members: dict[int, list[int]],
    labels: dict[int, str],
) -> list[int]:
    """Assign ``free`` rows to known problems; return the rows that fit none."""
    known = known_problems(vectors, members, labels)
    if not free or not known:
        return free
    result = assign_vectors(vectors[free], known)
    placed = [
        {
            "ticket_id": corpus.ids[row],
            "problem_id": int(pid),
            "origin": "assigned",
            "similarity": float(sim),
        }
        for row, pid, sim in zip(free, result.problem_ids, result.similarities, strict=True)
        if pid >= 0
    ]
    if placed:
        session.execute(insert(ProblemTicket), placed)
        _note_recurrences(session, placed)
    return [free[i] for i in result.candidates]


def _note_recurrences(session: Session, placed: list[dict[str, Any]]) -> None:
    """A ``recurred`` event for each corrected problem that tickets opened after its fix joined."""
    joined: dict[int, list[int]] = defaultdict(list)
    for row in placed:
        joined[row["problem_id"]].append(row["ticket_id"])
    fixed = session.execute(
        select(ProblemRecord.id, ProblemRecord.corrected_on).where(
            ProblemRecord.id.in_(sorted(joined)), ProblemRecord.corrected_on.is_not(None)
        )
    ).all()
    for pid, day in fixed:
        if day is None:
            continue
        after = list(
            session.scalars(
                select(Ticket.external_id)
                .where(
                    Ticket.id.in_(joined[pid]),
                    Ticket.opened_at > datetime.combine(day, time.max),
                )
                .order_by(Ticket.opened_at)
            )
        )
        if after:
            details = {"tickets": after[:20], "count": len(after), "fixed_on": day.isoformat()}
            session.add(
                ProblemEvent(problem_id=pid, kind="recurred", actor="keepwell", details=details)
            )


def _match(detection: Detection, rest: list[int], previous: dict[int, int]) -> dict[int, int]:
    """Detected group → id of the candidate problem it continues."""
    sizes = Counter(previous.values())
    pairs: Counter[tuple[int, int]] = Counter()
    for group in detection.problems:
        for member in group.members:
            pid = previous.get(rest[member])
            if pid is not None:
                pairs[(group.id, pid)] += 1
    matched: dict[int, int] = {}
    for (group_id, pid), overlap in sorted(pairs.items(), key=lambda kv: -kv[1]):
        if group_id in matched or pid in matched.values():
            continue
        smaller = min(detection.problems[group_id].size, sizes[pid])
        if overlap >= MATCH_SHARE * smaller:
            matched[group_id] = pid
    return matched


def _write_groups(
    session: Session,
    corpus: TicketTexts,
    vectors: FloatArray,
    detection: Detection,
    rest: list[int],
    matched: dict[int, int],
    result: RunResult,
) -> None:
    for group in detection.problems:
        record = session.get(ProblemRecord, matched[group.id]) if group.id in matched else None
        if record is None:
            record = ProblemRecord(label=group.label, terms=list(group.terms), status="candidate")
            session.add(record)
            session.flush()
            session.add(ProblemEvent(problem_id=record.id, kind="detected", actor="keepwell"))
            result.created.append(record.id)
        else:
            if not record.label_locked:
                record.label = group.label
            record.terms = list(group.terms)
            result.kept.append(record.id)
        similarities = vectors[[rest[m] for m in group.members]] @ group.centroid
        rows = [
            {
                "ticket_id": corpus.ids[rest[m]],
                "problem_id": record.id,
                "origin": "detected",
                "similarity": float(sim),
            }
            for m, sim in zip(group.members, similarities, strict=True)
        ]
        session.execute(insert(ProblemTicket), rows)


def run_detection(
    session: Session,
    *,
    representation: Representation | None = None,
    min_size: int | None = None,
    seed: int = 0,
) -> RunResult:
    """Detect problems over all tickets and store them (see the module docstring)."""
    chosen = representation or default_representation(seed=seed)
    corpus = load_ticket_texts(session)
    result = RunResult(representation=chosen.name)
    if not corpus.ids:
        return result
    vectors = chosen.fit_transform(corpus.texts)
    membership = _memberships(session)
    problems = _problems(session)
    owned = {pid for pid, p in problems.items() if p.status in OWNED_STATUSES}
    fixed = {t for t, pid in membership.items() if pid in owned}
    free = [row for row, ticket in enumerate(corpus.ids) if ticket not in fixed]
    candidates = set(problems) - owned
    previous = {t: pid for t, pid in membership.items() if pid in candidates}
    session.execute(delete(ProblemTicket).where(ProblemTicket.problem_id.in_(sorted(candidates))))
    labels = {pid: problems[pid].label for pid in owned}
    members = _rows_by_problem(corpus, membership, owned)
    rest = _place(session, corpus, vectors, free, members, labels)
    result.assigned = len(free) - len(rest)
    size = default_min_size(len(corpus)) if min_size is None else min_size
    detection = detect_vectors(
        [corpus.texts[r] for r in rest], vectors[rest], chosen, min_size=size, seed=seed
    )
    matched = _match(detection, [corpus.ids[r] for r in rest], previous)
    _write_groups(session, corpus, vectors, detection, rest, matched, result)
    result.removed = sorted(candidates - set(matched.values()))
    if result.removed:
        session.execute(delete(ProblemRecord).where(ProblemRecord.id.in_(result.removed)))
    result.unassigned = [corpus.external_ids[rest[i]] for i in detection.unassigned]
    session.flush()
    return result


def assign_new_tickets(
    session: Session, *, representation: Representation | None = None, seed: int = 0
) -> RunResult:
    """Place tickets that are in no problem against every known problem (no re-clustering)."""
    chosen = representation or default_representation(seed=seed)
    corpus = load_ticket_texts(session)
    result = RunResult(representation=chosen.name)
    membership = _memberships(session)
    free = [row for row, ticket in enumerate(corpus.ids) if ticket not in membership]
    if not free or not membership:
        result.unassigned = [corpus.external_ids[r] for r in free]
        return result
    vectors = chosen.fit_transform(corpus.texts)
    problems = _problems(session)
    labels = {pid: p.label for pid, p in problems.items()}
    members = _rows_by_problem(corpus, membership, set(problems))
    rest = _place(session, corpus, vectors, free, members, labels)
    result.assigned = len(free) - len(rest)
    result.unassigned = [corpus.external_ids[r] for r in rest]
    session.flush()
    return result


def refresh_problems(session: Session) -> RunResult:
    """Keep the problems current for a scheduled run: a first detection when there is no
    problem yet, otherwise only new tickets placed against the known ones (ids stay)."""
    if session.scalar(select(exists().select_from(ProblemRecord))):
        return assign_new_tickets(session)
    return run_detection(session)
