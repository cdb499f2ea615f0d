"""The account review page over HTTP: draft → edit → approve, the PDF, who may; and the
account panel "What the customer experienced"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pypdfium2 as pdfium
from sqlalchemy import Engine, select
from tests.web.conftest import Browser
from tests.web.test_plans import deliveries

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.plans.service import add_milestone, add_objective, create_plan
from keepwell.report.account import period_of


def test_the_team_edits_and_approves_the_review(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    url = f"/accounts/{acme}/reviews/2026Q3"
    member, auditor = browser("member"), browser("auditor")
    page = member.get(url)
    assert page.status_code == 200 and "Account review: Acme Pumps" in page.text
    assert "draft: the customer does not see it yet" in page.text and "Save the draft" in page.text
    saved = member.post(
        url, {"summary": "Thank you for a busy quarter.", "objectives": "Two KP-240\n"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?done=saved"
    page = member.get(saved.headers["location"]).text
    assert "summary and proposed objectives were saved" in page
    assert "Thank you for a busy quarter." in page and "<li>Two KP-240</li>" in page
    read_only = auditor.get(url)
    assert read_only.status_code == 200 and "Save the draft" not in read_only.text
    assert auditor.post(f"{url}/approve", {}).status_code == 403
    assert auditor.post(url, {"summary": "x"}).status_code == 403
    off_team = member.post(f"/accounts/{record['C-2']}/reviews/2026Q3/approve", {})
    assert off_team.status_code == 403 and "team, leaders and admins" in off_team.text
    approved = member.post(f"{url}/approve", {})
    assert approved.headers["location"] == f"{url}?done=approved"
    page = member.get(approved.headers["location"]).text
    assert "The review is approved" in page and "approved by" in page
    assert "Save the draft" not in page and "Draft, not yet approved" not in page
    frozen = browser("leader").post(url, {"summary": "changed"})
    assert frozen.status_code == 409 and "can no longer be changed" in frozen.text
    pdf = auditor.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "account-review-" in pdf.headers["content-disposition"]
    text = pdfium.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert "Thank you for a busy quarter." in text
    assert member.get(f"/accounts/{acme}/reviews/2026Q7").status_code == 404
    assert member.get(f"/accounts/{acme + 1000}/reviews/2026Q3").status_code == 404
    with session_scope(engine) as session:
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("account_review.%"))
        ).all()
    assert sorted(actions) == ["account_review.approved", "account_review.saved"]


def test_a_leader_approves_any_account_without_a_draft(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    url = f"/accounts/{record['C-3']}/reviews/2026Q2"
    leader = browser("leader")
    assert leader.post(f"{url}/approve", {}).status_code == 303
    page = leader.get(url).text
    assert "This review covers Q2 2026 for Gamma Mills." in page and "approved by" in page


def test_the_account_page_shows_what_the_customer_experienced(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    deliveries(engine, acme)
    with session_scope(engine) as session:
        plan = create_plan(session, acme, title="Plan 2027", actor="t")
        shared = add_objective(session, plan, text="Commission four KP-240 pumps", actor="t")
        add_objective(session, plan, text="Internal only goal", actor="t", shared=False)
        add_objective(session, plan, text="Finished goal", actor="t", status="done")
        add_milestone(
            session, shared, title="First pump", due_on=date.today() + timedelta(days=9), actor="t"
        )
    page = browser("auditor").get(f"/accounts/{acme}").text
    start = page.index("What the customer experienced")
    panel = page[start : start + 3000]
    assert "75 % on time (3 of 4 deliveries in 12 months)" in panel
    assert "1 repeat complaint in 12 months" in panel and "Seals leak" in panel
    assert "Commission four KP-240 pumps" in panel and "next milestone" in panel
    assert "Internal only goal" not in panel and "Finished goal" not in panel
    quarter = period_of(date.today())
    assert f'href="/accounts/{acme}/reviews/{quarter.label}"' in panel


def test_the_team_starts_a_quarter_from_the_list_of_reviews(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    acme, beta = record["C-1"], record["C-2"]
    member = browser("member")
    listing = member.get(f"/accounts/{acme}/reviews")
    assert listing.status_code == 200 and "No review started yet" in listing.text
    last = period_of(date.today() - timedelta(days=92))
    assert f'<option value="{last.label}">' in listing.text and "Start the draft" in listing.text
    started = member.post(f"/accounts/{acme}/reviews", {"period": last.label})
    url = f"/accounts/{acme}/reviews/{last.label}"
    assert started.status_code == 303 and started.headers["location"] == f"{url}?done=started"
    page = member.get(started.headers["location"]).text
    assert "The draft is started from the record" in page and "Save the draft" in page
    listing = member.get(f"/accounts/{acme}/reviews").text
    assert f'href="{url}"' in listing and f'href="{url}.pdf"' in listing
    assert f'<option value="{last.label}">' not in listing, "a started quarter is not offered"
    again = member.post(f"/accounts/{acme}/reviews", {"period": last.label})
    assert again.status_code == 409 and "started already" in again.text
    bad = member.post(f"/accounts/{acme}/reviews", {"period": "2026Q9"})
    assert bad.status_code == 422 and "not a quarter" in bad.text
    assert member.post(f"/accounts/{beta}/reviews", {"period": last.label}).status_code == 403
    auditor = browser("auditor").get(f"/accounts/{acme}/reviews").text
    assert "Start the draft" not in auditor and f'href="{url}"' in auditor
