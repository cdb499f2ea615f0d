"""Tasks: owners from the account team, history, de-duplication key, listing, the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from tests.tasks.world import small_world
from typer.testing import CliRunner

from keepwell.audit.models import AuditLog
from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.errors import NotFound
from keepwell.tasks.schemas import TaskCreate, TaskUpdate
from keepwell.tasks.service import (
    TaskError,
    TaskFilter,
    count_tasks,
    create_task,
    list_tasks,
    task_history,
    update_task,
)


def test_owner_comes_from_the_role_then_the_account_owner(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        service = create_task(
            s, TaskCreate(title="Visit", account_id=acme, role_key="service_lead"), actor="t"
        )
        fallback = create_task(
            s, TaskCreate(title="Visit", account_id=beta, role_key="service_lead"), actor="t"
        )
        chosen = create_task(
            s, TaskCreate(title="Call", account_id=beta, owner_id=w.employees["lena"]), actor="t"
        )
        assert (service.owner_id, service.role_key) == (w.employees["sven"], "service_lead")
        assert (fallback.owner_id, fallback.role_key) == (w.employees["olga"], "account_owner")
        assert chosen.owner_id == w.employees["lena"]
        with pytest.raises(NotFound, match="no account with id 999"):
            create_task(s, TaskCreate(title="x", account_id=999), actor="t")
        with pytest.raises(TaskError, match="no employee with id 999"):
            create_task(s, TaskCreate(title="x", owner_id=999), actor="t")


def test_status_history_closing_and_audit(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        task = create_task(s, TaskCreate(title="Call", account_id=w.accounts["acme"]), actor="ann")
        changes = update_task(s, task, TaskUpdate(status="in_progress"), actor="ann")
        assert changes == {"status": ["open", "in_progress"]}
        assert task.closed_at is None
        update_task(s, task, TaskUpdate(status="done", due_on=date(2030, 1, 2)), actor="bob")
        assert task.closed_at is not None
        history = [(e.field, e.old, e.new, e.actor) for e in task_history(s, task.id)]
        assert history == [
            ("created", None, "Call", "ann"),
            ("status", "open", "in_progress", "ann"),
            ("status", "in_progress", "done", "bob"),
            ("due_on", None, "2030-01-02", "bob"),
        ]
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity == "tasks")).all()
        assert actions == ["task.created", "task.updated", "task.updated"]
        assert update_task(s, task, TaskUpdate(status="done"), actor="bob") == {}
        with pytest.raises(TaskError, match="status cannot be null"):
            update_task(s, task, TaskUpdate(status=None), actor="bob")


def test_one_open_task_per_account_rule_and_reason(engine: Engine) -> None:
    with session_scope(engine) as s:
        acme = small_world(s).accounts["acme"]
        first = create_task(
            s, TaskCreate(title="Quiet", account_id=acme), actor="p", rule="r", reason_key="k"
        )
        update_task(s, first, TaskUpdate(status="cancelled"), actor="p")
        again = create_task(
            s, TaskCreate(title="Quiet", account_id=acme), actor="p", rule="r", reason_key="k"
        )
        assert again.open_key == f"{acme}:r:k" and first.open_key is None
        with pytest.raises(TaskError, match=f"task {again.id} is already open for this reason"):
            update_task(s, first, TaskUpdate(status="open"), actor="p")
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        create_task(
            s, TaskCreate(title="Quiet", account_id=acme), actor="p", rule="r", reason_key="k"
        )


def test_listing_filters_and_order(engine: Engine) -> None:
    today = date.today()
    with session_scope(engine) as s:
        w = small_world(s)
        acme = w.accounts["acme"]
        for days, title in ((5, "later"), (-3, "late"), (None, "someday")):
            due = today + timedelta(days=days) if days is not None else None
            create_task(s, TaskCreate(title=title, account_id=acme, due_on=due), actor="t")
        done = create_task(s, TaskCreate(title="done", account_id=acme), actor="t")
        update_task(s, done, TaskUpdate(status="done"), actor="t")
        olga = w.employees["olga"]
        mine = list_tasks(s, TaskFilter(owner_id=olga, open_only=True))
        assert [t.title for t in mine] == ["late", "later", "someday"]
        assert count_tasks(s, TaskFilter(account_id=acme)) == 4
        overdue = list_tasks(s, TaskFilter(overdue_on=today))
        assert [t.title for t in overdue] == ["late"]


def test_cli_task_list_mine_as_email_and_login(engine: Engine, database_url: str) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        create_task(
            s,
            TaskCreate(title="Sven's", account_id=w.accounts["acme"], role_key="service_lead"),
            actor="t",
        )
        create_task(s, TaskCreate(title="Olga's", account_id=w.accounts["beta"]), actor="t")
    runner = CliRunner()
    base = ["--database-url", database_url, "task", "list"]
    result = runner.invoke(app, [*base, "--mine", "--as", "sven@maker.test", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["total"] == 1 and shown["tasks"][0]["title"] == "Sven's"
    assert shown["tasks"][0]["owner"] == "Sven" and shown["tasks"][0]["account"] == "acme"
    by_login = json.loads(runner.invoke(app, [*base, "--as", "olga", "--json"]).stdout)
    assert [t["title"] for t in by_login["tasks"]] == ["Olga's"]
    everyone = runner.invoke(app, [*base])
    assert everyone.exit_code == 0 and "Sven's" in everyone.stdout and "Olga's" in everyone.stdout
    nobody = runner.invoke(app, [*base, "--as", "zed"])
    assert nobody.exit_code == 2 and "nobody with an email starting zed@" in nobody.output


def test_owner_falls_back_to_the_fallback_then_anyone_left(engine: Engine) -> None:
    from keepwell.people.models import Employee
    from keepwell.tasks.owners import owner_for

    today = date.today()
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        s.get_one(Employee, w.employees["olga"]).left_at = today - timedelta(days=1)
        lena = w.employees["lena"]
        owner, role = owner_for(s, acme, "account_owner", today, fallback_id=lena)
        assert (owner and owner.id, role) == (lena, "account_owner")
        owner, role = owner_for(s, acme, "account_owner", today)
        assert (owner and owner.id, role) == (w.employees["sven"], "service_lead")
        assert owner_for(s, beta, "account_owner", today) == (None, "account_owner")
