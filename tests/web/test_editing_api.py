"""Editing through the API: accounts, contacts and tasks; permissions, problems, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import bearer
from typer.testing import CliRunner

from keepwell.audit.models import AuditLog
from keepwell.audit.words import entry_changes
from keepwell.cli.app import app
from keepwell.db import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.people.models import Employee
from keepwell.record.lost import lost_reason_counts
from keepwell.record.models import Account, Contact
from keepwell.settings import DEFAULT_LOST_REASONS
from keepwell.tasks.models import Task
from keepwell.teams.coverage import coverage_report

Token = Callable[[str, str], str]


def audit(engine: Engine, action: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The entries of ``action``, oldest first, as (actor, changes in words)."""
    with session_scope(engine) as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        return [(r.actor, entry_changes(r.action, r.changes or {})) for r in rows]


def employee_id(engine: Engine, external_id: str) -> int:
    with session_scope(engine) as s:
        found = s.scalar(select(Employee.id).where(Employee.external_id == external_id))
        assert found is not None
        return found


def contact_id(engine: Engine, name: str) -> int:
    with session_scope(engine) as s:
        found = s.scalar(select(Contact.id).where(Contact.name == name))
        assert found is not None
        return found


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    return body


def test_patch_account_edits_audits_and_refuses(
    anonymous: TestClient, token: Token, record: dict[str, int], engine: Engine
) -> None:
    leader = bearer(token("leader", "write"))
    member = bearer(token("member", "write"))
    acme, beta = record["C-1"], record["C-2"]
    url = f"/api/v1/accounts/{acme}"
    done = anonymous.patch(url, json={"segment": "Utility", "tier": "A"}, headers=leader)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["segment"], body["tier"], body["owner"]) == ("Utility", "A", "Leo Leader")
    assert body["changes"]["segment"] == {"old": "OEM", "new": "Utility"}
    assert body["overrides"] == ["segment", "tier"]
    [(actor, words)] = audit(engine, "account.updated")
    assert actor.startswith("leader@maker.test")
    assert ("Segment", "OEM → Utility") in words and ("Tier", "(empty) → A") in words
    # the owner: a leader hands the account to Sam; the team changes with it
    sam = employee_id(engine, "E-3")
    moved = anonymous.patch(url, json={"owner_id": sam}, headers=leader)
    assert moved.json()["owner"] == "Sam Seller"
    assert ("Owner", "Leo Leader → Sam Seller") in audit(engine, "account.updated")[-1][1]
    # validation: a lost account needs a reason from the taxonomy
    lost = problem(anonymous.patch(url, json={"status": "lost"}, headers=leader), 422)
    assert "needs a reason" in lost["detail"] and "price" in lost["detail"]
    unknown = {"status": "lost", "lost_reason_code": "weather"}
    assert (
        "unknown reason"
        in problem(anonymous.patch(url, json=unknown, headers=leader), 422)["detail"]
    )
    problem(anonymous.patch(url, json={"colour": "red"}, headers=leader), 422)
    problem(anonymous.patch(url, json={"status": None}, headers=leader), 422)
    # permissions: a member edits their own accounts, not others', not the owner or money
    assert anonymous.patch(url, json={"tier": "B"}, headers=member).status_code == 200
    refused = problem(
        anonymous.patch(f"/api/v1/accounts/{beta}", json={"tier": "B"}, headers=member), 403
    )
    assert "team" in refused["detail"]
    assert (
        "owner"
        in problem(anonymous.patch(url, json={"owner_id": sam}, headers=member), 403)["detail"]
    )
    money = problem(anonymous.patch(url, json={"contract_value": 1.0}, headers=member), 403)
    assert "contract value" in money["detail"]
    read_only = bearer(token("leader", "read"))
    problem(anonymous.patch(url, json={"tier": "C"}, headers=read_only), 403)
    problem(anonymous.patch("/api/v1/accounts/99999", json={"tier": "C"}, headers=leader), 404)
    # members' responses never carry the contract value
    shown = anonymous.patch(url, json={"tier": "C"}, headers=member).json()
    assert shown["contract_value"] is None and "contract_value" not in shown["changes"]


