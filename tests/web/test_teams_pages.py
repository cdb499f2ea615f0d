"""Roles and charters, account team editing and coverage pages; leaders edit, others read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import Browser

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import Contact, Interaction


def role_id(engine: Engine, key: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(RetentionRole.id).where(RetentionRole.key == key))
        assert found is not None
        return found


def employee_id(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(Employee.id).where(Employee.name == name))
        assert found is not None
        return found


def test_everyone_sees_roles_and_their_own_leaders_see_gaps(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member").get("/roles")
    assert member.status_code == 200
    assert 'Service lead</a> <span class="badge badge-role">yours · 1 accounts' in member.text
    assert 'Engineering lead</a> <span class="badge badge-role">yours · 1 accounts' in member.text
    assert "Accounts lacking it" not in member.text and 'action="/roles"' not in member.text
    work = browser("member").get("/my-work").text
    assert "Your retention roles" in work and "Keeps installed equipment running" in work
    assert "Your retention roles" not in browser("admin").get("/my-work").text
    leader = browser("leader").get("/roles").text
    assert "Accounts lacking it" in leader and 'href="/roles"' in leader


def test_only_leaders_edit_a_charter(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    owner = role_id(engine, "account_owner")
    form = {"name": "Account owner", "charter": "Keeps the plan.", "signals": "churn_risk\n\n"}
    assert browser("member").post(f"/roles/{owner}", form).status_code == 403
    leader = browser("leader")
    assert leader.post(f"/roles/{owner}", {**form, "charter": "  "}).status_code == 422
    response = leader.post(f"/roles/{owner}", {**form, "tasks": "renewal call\nrenewal call"})
    assert response.status_code == 303
    with Session(engine) as session:
        role = session.get(RetentionRole, owner)
        assert role is not None
        assert (role.charter, role.signals, role.tasks) == (
            "Keeps the plan.",
            ["churn_risk"],
            ["renewal call"],
        )
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "role.update")).one()
        assert audit.actor == "leader@maker.test" and "charter" in (audit.changes or {})
    page = leader.get(f"/roles/{owner}").text
    assert "Keeps the plan." in page and "Role saved." in page
    assert "Role saved." not in leader.get(f"/roles/{owner}?saved=1").text  # once; no spoofing
    lacking = page.split('id="lacking"')[1]
    assert "Gamma Mills" not in lacking and "Beta Works" not in lacking
    service = browser("leader").get(f"/roles/{role_id(engine, 'quality_lead')}").text
    assert "Acme Pumps" in service.split('id="lacking"')[1]
    added = leader.post(
        "/roles", {"key": "field_lead", "name": "Field lead", "charter": "On site."}
    )
    assert added.status_code == 303
    assert (
        leader.post("/roles", {"key": "field_lead", "name": "X", "charter": "Y"}).status_code == 409
    )
    assert (
        browser("member").post("/roles", {"key": "x_y", "name": "X", "charter": "Y"}).status_code
        == 403
    )


def test_leaders_add_and_end_team_members(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    mia = employee_id(engine, "Mia Member")
    member = browser("member")
    page = member.get(f"/accounts/{acme}/team")
    assert (
        page.status_code == 200 and "Leo Leader" in page.text and "Add to the team" not in page.text
    )
    add = {"employee_id": str(mia), "role": "quality_lead"}
    assert member.post(f"/accounts/{acme}/team", add).status_code == 403
    leader = browser("leader")
    assert leader.post(f"/accounts/{acme}/team", add).status_code == 303
    assert "Mia Member is now on the account" in leader.get(f"/accounts/{acme}/team").text
    assert leader.post(f"/accounts/{acme}/team", add).status_code == 409
    bad = leader.post(f"/accounts/{acme}/team", {**add, "role": "chief_fun"})
    assert bad.status_code == 404
    assert leader.post("/accounts/999999/team", add).status_code == 404
    with Session(engine) as session:
        row = session.scalars(
            select(AccountTeamMember).where(AccountTeamMember.source == "keepwell")
        ).one()
    assert member.post(f"/accounts/{acme}/team/{row.id}/end", {}).status_code == 403
    assert leader.post(f"/accounts/{acme}/team/{row.id}/end", {}).status_code == 303
    assert "Mia Member is no longer on the team" in leader.get(f"/accounts/{acme}/team").text
    assert leader.post(f"/accounts/{acme}/team/{row.id}/end", {}).status_code == 409
    with Session(engine) as session:
        ended = session.get(AccountTeamMember, row.id)
        assert ended is not None and ended.until is not None
    assert "Quality lead" in leader.get(f"/accounts/{acme}/team").text


def test_coverage_page_and_panel_hide_money_from_members(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    with session_scope(engine) as session:
        jane = session.scalars(select(Contact).where(Contact.name == "Jane Buyer")).one()
        session.add(
            Interaction(
                account_id=acme,
                employee_id=employee_id(engine, "Leo Leader"),
                contact_id=jane.id,
                kind="call",
                source="test",
                external_id="cov-1",
                occurred_at=datetime.now() - timedelta(days=3),
            )
        )
    leader = browser("leader").get("/coverage").text
    assert "Acme Pumps" in leader and "one person and one contact" in leader
    assert "Leo Leader" in leader.split("If this person left")[1]
    assert "12,345.67" in leader
    member = browser("member").get("/coverage").text
    assert "Acme Pumps" in member and "12,345.67" not in member and "hidden" in member
    leo = employee_id(engine, "Leo Leader")
    what_if = browser("leader").get(f"/coverage?employee={leo}").text.split('id="impact"')[1]
    assert "<strong>Leo Leader</strong> left, 1 accounts worth 12,345.67" in what_if
    assert browser("member").get("/coverage?employee=0").status_code == 400
    account = browser("member").get(f"/accounts/{acme}?tab=team").text
    assert "Relationship coverage" in account and "Leo Leader" in account
    assert 'href="/roles"' in account and 'href="/coverage"' in account
