"""The plan shared with the customer: shows only what was shared, cannot be guessed, reused
or turned on another plan, is rate limited and audited."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from tests.web.conftest import CONTRACT_VALUE, ORDER_AMOUNT, QUOTE_VALUE, bearer, make_settings
from tests.web.scoredata import store_runs

from keepwell.audit.models import AuditLog
from keepwell.days import utcnow
from keepwell.db import session_scope
from keepwell.plans.models import MilestoneComment, PlanMilestone, PlanShareLink, SuccessPlan
from keepwell.plans.service import add_milestone, add_objective, create_plan
from keepwell.plans.sharing import share_plan
from keepwell.record.models import Contact
from keepwell.web import create_app

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SECRETS = (
    "PLAN-NOTE-SECRET",
    "OBJECTIVE-NOTE-SECRET",
    "Hidden objective",
    "Hidden milestone",
    "Other plan on Acme",
    "Gamma plan",
)


@dataclass
class Shared:
    """Two plans on Acme and one on Gamma; plan A shared, its link in clear."""

    path: str
    raw: str
    milestone: int
    hidden_milestone: int
    other_milestone: int
    plan: int


def milestone_of(session: Session, plan: SuccessPlan, text: str) -> int:
    """A shared objective with one shared milestone on ``plan``; the milestone's id."""
    objective = add_objective(session, plan, text=text, actor="t")
    return add_milestone(
        session, objective, title=f"{text} step", due_on=date(2027, 3, 1), actor="t"
    ).id


@pytest.fixture
def shared(engine: Engine, record: dict[str, int]) -> Shared:
    store_runs(engine, record)  # risk and health scores on Acme
    with session_scope(engine) as session:
        jane = session.scalars(select(Contact).where(Contact.external_id == "K-1")).one()
        plan = create_plan(
            session, record["C-1"], title="Acme uptime", actor="t", internal_note=SECRETS[0]
        )
        objective = add_objective(
            session,
            plan,
            text="Line 3 runs without stops",
            actor="t",
            contact_id=jane.id,
            status="at_risk",
            internal_note=SECRETS[1],
            measure="on_time_delivery",
        )
        milestone = add_milestone(
            session, objective, title="Seals swapped", due_on=date(2027, 3, 1), actor="t"
        ).id
        add_objective(session, plan, text=SECRETS[2], actor="t", shared=False)
        hidden = add_milestone(
            session, objective, title=SECRETS[3], due_on=date(2027, 4, 1), actor="t", shared=False
        ).id
        other = create_plan(session, record["C-1"], title=SECRETS[4], actor="t")
        other_milestone = milestone_of(session, other, "Other goal")
        gamma = create_plan(session, record["C-3"], title=SECRETS[5], actor="t")
        milestone_of(session, gamma, "Gamma goal")
        share_plan(session, other, actor="t")
        raw, _link = share_plan(session, plan, actor="t")
        plan_id = plan.id
    return Shared(f"/shared/plans/{raw}", raw, milestone, hidden, other_milestone, plan_id)


def form_token(client: TestClient, path: str) -> str:
    found = FORM_TOKEN.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def test_the_shared_view_shows_the_shared_plan_and_nothing_internal(
    anonymous: TestClient, shared: Shared
) -> None:
    page = anonymous.get(shared.path)
    assert page.status_code == 200
    text = page.text
    assert "Acme uptime" in text and "Line 3 runs without stops" in text
    assert "Seals swapped" in text and "Jane Buyer" in text and "needs attention" in text
    assert "On-time delivery" in text
    for secret in SECRETS:
        assert secret not in text, secret
    for internal in (ORDER_AMOUNT, CONTRACT_VALUE, QUOTE_VALUE, "12345", "250000", "EUR"):
        assert internal not in text, internal
    lowered = text.lower()
    for word in ("risk", "health", "churn", "72%", "72 %", "overdue", "beta works", "gamma"):
        assert word not in lowered, word
    for internal in ("Seal leaking", "Checked the pumps", "Sign out", "/accounts/", "/api/"):
        assert internal not in text, internal
    assert page.headers["referrer-policy"] == "same-origin"
    assert "no-store" in page.headers["cache-control"]


