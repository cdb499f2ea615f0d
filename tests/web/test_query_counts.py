"""Query budget: a page runs as many SQL statements with 3 accounts as with 43 (no N+1).

Each page is requested on the small record with two scoring runs, then again after 40
more accounts with team, contacts, orders, tickets, interactions and scores, and more
events on the account shown; the statement counts must not change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.web.conftest import Browser, bearer
from tests.web.scoredata import score, store_runs

from keepwell.db import session_scope
from keepwell.db.counting import counted_statements
from keepwell.insight.models import ScoreRun
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.people.models import Employee
from keepwell.record.models import Account

MORE = 40
ACCOUNT_TABS = ("timeline", "team", "equipment", "service", "voice")


def pages(engine: Engine, record: dict[str, int]) -> list[str]:
    """The pages and API lists under budget; the team filters name Acme's owner and a department."""
    acme = record["C-1"]
    with session_scope(engine) as session:
        owner, department = session.execute(
            select(Employee.id, Employee.department_id).where(Employee.external_id == "E-2")
        ).one()
    return [
        "/portfolio",
        "/portfolio?sort=risk&status=any",
        f"/portfolio?owner={owner}&department={department}",
        f"/accounts/{acme}",
        *(f"/accounts/{acme}?tab={tab}" for tab in ACCOUNT_TABS),
        "/inbox",
        "/my-work",  # the member is on the team of every added account
        "/at-risk",  # every added account is at risk, with an owner, a contact, no task
        "/portfolio?risk=at_risk&unowned=1&sort=risk",
        "/tasks?scope=all&status=any",
        "/tickets?status=any",
        "/fleet",
        "/coverage?threads=all",
        "/problems",
        "/rfqs?state=all",
        "/api/v1/accounts",
        f"/api/v1/accounts/{acme}",
        f"/api/v1/accounts/{acme}/timeline",
    ]


def grow(engine: Engine, folder: Path) -> None:
    """Add MORE accounts with activity and scores, and more events on Acme (C-1)."""
    day = date.today() - timedelta(days=30)
    ids = range(100, 100 + MORE)
    files = {
        "accounts": "external_id,name,segment,region,status\n"
        + "".join(f"C-{i},Account {i},OEM,North,active\n" for i in ids),
        "teams": "account,employee,role\n"
        + "".join(f"C-{i},E-{1 + i % 3},account_owner\nC-{i},E-1,service_lead\n" for i in ids),
        "contacts": "external_id,account,name\n"
        + "".join(f"K-{i},C-{i},Person {i}\n" for i in ids),
        "orders": "external_id,account,ordered_at,amount,currency,status\n"
        + "".join(f"O-{i}-{k},C-{i},{day},{k}00,EUR,open\n" for i in [1, *ids] for k in (1, 2)),
        "tickets": "external_id,account,kind,severity,status,subject,opened_at\n"
        + "".join(f"T-{i},C-{i},support,low,open,Noise,{day}T09:00:00\n" for i in [1, *ids]),
        "interactions": "external_id,account,occurred_at,kind,subject,text\n"
        + "".join(f"I-{i},C-{i},{day}T11:00:00,call,Call,Talked\n" for i in [1, *ids]),
    }
    sources = {"orders": "erp", "tickets": "helpdesk"}
    for kind, text in files.items():
        path = folder / f"more-{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = import_file(engine, kind, path, Mapping(source=sources.get(kind, "crm")))
        assert result.ok, result.errors
    with session_scope(engine) as session:
        added = session.scalars(select(Account.id).where(Account.name.like("Account %")))
        runs = session.scalars(select(ScoreRun.id))
        for run in list(runs):
            for account in list(added):
                session.add(score(run, account, 0.3, 60.0, "watch", 2.0))


ACCOUNT_PAGE_BUDGET = 45
"""The account 360 gathers a dozen panels (scores, team, coverage, tasks, problems,
know-how, equipment, ...), each a few statements; none may grow with the record."""


@pytest.mark.parametrize("role", ["leader", "member"])
def test_statements_per_page_do_not_grow_with_the_record(
    engine: Engine,
    tmp_path: Path,
    record: dict[str, int],
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
    role: str,
) -> None:
    store_runs(engine, record)
    person = browser(role)
    headers = bearer(token(role, "read"))

    def counts() -> dict[str, int]:
        found = {}
        for path in pages(engine, record):
            with counted_statements(engine) as statements:
                response = person.get(path, headers=headers if path.startswith("/api") else {})
            assert response.status_code == 200, (path, response.text[:300])
            found[path] = len(statements)
        return found

    counts()  # sign-in bookkeeping (a token's first use) happens once
    small = counts()
    grow(engine, tmp_path)
    assert counts() == small
    budget = {path: ACCOUNT_PAGE_BUDGET if path.startswith("/accounts/") else 30 for path in small}
    assert all(n <= budget[path] for path, n in small.items()), small
