"""Migration 0022: reasons, tasks and firings written before it lose the overdue amount.

Earlier versions wrote "2 invoices overdue (48,200 outstanding)" into the reason sentence,
and from there into task summaries that every role reads; no sentence carries money now.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Engine, select
from tests.web.scoredata import score

from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.migrations import alembic_config, upgrade
from keepwell.record.models import Account
from keepwell.tasks.models import Task

OLD = "2 invoices overdue (48,200 outstanding)"


def test_stored_reasons_and_tasks_lose_their_amounts(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "0021")
    with session_scope(engine) as session:
        account = Account(name="Acme", status="active", source="test", external_id="A-1")
        run = ScoreRun(
            as_of=date(2025, 1, 1),
            engine="duckdb",
            model="lightgbm",
            model_version="test",
            method="time-backtest",
            n_accounts=1,
            metrics={},
        )
        session.add_all([account, run])
        session.flush()
        stored = score(run.id, account.id, 0.7, 30.0, "at_risk", 0.0)
        stored.reasons = [{"key": "invoices", "sentence": OLD, "weight": 0.2}]
        task = Task(title="Churn risk 70 %", description=f"Why: {OLD}; no order in 90 days")
        session.add_all([stored, task])
    upgrade(engine)
    with session_scope(engine) as session:
        reasons = session.scalars(select(AccountScore.reasons)).one()
        assert reasons == [{"key": "invoices", "sentence": "2 invoices overdue", "weight": 0.2}]
        described = session.scalars(select(Task.description)).one()
        assert described == "Why: 2 invoices overdue; no order in 90 days"