def test_a_lost_account_takes_a_reason_that_is_counted(
    anonymous: TestClient,
    token: Token,
    record: dict[str, int],
    engine: Engine,
    database_url: str,
) -> None:
    leader = bearer(token("leader", "write"))
    url = f"/api/v1/accounts/{record['C-3']}"
    lost = {"status": "lost", "lost_reason_code": "price", "lost_reason": "Cheaper in Asia"}
    body = anonymous.patch(url, json=lost, headers=leader).json()
    assert body["status"] == "lost" and body["ended_on"] is not None
    words = audit(engine, "account.updated")[-1][1]
    assert ("Why lost", "(empty) → Price") in words
    with session_scope(engine) as s:
        counts = {r.label: r.accounts for r in lost_reason_counts(s, DEFAULT_LOST_REASONS)}
    assert counts["Price"] == 1 and counts["Not given"] == 1  # Beta Works came lost
    cleared = anonymous.patch(url, json={"lost_reason_code": None}, headers=leader)
    assert "keeps a reason" in problem(cleared, 422)["detail"]
    beta = f"/api/v1/accounts/{record['C-2']}"  # imported as lost, without a reason
    assert anonymous.patch(beta, json={"tier": "B"}, headers=leader).json()["tier"] == "B"
    listed = CliRunner().invoke(
        app, ["--database-url", database_url, "account", "lost-reasons", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert rows[0] == {"key": "price", "label": "Price", "accounts": 1}
    assert {"key": None, "label": "Not given", "accounts": 1} in rows
    back = anonymous.patch(url, json={"status": "active"}, headers=leader).json()
    assert back["lost_reason_code"] is None and back["ended_on"] is None


def test_contacts_are_added_edited_and_marked_as_left(
    anonymous: TestClient, token: Token, record: dict[str, int], engine: Engine
) -> None:
    member = bearer(token("member", "write"))
    acme, beta = record["C-1"], record["C-2"]
    new = {"account_id": acme, "name": "Olga Ops", "title": "Plant manager", "is_key": True}
    created = anonymous.post("/api/v1/contacts", json=new, headers=member)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/contacts/{body['id']}"
    assert (body["name"], body["source"], body["active"]) == ("Olga Ops", "keepwell", True)
    url = f"/api/v1/contacts/{body['id']}"
    left = anonymous.patch(url, json={"left_at": "2026-11-30"}, headers=member).json()
    assert (left["active"], left["left_at"]) == (False, "2026-11-30")
    [(_, added)] = audit(engine, "contact.created")
    assert ("Name", "Olga Ops") in added and ("Account", "Acme Pumps") in added
    changed = audit(engine, "contact.updated")[-1][1]
    assert ("Left the customer on", "(empty) → 2026-11-30") in changed
    assert ("Active", "yes → no") in changed
    problem(anonymous.post("/api/v1/contacts", json={"account_id": acme}, headers=member), 422)
    problem(anonymous.patch(url, json={"name": None}, headers=member), 422)
    other = {"account_id": beta, "name": "Bob"}
    problem(anonymous.post("/api/v1/contacts", json=other, headers=member), 403)
    problem(
        anonymous.post("/api/v1/contacts", json={**other, "account_id": 9999}, headers=member), 404
    )
    problem(anonymous.patch("/api/v1/contacts/99999", json={"name": "x"}, headers=member), 404)
    auditor = bearer(token("auditor", "read"))
    problem(anonymous.patch(url, json={"name": "x"}, headers=auditor), 403)


def test_tasks_are_changed_by_their_people_closed_with_an_outcome_and_reassigned(
    anonymous: TestClient, token: Token, record: dict[str, int], engine: Engine
) -> None:
    leader, member = bearer(token("leader", "write")), bearer(token("member", "write"))
    mia, sam = employee_id(engine, "E-1"), employee_id(engine, "E-3")
    mine = {"title": "Check pumps", "account_id": record["C-1"], "owner_id": mia}
    theirs = {"title": "Win back", "account_id": record["C-2"], "owner_id": sam}
    first = anonymous.post("/api/v1/tasks", json=mine, headers=leader).json()
    second = anonymous.post("/api/v1/tasks", json=theirs, headers=leader).json()
    url = f"/api/v1/tasks/{first['id']}"
    changed = anonymous.patch(
        url, json={"due_on": "2030-01-02", "priority": "high"}, headers=member
    )
    assert changed.status_code == 200 and changed.json()["priority"] == "high"
    note = problem(anonymous.patch(url, json={"outcome": "could_not"}, headers=member), 422)
    assert "could not be done" in note["detail"]
    closed = {"outcome": "could_not", "outcome_note": "The plant was shut for the holidays."}
    body = anonymous.patch(url, json=closed, headers=member).json()
    assert (body["status"], body["outcome"]) == ("cancelled", "could_not")
    reopened = anonymous.patch(url, json={"status": "open"}, headers=member).json()
    assert (reopened["status"], reopened["outcome"]) == ("open", None)
    problem(anonymous.patch(url, json={"priority": "someday"}, headers=member), 422)
    forbidden = anonymous.patch(
        f"/api/v1/tasks/{second['id']}", json={"priority": "low"}, headers=member
    )
    assert "belongs to someone else" in problem(forbidden, 403)["detail"]
    problem(anonymous.patch("/api/v1/tasks/99999", json={"priority": "low"}, headers=member), 404)
    words = [w for _, w in audit(engine, "task.updated")]
    assert ("Outcome", "(empty) → Could not") in words[1]
    assert ("Status", "Open → Cancelled") in words[1]
    # bulk reassignment: leaders and admins only
    both = {"task_ids": [first["id"], second["id"]], "owner_id": sam}
    problem(anonymous.post("/api/v1/tasks/reassign", json=both, headers=member), 403)
    moved = anonymous.post("/api/v1/tasks/reassign", json=both, headers=leader)
    assert moved.status_code == 200 and {t["owner_id"] for t in moved.json()} == {sam}
    assert ("Owner", "Mia Member → Sam Seller") in audit(engine, "task.updated")[-1][1]
    missing = {"task_ids": [99999], "owner_id": sam}
    problem(anonymous.post("/api/v1/tasks/reassign", json=missing, headers=leader), 404)
    with session_scope(engine) as s:
        assert s.get(Task, first["id"]).owner_id == sam  # type: ignore[union-attr]


def test_an_import_after_an_edit_keeps_the_edit_and_says_so(
    anonymous: TestClient, token: Token, record: dict[str, int], engine: Engine, tmp_path: Path
) -> None:
    leader = bearer(token("leader", "write"))
    acme = record["C-1"]
    edit = {"segment": "Key account", "renewal_date": "2027-03-31"}
    assert anonymous.patch(f"/api/v1/accounts/{acme}", json=edit, headers=leader).status_code == 200
    path = tmp_path / "accounts.csv"
    path.write_text(
        "external_id,name,segment,region,status,renewal_date\n"
        "C-1,Acme Pumps,OEM,West,active,2027-01-01\n",
        encoding="utf-8",
    )
    result = import_file(engine, "accounts", path, Mapping(source="crm"))
    assert result.ok, result.errors
    with session_scope(engine) as s:
        account = s.get(Account, acme)
        assert account is not None
        assert (account.segment, account.region) == ("Key account", "West")
        assert account.renewal_date is not None and account.renewal_date.isoformat() == "2027-03-31"
        assert set(account.overrides or {}) == {"segment", "renewal_date"}
    [(_, kept)] = audit(engine, "import.override_kept")
    assert ("Segment", "Kept Key account; Imported OEM") in kept
    assert ("Renewal", "Kept 2027-03-31; Imported 2027-01-01") in kept
    [(_, updated)] = audit(engine, "import.update")[-1:]
    assert [name for name, _ in updated] == ["Region"]


def test_contacts_met_on_a_visit_count_toward_coverage(
    anonymous: TestClient, token: Token, record: dict[str, int], engine: Engine
) -> None:
    member = bearer(token("member", "write"))
    gamma = record["C-3"]
    gus = contact_id(engine, "Gus Gamma")
    new = {"account_id": gamma, "name": "Hal Gamma"}
    hal = anonymous.post("/api/v1/contacts", json=new, headers=member).json()["id"]
    with session_scope(engine) as s:
        before = coverage_report(s, account_ids=[gamma]).accounts[0]
    assert before.contacts == [] and before.threading == "uncovered"
    visit = {
        "account_id": gamma,
        "kind": "visit",
        "text": "Walked the line with both of them.",
        "contacts_met": [gus, hal],
    }
    created = anonymous.post("/api/v1/interactions", json=visit, headers=member)
    assert created.status_code == 201, created.text
    with session_scope(engine) as s:
        after = coverage_report(s, account_ids=[gamma]).accounts[0]
    assert after.contacts == sorted([gus, hal]) and after.pairs == 2
    assert after.holders == [employee_id(engine, "E-1")]
    [*_, (_, words)] = audit(engine, "interaction.created")
    assert ("Contacts met", "Gus Gamma, Hal Gamma") in words
    stranger = {**visit, "contacts_met": [contact_id(engine, "Jane Buyer")]}
    problem(anonymous.post("/api/v1/interactions", json=stranger, headers=member), 422)