def test_links_cannot_be_guessed_and_only_the_digest_is_stored(
    anonymous: TestClient, shared: Shared, engine: Engine
) -> None:
    with session_scope(engine) as session:
        stored = session.scalars(select(PlanShareLink.token_hash)).all()
    assert hashlib.sha256(shared.raw.encode()).hexdigest() in stored
    assert shared.raw not in stored and len(shared.raw) == 43
    for guess in (
        secrets.token_urlsafe(32),
        shared.raw[:-1] + "A",
        "1",
        shared.raw + "x",
        "x" * 43,
    ):
        answer = anonymous.get(f"/shared/plans/{guess}")
        if guess == shared.raw:
            continue
        assert answer.status_code == 404, guess
        assert "does not work" in answer.text and "Acme" not in answer.text


def test_a_customer_marks_done_and_comments_only_on_their_plan(
    anonymous: TestClient, shared: Shared, engine: Engine, token: Callable[[str, str], str]
) -> None:
    signed = form_token(anonymous, shared.path)
    base = f"{shared.path}/milestones"
    done = anonymous.post(f"{base}/{shared.milestone}/done", data={"form_token": signed})
    assert done.status_code == 303
    assert "milestone is marked done" in anonymous.get(done.headers["location"]).text
    comment = {"form_token": signed, "body": "Seals arrive on Monday", "name": "Jane"}
    said = anonymous.post(f"{base}/{shared.milestone}/comments", data=comment)
    assert said.status_code == 303
    assert "Seals arrive on Monday" in anonymous.get(shared.path).text
    inside = anonymous.get(f"/api/v1/plans/{shared.plan}", headers=bearer(token("auditor", "read")))
    seen = inside.json()["objectives"][0]["milestones"][0]
    assert seen["done_by"] == "the customer"
    assert datetime.fromisoformat(seen["done_at"]).tzinfo is not None
    assert [(c["author"], c["by_customer"]) for c in seen["comments"]] == [("Jane", True)]
    for milestone in (shared.other_milestone, shared.hidden_milestone, 999999):
        for action, data in (("done", {"form_token": signed}), ("comments", comment)):
            refused = anonymous.post(f"{base}/{milestone}/{action}", data=data)
            assert refused.status_code == 404, (milestone, action)
            assert "does not work" in refused.text
    forged = anonymous.post(
        f"{base}/{shared.milestone}/comments", data={**comment, "form_token": "x"}
    )
    assert forged.status_code == 403
    unsigned = anonymous.post(f"{base}/{shared.milestone}/comments", data={"body": "hi"})
    assert unsigned.status_code == 403
    empty = anonymous.post(f"{base}/{shared.milestone}/comments", data={**comment, "body": "  "})
    assert empty.status_code == 422 and "write something" in empty.text
    with session_scope(engine) as session:
        comments = session.scalars(select(MilestoneComment)).all()
        assert [(c.milestone_id, c.author, c.by_customer) for c in comments] == [
            (shared.milestone, "Jane", True)
        ]
        other = session.get_one(PlanMilestone, shared.other_milestone)
        hidden = session.get_one(PlanMilestone, shared.hidden_milestone)
        assert other.done_at is None and hidden.done_at is None
        assert session.get_one(PlanMilestone, shared.milestone).done_by == "the customer"
        actions = [a for (a,) in session.execute(select(AuditLog.action))]
    assert {"plan_link.viewed", "plan_link.milestone_done", "plan_link.comment"} <= set(actions)
    assert actions.count("plan_link.refused") == 8  # 3 milestones × 2 actions, 2 forged forms


