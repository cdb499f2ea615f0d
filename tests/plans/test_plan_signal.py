"""The playbook signal of success plans: goals not revisited for six months raise a task."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from tests.tasks.world import account, small_world

from keepwell.db import session_scope
from keepwell.plans.service import create_plan
from keepwell.playbooks.core import Context
from keepwell.playbooks.engine import evaluate
from keepwell.playbooks.plugins import registry
from keepwell.playbooks.service import load_rules
from keepwell.tasks.models import Task
from keepwell.web.templating import signal_label

TODAY = date(2026, 6, 30)


def ago(days: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), time(9))


def test_plans_not_reviewed_for_six_months_raise_the_signal_and_a_task(
    engine: Engine, tmp_path: Path
) -> None:
    signal = registry().signals["plan_not_reviewed"]
    assert signal_label(signal.name) == "Plan not reviewed"
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        lost = account(s, "gone", status="lost").id
        never = create_plan(s, acme, title="Uptime on line 3", actor="t")
        never.created_at = ago(200)
        recent = create_plan(s, beta, title="Beta growth", actor="t")
        recent.created_at, recent.reviewed_at = ago(400), ago(10)
        stale = create_plan(s, beta, title="Beta service", actor="t")
        stale.created_at, stale.reviewed_at = ago(400), ago(181)
        young = create_plan(s, acme, title="New plan", actor="t")
        young.created_at = ago(30)
        old_lost = create_plan(s, lost, title="Lost plan", actor="t")
        old_lost.created_at = ago(900)
        s.flush()

        found = signal.find(Context(s, TODAY), signal.params())
        assert sorted((h.account_id, h.reason_key) for h in found) == sorted(
            [(acme, f"plan:{never.id}"), (beta, f"plan:{stale.id}")]
        )
        by_plan = {h.facts["plan"]: h for h in found}
        assert by_plan["Uptime on line 3"].summary == (
            "the customer's goals have not been revisited in 6 months"
        )
        assert by_plan["Beta service"].facts["days_since_review"] == 181
        assert signal.find(Context(s, TODAY), signal.params(days=365)) == []

        rule = load_rules(tmp_path / "none").rules["goals_not_revisited"]
        assert rule.spec.signal == "plan_not_reviewed" and rule.spec.enabled
        outcome = evaluate(Context(s, TODAY), rule, now=ago(0))
        assert outcome.tasks == 2
        titles = sorted(t.title for t in s.scalars(select(Task)))
        assert titles == [
            "Revisit the success plan with acme: Uptime on line 3",
            "Revisit the success plan with beta: Beta service",
        ]
        owners = {t.owner_id for t in s.scalars(select(Task))}
        assert owners == {w.employees["olga"]}
