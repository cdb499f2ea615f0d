"""Detection runs against the database: stable ids, incremental assignment, person actions."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select
from tests.problems.corpus import NEW_PARAPHRASES, OFF_TOPIC, Corpus
from tests.problems.records import add_accounts, add_tickets, members, problem_of

from keepwell.db.engine import session_scope
from keepwell.problems import TfidfSvd
from keepwell.problems import service as problems
from keepwell.problems.impact import problem_impacts
from keepwell.problems.models import ProblemEvent, ProblemRecord, ProblemTicket
from keepwell.problems.store import assign_new_tickets, run_detection
from keepwell.record.models import Ticket


@pytest.fixture
def planted(engine: Engine, corpus: Corpus) -> dict[str, set[str]]:
    """The planted corpus as tickets of four accounts; planted problem → ticket ids."""
    accounts = add_accounts(engine, 4)
    ids = add_tickets(engine, corpus.texts, accounts)
    groups: dict[str, set[str]] = {}
    for ticket, truth in zip(ids, corpus.truth, strict=True):
        if truth is not None:
            groups.setdefault(truth, set()).add(ticket)
    return groups


def _detect(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        run = run_detection(session, representation=TfidfSvd(seed=0), seed=0)
    return {"created": len(run.created), "kept": len(run.kept), "removed": len(run.removed)}


def _problem_for(engine: Engine, tickets: set[str]) -> int:
    """The problem holding most of ``tickets``."""
    with session_scope(engine) as session:
        found = Counter(problem_of(session, t) for t in tickets)
    (pid, _count), *_ = found.most_common(1)
    assert pid is not None
    return pid


def test_detection_stores_each_planted_problem(
    engine: Engine, planted: dict[str, set[str]]
) -> None:
    _detect(engine)
    with session_scope(engine) as session:
        for name, tickets in planted.items():
            pid = _problem_for(engine, tickets)
            held = members(session, pid)
            assert len(held & tickets) >= 0.8 * len(tickets), name
            assert len(held - tickets) <= 3, name  # TF-IDF lets a few noise texts in
            assert session.get(ProblemRecord, pid).status == "candidate"  # type: ignore[union-attr]


def test_rerun_on_unchanged_data_keeps_every_id(
    engine: Engine, planted: dict[str, set[str]]
) -> None:
    first = _detect(engine)
    before = {name: _problem_for(engine, t) for name, t in planted.items()}
    second = _detect(engine)
    assert second == {"created": 0, "kept": first["created"], "removed": 0}
    assert {name: _problem_for(engine, t) for name, t in planted.items()} == before


def test_confirmed_problem_keeps_id_and_new_tickets_join_it(
    engine: Engine, planted: dict[str, set[str]]
) -> None:
    _detect(engine)
    seal = _problem_for(engine, planted["seal"])
    with session_scope(engine) as session:
        problems.confirm(session, seal, actor="anna")
        kept = members(session, seal)
    add_tickets(engine, [NEW_PARAPHRASES["seal"]], add_accounts(engine, 1, "B"), prefix="NEW")
    _detect(engine)
    with session_scope(engine) as session:
        assert members(session, seal) >= kept | {"NEW0"}
        origin = session.scalar(
            select(ProblemTicket.origin)
            .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
            .where(Ticket.external_id == "NEW0")
        )
        assert origin == "assigned"
        assert session.get(ProblemRecord, seal).status == "confirmed"  # type: ignore[union-attr]


def test_incremental_assignment_places_paraphrases_and_leaves_off_topic(
    engine: Engine, planted: dict[str, set[str]]
) -> None:
    _detect(engine)
    expected = {name: _problem_for(engine, t) for name, t in planted.items()}
    names = sorted(NEW_PARAPHRASES)
    texts = [NEW_PARAPHRASES[n] for n in names] + [OFF_TOPIC[0]]
    add_tickets(engine, texts, add_accounts(engine, 1, "B"), prefix="NEW")
    with session_scope(engine) as session:
        run = assign_new_tickets(session, representation=TfidfSvd(seed=0))
    assert "NEW5" in run.unassigned  # the recipe fits no problem
    with session_scope(engine) as session:
        placed = {n: problem_of(session, f"NEW{i}") for i, n in enumerate(names)}
        origins = set(
            session.scalars(select(ProblemTicket.origin).where(ProblemTicket.origin == "assigned"))
        )
    assert sum(placed[n] == expected[n] for n in names) >= 4, placed
    assert run.assigned >= 4 and origins == {"assigned"}


def test_merge_and_split_survive_a_rerun(engine: Engine, planted: dict[str, set[str]]) -> None:
    _detect(engine)
    seal, delivery = (_problem_for(engine, planted[n]) for n in ("seal", "delivery"))
    with session_scope(engine) as session:
        both = members(session, seal) | members(session, delivery)
        problems.merge(session, seal, [delivery], actor="anna")
    with session_scope(engine) as session:
        assert members(session, seal) == both
        merged = session.get(ProblemRecord, delivery)
        assert merged is not None and merged.status == "merged" and merged.merged_into_id == seal
        moved = sorted(members(session, seal) & planted["delivery"])
        new = problems.split(session, seal, moved, label="Late spare parts", actor="anna")
        new_id = new.id
    _detect(engine)
    with session_scope(engine) as session:
        assert members(session, new_id) == set(moved)
        assert members(session, seal) == both - set(moved)
        kinds = session.scalars(select(ProblemEvent.kind).where(ProblemEvent.problem_id == seal))
        assert {"merged", "split"} <= set(kinds)
        with pytest.raises(problems.ProblemError, match="not tickets of problem"):
            problems.split(session, seal, ["NOPE"], label="x", actor="anna")
        with pytest.raises(problems.ProblemError, match="was merged"):
            problems.confirm(session, delivery, actor="anna")


def test_dismissed_problem_does_not_come_back(engine: Engine, planted: dict[str, set[str]]) -> None:
    _detect(engine)
    invoice = _problem_for(engine, planted["invoice"])
    with session_scope(engine) as session:
        problems.dismiss(session, invoice, actor="anna")
        held = members(session, invoice)
    result = _detect(engine)
    assert result["created"] == 0
    with session_scope(engine) as session:
        assert members(session, invoice) == held
        assert session.get(ProblemRecord, invoice).status == "dismissed"  # type: ignore[union-attr]


def test_rename_locks_the_label(engine: Engine, planted: dict[str, set[str]]) -> None:
    _detect(engine)
    firmware = _problem_for(engine, planted["firmware"])
    with session_scope(engine) as session:
        problems.rename(session, firmware, "Firmware 4.2 update fails", actor="anna")
        with pytest.raises(problems.ProblemError, match="label needs"):
            problems.rename(session, firmware, "  ", actor="anna")
    _detect(engine)
    with session_scope(engine) as session:
        record = session.get(ProblemRecord, firmware)
        assert record is not None and record.label == "Firmware 4.2 update fails"
        assert record.status == "confirmed"


def test_ticket_after_the_fix_records_a_recurrence(
    engine: Engine, planted: dict[str, set[str]]
) -> None:
    _detect(engine)
    seal = _problem_for(engine, planted["seal"])
    with session_scope(engine) as session:
        changes = {"status": "corrected", "corrected_on": date(2025, 5, 1)}
        problems.update_problem(session, seal, changes, actor="anna")
    accounts = add_accounts(engine, 1, "B")
    add_tickets(
        engine, [NEW_PARAPHRASES["seal"]], accounts, prefix="NEW", start=datetime(2025, 6, 2)
    )
    with session_scope(engine) as session:
        assign_new_tickets(session, representation=TfidfSvd(seed=0))
    with session_scope(engine) as session:
        assert problem_of(session, "NEW0") == seal
        events = session.scalars(
            select(ProblemEvent).where(
                ProblemEvent.problem_id == seal, ProblemEvent.kind == "recurred"
            )
        ).all()
        assert [e.details["tickets"] for e in events] == [["NEW0"]]
        impact = problem_impacts(session, [seal], as_of=date(2025, 6, 30))[seal]
        assert impact.recurred and impact.recurred_after_fix == 1