def test_revoked_and_expired_links_are_gone(
    anonymous: TestClient, shared: Shared, engine: Engine
) -> None:
    token = form_token(anonymous, shared.path)
    with session_scope(engine) as session:
        link = session.scalars(
            select(PlanShareLink).where(PlanShareLink.plan_id == shared.plan)
        ).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
    expired = anonymous.get(shared.path)
    assert expired.status_code == 410 and "no longer works" in expired.text
    assert "Acme" not in expired.text
    posted = anonymous.post(
        f"{shared.path}/milestones/{shared.milestone}/done", data={"form_token": token}
    )
    assert posted.status_code == 410
    with session_scope(engine) as session:
        link = session.scalars(
            select(PlanShareLink).where(PlanShareLink.plan_id == shared.plan)
        ).one()
        link.expires_at = utcnow() + timedelta(days=1)
        link.revoked_at = utcnow()
        assert session.get_one(PlanMilestone, shared.milestone).done_at is None
    assert anonymous.get(shared.path).status_code == 410
    with session_scope(engine) as session:
        reasons = [
            c["reason"]
            for c in session.scalars(
                select(AuditLog.changes).where(AuditLog.action == "plan_link.refused")
            )
        ]
    assert reasons.count("gone") == 3


@pytest.fixture
def strict_app(engine: Engine, tmp_path: Path) -> FastAPI:
    settings = make_settings(tmp_path, plan_link_max_requests=3, plan_link_address_max_requests=6)
    return create_app(settings, engine)


def test_shared_links_are_rate_limited_per_link_and_per_address(
    strict_app: FastAPI, shared: Shared
) -> None:
    client = TestClient(strict_app, base_url="https://testserver", follow_redirects=False)
    assert [client.get(shared.path).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Too many requests" in client.get(shared.path).text
    guesses = [
        client.get(f"/shared/plans/{secrets.token_urlsafe(32)}").status_code for _ in range(2)
    ]
    assert guesses == [404, 429]  # the 6th request from this address is the last allowed


def test_the_link_offers_approved_account_reviews_of_its_account_only(
    anonymous: TestClient, shared: Shared, record: dict[str, int], engine: Engine
) -> None:
    import pypdfium2 as pdfium

    from keepwell.report.account import approve_review, parse_period, save_draft

    pdf_path = f"{shared.path}/reviews/2026Q3.pdf"
    with session_scope(engine) as session:
        save_draft(
            session, record["C-1"], parse_period("2026Q3"), summary="Hi", objectives="", actor="t"
        )
        approve_review(session, record["C-3"], parse_period("2026Q2"), actor="t")
    assert "Account reviews" not in anonymous.get(shared.path).text
    assert anonymous.get(pdf_path).status_code == 404, "a draft is not shared"
    assert anonymous.get(f"{shared.path}/reviews/2026Q2.pdf").status_code == 404, "Gamma's"
    with session_scope(engine) as session:
        approve_review(session, record["C-1"], parse_period("2026Q3"), actor="t")
    page = anonymous.get(shared.path).text
    assert f'href="{pdf_path}"' in page and "Account review Q3 2026 (PDF)" in page
    answer = anonymous.get(pdf_path)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(answer.content)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "Account review: Acme Pumps" in text and "Draft" not in text
    lowered = text.lower()
    for word in ("risk", "health", "churn", "gamma", "beta works", "checked the pumps"):
        assert word not in lowered, word
    # the review covers the shared objectives of every plan of Acme (the team approved it),
    # never notes, unshared objectives and milestones, or another account's plan
    for internal in (ORDER_AMOUNT, CONTRACT_VALUE, QUOTE_VALUE, *SECRETS[:4], SECRETS[5]):
        assert internal not in text, internal
    with session_scope(engine) as session:
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("plan_link.re%"))
        ).all()
    assert actions.count("plan_link.review") == 1 and actions.count("plan_link.refused") == 2
    with session_scope(engine) as session:
        plan = session.get_one(SuccessPlan, shared.plan)
        from keepwell.plans.sharing import revoke_share

        revoke_share(session, plan, actor="t")
    assert anonymous.get(pdf_path).status_code == 410
