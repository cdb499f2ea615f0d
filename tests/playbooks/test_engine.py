"""The engine: dry run, firing audit, de-duplication, cooldown, actions, escalation timing,
departure hand-over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.tasks.world import employee, small_world

from keepwell.audit.models import AuditLog
from keepwell.auth.models import User
from keepwell.db import session_scope
from keepwell.notify.models import Notification
from keepwell.notify.service import queue_digests
from keepwell.people.models import Employee
from keepwell.playbooks.core import Context
from keepwell.playbooks.engine import evaluate
from keepwell.playbooks.history import open_review_items
from keepwell.playbooks.models import PlaybookFiring, ReviewItem
from keepwell.playbooks.rules import parse_rule
from keepwell.playbooks.service import dry_run, run_playbooks
from keepwell.record.models import Contact
from keepwell.tasks.escalation import escalate_overdue
from keepwell.tasks.models import Task
from keepwell.tasks.schemas import TaskUpdate
from keepwell.tasks.service import task_history, update_task

TODAY = date(2026, 6, 30)
RULE = """\
name: successor
title: Meet the successor
signal: key_contact_left
cooldown_days: 30
actions:
  - {type: create_task, role: service_lead, title: "Meet {contact}'s successor at {account}",
     due_in_days: 2, priority: high}
  - {type: notify, channel: email, to: owner}
  - {type: leadership_review, note: "{summary}"}
  - {type: escalate, after_days: 2}
