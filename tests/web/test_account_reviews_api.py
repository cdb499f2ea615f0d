"""The account review API: started, edited and approved by the account team, read by every
role as JSON and PDF, never with amounts; refusals as RFC 9457 problem details; audited."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx2
import pypdfium2 as pdfium
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import bearer

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.plans.service import add_objective, create_plan

PROBLEM = "application/problem+json"
MONEY = ("250000", "250,000", "12345", "12,345", "54321", "54,321", "contract_value", "amount")
INTERNAL = ("risk", "health", "churn", "score", "They compare us", "Secret goal")


def problem(answer: httpx2.Response, status: int, words: str) -> None:
    """``answer`` is a problem detail with ``status`` whose detail says ``words``."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["status"] == status and words in body["detail"], body


def test_the_team_starts_edits_and_a_leader_approves(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
    engine: Engine,
) -> None:
    acme = record["C-1"]
    with session_scope(engine) as session:
        plan = create_plan(session, acme, title="Plan 2027", actor="t", internal_note="x")
        add_objective(
            session,
            plan,
            text="Commission four KP-240 pumps",
            actor="t",
            internal_note="They compare us with a cheaper supplier",
        )
        add_objective(session, plan, text="Secret goal", actor="t", shared=False)
    member = bearer(token("member", "write"))
    started = anonymous.post(
        f"/api/v1/accounts/{acme}/reviews", json={"period": "2026-Q3"}, headers=member
    )
    assert started.status_code == 201, started.text
    review = started.json()
    rid = review["id"]
    assert (review["period"], review["status"], review["account"]) == (
        "2026Q3",
        "draft",
        "Acme Pumps",
    )
    assert review["summary"].startswith("This review covers Q3 2026 for Acme Pumps.")
    assert review["objectives"] == ["Commission four KP-240 pumps"], "the open shared ones"
    assert review["created_by"].startswith("member@maker.test (token")
    assert review["pdf"] == f"/api/v1/reviews/{rid}.pdf"
    assert set(review["sections"]) >= {"installed_base", "uptime", "delivery", "service"}
    again = anonymous.post(
        f"/api/v1/accounts/{acme}/reviews", json={"period": "2026Q3"}, headers=member
    )
    problem(again, 409, "started already")
    assert again.json()["type"] == "/api/docs#problem-conflict"

    edited = anonymous.patch(
        f"/api/v1/reviews/{rid}",
        json={"objectives": ["Two KP-240 pumps running by March", "Keep 95 % of promises"]},
        headers=member,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["objectives"] == [
        "Two KP-240 pumps running by March",
        "Keep 95 % of promises",
    ]
    assert edited.json()["summary"] == review["summary"], "a field left out keeps its value"
    listed = anonymous.get(f"/api/v1/accounts/{acme}/reviews", headers=member).json()
    assert [(r["id"], r["status"]) for r in listed] == [(rid, "draft")]

    approved = anonymous.post(
        f"/api/v1/reviews/{rid}/approve", headers=bearer(token("leader", "write"))
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"].startswith("leader@maker.test")
    problem(
        anonymous.patch(f"/api/v1/reviews/{rid}", json={"summary": "late"}, headers=member),
        409,
        "can no longer be changed",
    )
    problem(anonymous.post(f"/api/v1/reviews/{rid}/approve", headers=member), 409, "already")

    pdf = anonymous.get(f"/api/v1/reviews/{rid}.pdf", headers=bearer(token("auditor", "read")))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert f"account-review-{acme}-2026Q3.pdf" in pdf.headers["content-disposition"]
    text = " ".join(
        " ".join(page.get_textpage().get_text_range().split())
        for page in pdfium.PdfDocument(pdf.content)
    )
    assert "Account review: Acme Pumps" in text and "Two KP-240 pumps running by March" in text
    assert "Draft" not in text

    with session_scope(engine) as session:
        actions = session.scalars(
            select(AuditLog.action)
            .where(AuditLog.action.like("account_review.%"))
            .order_by(AuditLog.id)
        ).all()
    assert actions == ["account_review.saved", "account_review.saved", "account_review.approved"]


def test_nobody_gets_money_or_anything_internal_in_the_review(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
    engine: Engine,
) -> None:
    """Amounts stay out whoever asks: a member (no money permission), and an admin too."""
    acme = record["C-1"]
    with session_scope(engine) as session:
        plan = create_plan(session, acme, title="Plan", actor="t", internal_note="Secret goal")
        add_objective(session, plan, text="Secret goal", actor="t", shared=False)
    admin = bearer(token("admin", "write"))
    rid = anonymous.post(
        f"/api/v1/accounts/{acme}/reviews", json={"period": "2026Q1"}, headers=admin
    ).json()["id"]
    for role in ("member", "admin"):
        auth = bearer(token(role, "read"))
        answers = [
            anonymous.get(f"/api/v1/reviews/{rid}", headers=auth),
            anonymous.get(f"/api/v1/accounts/{acme}/reviews", headers=auth),
        ]
        pdf = anonymous.get(f"/api/v1/reviews/{rid}.pdf", headers=auth)
        shown = [json.dumps(a.json()).lower() for a in answers] + [
            " ".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(pdf.content))
        ]
        assert all(a.status_code == 200 for a in answers) and pdf.status_code == 200
        for text in shown:
            for word in (*MONEY, *INTERNAL):
                assert word.lower() not in text.lower(), (role, word)


def test_who_may_start_edit_and_approve(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    acme, beta, gamma = record["C-1"], record["C-2"], record["C-3"]
    member, auditor = bearer(token("member", "write")), bearer(token("auditor", "write"))
    leader_read = bearer(token("leader", "read"))
    path = f"/api/v1/accounts/{acme}/reviews"
    problem(anonymous.post(path, json={"period": "2026Q2"}, headers=auditor), 403, "")
    problem(anonymous.post(path, json={"period": "2026Q2"}, headers=leader_read), 403, "")
    problem(
        anonymous.post(
            f"/api/v1/accounts/{beta}/reviews", json={"period": "2026Q2"}, headers=member
        ),
        403,
        "team, leaders and admins",
    )
    rid = anonymous.post(
        f"/api/v1/accounts/{gamma}/reviews",
        json={"period": "2026Q2", "summary": "Our words.", "objectives": []},
        headers=bearer(token("leader", "write")),
    ).json()["id"]
    assert anonymous.get(f"/api/v1/reviews/{rid}", headers=auditor).json()["objectives"] == []
    problem(anonymous.patch(f"/api/v1/reviews/{rid}", json={}, headers=auditor), 403, "")
    problem(anonymous.post(f"/api/v1/reviews/{rid}/approve", headers=leader_read), 403, "")
    # the member is on Gamma's team too (technical lead): the team edits and approves
    assert anonymous.post(f"/api/v1/reviews/{rid}/approve", headers=member).status_code == 200


def test_bad_input_and_unknown_records_are_problem_details(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    acme = record["C-1"]
    admin = bearer(token("admin", "write"))
    path = f"/api/v1/accounts/{acme}/reviews"
    problem(anonymous.post(path, json={"period": "2026Q5"}, headers=admin), 422, "not a quarter")
    many = {"period": "2026Q3", "objectives": [f"goal {n}" for n in range(21)]}
    assert anonymous.post(path, json=many, headers=admin).status_code == 422
    two_lines = {"period": "2026Q3", "objectives": ["one\ntwo"]}
    assert anonymous.post(path, json=two_lines, headers=admin).status_code == 422
    assert anonymous.post(path, json={"period": "2026Q3", "x": 1}, headers=admin).status_code == 422
    problem(
        anonymous.post(
            f"/api/v1/accounts/{acme + 1000}/reviews", json={"period": "2026Q3"}, headers=admin
        ),
        404,
        "no account",
    )
    for method, url in (
        ("GET", "/api/v1/reviews/999999"),
        ("GET", "/api/v1/reviews/999999.pdf"),
        ("PATCH", "/api/v1/reviews/999999"),
        ("POST", "/api/v1/reviews/999999/approve"),
        ("GET", f"/api/v1/accounts/{acme + 1000}/reviews"),
    ):
        body = {} if method == "PATCH" else None
        problem(anonymous.request(method, url, json=body, headers=admin), 404, "no ")
    unauthenticated = anonymous.get(f"/api/v1/accounts/{acme}/reviews")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"] == PROBLEM
