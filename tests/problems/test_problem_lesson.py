"""Closing a problem asks its owner for the lesson learned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from tests.problems.crafted import add_problem
from tests.problems.records import add_accounts

from keepwell.db.engine import session_scope
from keepwell.knowledge.lesson import LESSON_TAG, lesson_for_problem, lessons_to_write
from keepwell.people.models import Employee
from keepwell.problems import service


def test_closing_drafts_one_lesson_for_the_owner(engine: Engine) -> None:
    accounts = add_accounts(engine, 1)
    pid = add_problem(engine, "Seal leaks", [(accounts[0], datetime(2025, 3, 1))])
    with session_scope(engine) as session:
        owner = Employee(name="Olga", email="olga@maker.test", source="hr", external_id="E1")
        session.add(owner)
        session.flush()
        owner_id = owner.id
        changes = {"root_cause": "Wrong elastomer", "owner_id": owner_id, "status": "corrected"}
        service.update_problem(session, pid, changes, actor="t")
        assert lesson_for_problem(session, pid) is None
    with session_scope(engine) as session:
        changes = {"corrective_action": "FKM seals", "status": "closed"}
        service.update_problem(session, pid, changes, actor="t")
    with session_scope(engine) as session:
        lesson = lesson_for_problem(session, pid)
        assert lesson is not None and lesson.status == "draft"
        assert lesson.author_id == owner_id and LESSON_TAG in lesson.tag_names
        assert "Wrong elastomer" in lesson.body and "FKM seals" in lesson.body
        assert [a.id for a in lessons_to_write(session, owner_id)] == [lesson.id]
        first = lesson.id
        service.update_problem(session, pid, {"status": "corrected"}, actor="t")
        service.update_problem(session, pid, {"status": "closed"}, actor="t")
        service.update_problem(session, pid, {"verification": "none since"}, actor="t")
    with session_scope(engine) as session:
        again = lesson_for_problem(session, pid)
        assert again is not None and again.id == first
        assert len(lessons_to_write(session, owner_id)) == 1


def test_closing_without_owner_still_drafts(engine: Engine) -> None:
    accounts = add_accounts(engine, 1)
    pid = add_problem(engine, "Late delivery", [(accounts[0], datetime(2025, 3, 1))])
    with session_scope(engine) as session:
        service.update_problem(session, pid, {"status": "closed"}, actor="t")
    with session_scope(engine) as session:
        lesson = lesson_for_problem(session, pid)
        assert lesson is not None and lesson.author_id is None
        assert "(not recorded)" in lesson.body