"""


def at(day: date) -> datetime:
    return datetime.combine(day, time(8))


def left(session: Session, account_id: int, name: str, days_ago: int) -> None:
    session.add(
        Contact(
            source="t",
            external_id=name,
            account_id=account_id,
            name=name,
            is_key=True,
            active=False,
            left_at=TODAY - timedelta(days=days_ago),
        )
    )
    session.flush()


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_dry_run_fire_dedupe_cooldown_and_audit(engine: Engine) -> None:
    rule = parse_rule(RULE, origin="company", source="successor.yaml")
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        left(s, acme, "Jane", 10)
        left(s, beta, "Karl", 20)
        preview = dry_run(s, rule, TODAY)
        assert (preview.hits, preview.fired, preview.tasks) == (2, 2, 0)
        assert {a["account"] for a in preview.accounts} == {"acme", "beta"}
        assert count(s, Task) == count(s, PlaybookFiring) == count(s, ReviewItem) == 0

        ctx = Context(s, TODAY)
        first = evaluate(ctx, rule, now=at(TODAY))
        assert (first.fired, first.tasks, first.duplicates) == (2, 2, 0)
        tasks = {t.account_id: t for t in s.scalars(select(Task))}
        assert tasks[acme].owner_id == w.employees["sven"]  # the service lead
        assert tasks[beta].owner_id == w.employees["olga"]  # no service lead: the owner
        assert tasks[acme].title == "Meet Jane's successor at acme"
        assert tasks[acme].due_on == TODAY + timedelta(days=2)
        assert tasks[acme].escalate_after_days == 2 and tasks[acme].priority == "high"
        firings = list(s.scalars(select(PlaybookFiring).order_by(PlaybookFiring.account_id)))
        assert [f.task_id for f in firings] == [tasks[acme].id, tasks[beta].id]
        assert firings[0].outcomes[0] == f"task {tasks[acme].id}"
        audited = s.scalars(select(AuditLog).where(AuditLog.action == "playbook.fired")).all()
        assert len(audited) == 2 and audited[0].changes["rule"] == "successor"
        assert count(s, ReviewItem) == 2
        assert sorted(n.recipient for n in ctx.notices) == ["olga@maker.test", "sven@maker.test"]

        again = evaluate(Context(s, TODAY), rule, now=at(TODAY))
        assert (again.fired, again.duplicates, again.tasks) == (0, 2, 0)
        update_task(s, tasks[acme], TaskUpdate(status="done"), actor="sven")
        cooling = evaluate(
            Context(s, TODAY + timedelta(days=5)), rule, now=at(TODAY + timedelta(days=5))
        )
        assert (cooling.fired, cooling.duplicates, cooling.cooling) == (0, 1, 1)
        later = TODAY + timedelta(days=31)
        after = evaluate(Context(s, later), rule, now=at(later))
        assert (after.fired, after.duplicates, after.tasks) == (1, 1, 1)
        assert count(s, Task) == 3 and count(s, ReviewItem) == 2  # review item still open


def test_escalation_timing_goes_to_the_manager_then_the_sponsor(engine: Engine) -> None:
    rule = parse_rule(RULE, origin="company", source="successor.yaml")
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        boss = employee(s, "boss")
        s.get_one(Employee, w.employees["sven"]).manager_id = boss.id
        left(s, acme, "Jane", 1)
        left(s, beta, "Karl", 1)
        evaluate(Context(s, TODAY), rule, now=at(TODAY))
        due = TODAY + timedelta(days=2)
        assert escalate_overdue(s, due + timedelta(days=2), actor="t") == []  # not past yet
        escalated = escalate_overdue(s, due + timedelta(days=3), actor="t")
        by_account = {t.account_id: t for t in escalated}
        assert by_account[acme].escalated_to_id == boss.id  # Sven's manager
        assert by_account[beta].escalated_to_id is None  # Olga owns it, no one above
        assert all(t.priority == "urgent" and t.escalated_at for t in escalated)
        fields = [e.field for e in task_history(s, by_account[acme].id)]
        assert fields == ["created", "escalated", "priority"]
        assert escalate_overdue(s, due + timedelta(days=10), actor="t") == []  # once only


def test_a_run_escalates_and_tells_the_manager(engine: Engine, tmp_path: Path) -> None:
    rule_dir = tmp_path / "rules"
    rule_dir.mkdir()
    (rule_dir / "successor.yaml").write_text(RULE)
    with session_scope(engine) as s:
        w = small_world(s)
        boss = employee(s, "boss")
        s.get_one(Employee, w.employees["sven"]).manager_id = boss.id
        left(s, w.accounts["acme"], "Jane", 1)
        first = run_playbooks(s, today=TODAY, folder=rule_dir)
        assert first.escalated == 0
        later = run_playbooks(s, today=TODAY + timedelta(days=5), folder=rule_dir)
        assert later.escalated == 1
        assert [(n.recipient, n.line[:10]) for n in later.notices] == [
            ("boss@maker.test", "Escalated:")
        ]
        reviews = open_review_items(s)
        assert [(item.rule, name) for item, name in reviews] == [("successor", "acme")]


def test_departure_creates_hand_over_tasks_for_each_account_held(
    engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme = w.accounts["acme"]
        boss = employee(s, "boss")
        olga = s.get_one(Employee, w.employees["olga"])
        olga.left_at, olga.manager_id = TODAY - timedelta(days=1), boss.id
        report = run_playbooks(s, today=TODAY, folder=tmp_path)
        counts = {o.rule: o.tasks for o in report.outcomes if o.tasks}
        assert counts == {"departure_handover": 2}
        tasks = {t.account_id: t for t in s.scalars(select(Task))}
        assert {t.owner_id for t in tasks.values()} == {boss.id}  # Olga's manager
        assert tasks[acme].title == "Hand over Account owner for acme: Olga left"
        again = run_playbooks(s, today=TODAY, folder=tmp_path)
        assert sum(o.tasks for o in again.outcomes) == 0 and count(s, Task) == 2
        s.get_one(Employee, w.employees["sven"]).manager_id = boss.id
        s.add(
            User(
                email="sven@maker.test",
                name="Sven",
                password_hash="x",
                role="member",
                active=False,
                employee_id=w.employees["sven"],
            )
        )
        s.flush()
        third = run_playbooks(s, today=TODAY, folder=tmp_path)
        assert {o.rule: o.tasks for o in third.outcomes if o.tasks} == {"departure_handover": 1}
        sven_task = s.scalars(select(Task).order_by(Task.id.desc())).first()
        assert sven_task is not None and sven_task.account_id == acme
        assert sven_task.owner_id == boss.id and "Service lead" in sven_task.title


def test_notices_become_one_digest_per_person(engine: Engine) -> None:
    rule = parse_rule(RULE, origin="company", source="successor.yaml")
    with session_scope(engine) as s:
        w = small_world(s)
        left(s, w.accounts["beta"], "Karl", 3)
        left(s, w.accounts["beta"], "Kim", 4)
        left(s, w.accounts["acme"], "Jane", 4)
        ctx = Context(s, TODAY)
        evaluate(ctx, rule, now=at(TODAY))
        assert len(ctx.notices) == 3
        assert queue_digests(s, ctx.notices) == 2
        olga = s.scalars(
            select(Notification).where(Notification.recipient == "olga@maker.test")
        ).one()
        assert olga.subject == "Keepwell: 2 new items for you" and len(olga.lines) == 2
        assert "Meet Karl's successor at beta" in olga.body and "Kim" in olga.body


def test_webhook_and_address_notices(engine: Engine) -> None:
    text = RULE.replace(
        "  - {type: notify, channel: email, to: owner}",
        "  - {type: notify, channel: webhook, webhook: ops}\n"
        "  - {type: notify, channel: email, to: lead@maker.test}\n"
        "  - {type: notify, channel: email, to: 'role:account_owner'}",
    )
    rule = parse_rule(text, origin="company", source="successor.yaml")
    with session_scope(engine) as s:
        w = small_world(s)
        left(s, w.accounts["acme"], "Jane", 3)
        ctx = Context(s, TODAY)
        evaluate(ctx, rule, now=at(TODAY))
        sent = [(n.channel, n.recipient) for n in ctx.notices]
        assert sent == [
            ("webhook", "ops"),
            ("email", "lead@maker.test"),
            ("email", "olga@maker.test"),
        ]
        assert (
            ctx.notices[0].line
            == f"acme: Meet Jane's successor at acme (due {TODAY + timedelta(days=2)})"
        )
