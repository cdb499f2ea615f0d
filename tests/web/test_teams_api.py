"""The teams API: same rules as the pages, problem details, money only for leaders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from tests.teams.scores import score
from tests.web.conftest import bearer

from keepwell.db import session_scope
from keepwell.people.models import Employee, RetentionRole
from keepwell.record.models import Contact, Interaction, Quote


def test_teams_api_end_to_end(
    app: FastAPI, token: Callable[[str, str], str], record: dict[str, int], engine: Engine
) -> None:
    api = TestClient(app, base_url="https://testserver")
    member = bearer(token("member", "write"))
    leader = bearer(token("leader", "write"))
    reader = bearer(token("leader", "read"))
    acme = record["C-1"]
    with session_scope(engine) as session:
        leo = session.scalars(select(Employee).where(Employee.name == "Leo Leader")).one()
        jane = session.scalars(select(Contact).where(Contact.name == "Jane Buyer")).one()
        session.add(
            Interaction(
                account_id=acme,
                employee_id=leo.id,
                contact_id=jane.id,
                kind="call",
                occurred_at=datetime.now() - timedelta(days=1),
                source="test",
                external_id="api-1",
            )
        )
        rfq = Quote(account_id=acme, received_at=date.today(), source="crm", external_id="Q-7")
        session.add(rfq)
        session.flush()
        leo_id = leo.id
        rfq_id, sam = (
            rfq.id,
            session.scalars(select(Employee.id).where(Employee.name == "Sam Seller")).one(),
        )
    coverage = api.get("/api/v1/coverage", headers=member).json()
    assert coverage["summary"]["single_threaded"] == 1
    assert "revenue_12m" not in coverage["accounts"][0]
    assert (
        api.get("/api/v1/coverage", headers=leader).json()["departure_impact"][0]["revenue_12m"]
        == 12345.67
    )
    impact = api.get(f"/api/v1/employees/{leo_id}/departure-impact", headers=leader).json()
    assert (impact["sole_accounts"], impact["revenue_12m"]) == (1, 12345.67)
    hidden = api.get(f"/api/v1/employees/{leo_id}/departure-impact", headers=member).json()
    assert "revenue_12m" not in hidden and hidden["accounts"] == [
        {"account_id": acme, "name": "Acme Pumps"}
    ]
    assert api.get("/api/v1/employees/999999/departure-impact", headers=member).status_code == 404
    roles = api.get("/api/v1/roles", headers=member).json()
    owner = next(r for r in roles if r["key"] == "account_owner")
    change = {"name": "Account owner", "charter": "Owns the plan.", "signals": ["churn_risk"]}
    refused = api.put(f"/api/v1/roles/{owner['id']}", json=change, headers=member)
    assert refused.status_code == 403 and "only leaders and admins" in refused.json()["detail"]
    assert api.put(f"/api/v1/roles/{owner['id']}", json=change, headers=reader).status_code == 403
    assert api.put(f"/api/v1/roles/{owner['id']}", json=change, headers=leader).status_code == 200
    with Session(engine) as session:
        edited = session.get(RetentionRole, owner["id"])
        assert edited is not None and edited.charter == "Owns the plan."
    add = {"employee_id": sam, "role": "executive_sponsor"}
    assert api.post(f"/api/v1/accounts/{acme}/team", json=add, headers=member).status_code == 403
    made = api.post(f"/api/v1/accounts/{acme}/team", json=add, headers=leader)
    assert made.status_code == 201
    again = api.post(f"/api/v1/accounts/{acme}/team", json=add, headers=leader)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    ended = api.post(
        f"/api/v1/accounts/{acme}/team/{made.json()['id']}/end", json={}, headers=leader
    )
    assert ended.status_code == 200
    team = api.get(f"/api/v1/accounts/{acme}/team", headers=member).json()
    assert [m["name"] for m in team if not m["current"]] == ["Sam Seller"]
    score(engine, {acme: ("healthy", 0.02)}, date.today())
    read = {"read": "watch", "reason": "budget freeze"}
    assert api.post(f"/api/v1/accounts/{acme}/reads", json=read, headers=member).status_code == 403
    recorded = api.post(f"/api/v1/accounts/{acme}/reads", json=read, headers=leader)
    assert recorded.status_code == 201 and recorded.json()["model_read"] == "healthy"
    listed = api.get("/api/v1/reads/disagreements", headers=member).json()
    assert [d["account"] for d in listed["disagreements"]] == ["Acme Pumps"]
    send = {"lead_time_days": 14, "specification": "As drawing 12-A"}
    gate = api.post(f"/api/v1/rfqs/{rfq_id}/send", json=send, headers=member)
    assert gate.status_code == 409 and "Engineering feasibility" in gate.json()["detail"]
    admin = bearer(token("admin", "write"))
    sales = api.post(
        f"/api/v1/rfqs/{rfq_id}/reviews",
        json={"kind": "engineering", "decision": "approved"},
        headers=leader,
    )
    assert sales.status_code == 403 and "you are in Sales" in sales.json()["detail"]
    for kind in ("engineering", "operations", "quality"):
        review = {"kind": kind, "decision": "approved"}
        assert (
            api.post(f"/api/v1/rfqs/{rfq_id}/reviews", json=review, headers=admin).status_code
            == 201
        )
    assert api.get(f"/api/v1/rfqs/{rfq_id}/reviews", headers=member).json()["missing"] == []
    assert api.post(f"/api/v1/rfqs/{rfq_id}/send", json=send, headers=member).status_code == 200
    assert api.get("/api/v1/rfqs/metrics", headers=member).json()["answered"] == 2
    comment = {"body": "@sam please join the next visit"}
    assert (
        api.post(f"/api/v1/comments/rfq/{rfq_id}", json=comment, headers=member).status_code == 201
    )
    thread = api.get(f"/api/v1/comments/rfq/{rfq_id}", headers=member).json()
    assert thread[0]["mentioned"] == ["Sam Seller"]
    assert api.get("/api/v1/comments/task/1", headers=member).status_code == 404
    assert api.get("/api/v1/rfqs/999999/reviews", headers=member).status_code == 404
