"""Daily work in a real headless Chromium: finding a ticket from the top bar, and an RFQ
review that only its department may record."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine
from tests.web.conftest import SQLITE_ONLY
from tests.web.test_browser import Journey, chromium, site  # noqa: F401 - fixtures

from keepwell.db import session_scope
from keepwell.record.models import Quote

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_find_a_ticket_from_the_top_bar(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    request: pytest.FixtureRequest,
) -> None:
    """A ticket number typed in the top bar finds the ticket and its account; one click
    opens the ticket, the next its account."""
    journey = Journey(chromium.new_context().new_page(), site, request.node.originalname)
    journey.sign_in("member")
    page = journey.page
    page.locator("#topbar-q").fill("T-1")
    page.locator("#topbar-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=T-1"))
    results = page.get_by_role("main")
    expect(results.get_by_role("heading", name=re.compile("Tickets"))).to_be_visible()
    journey.shot("search-results")
    results.get_by_role("link", name=re.compile("Seal leaking")).first.click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    expect(page.get_by_role("main")).to_contain_text("Acme Pumps")
    page.get_by_role("main").get_by_role("link", name="Acme Pumps").first.click()
    expect(page.get_by_role("heading", name="Acme Pumps", level=1)).to_be_visible()
    journey.shot("ticket-account")


def test_sales_cannot_record_the_engineering_review(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    engine: Engine,
    record: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    """The Sales leader is offered no review form and a forged review is refused with the
    reason; an admin records it and the table shows who approved and when."""
    with session_scope(engine) as session:
        rfq = Quote(
            account_id=record["C-3"],
            received_at=date.today() - timedelta(days=2),
            source="crm",
            external_id="Q-77",
        )
        session.add(rfq)
        session.flush()
        quote_id = rfq.id
    sales = Journey(chromium.new_context().new_page(), site, request.node.originalname)
    sales.sign_in("leader")
    sales.page.goto(f"{site}/rfqs/{quote_id}")
    main = sales.page.get_by_role("main")
    expect(main).to_contain_text("Reviews are recorded by Engineering")
    expect(sales.page.locator("form[action$='/reviews']")).to_have_count(0)
    sales.shot("sales-rfq")
    token = sales.page.locator("input[name=csrf_token]").first.input_value()
    forged = sales.page.request.post(
        f"{site}/rfqs/{quote_id}/reviews",
        form={"csrf_token": token, "kind": "engineering", "decision": "approved"},
    )
    assert forged.status == 403
    assert "recorded by someone in Engineering (or an admin); you are in Sales" in forged.text()

    admin = Journey(chromium.new_context().new_page(), site, request.node.originalname)
    admin.sign_in("admin")
    admin.page.goto(f"{site}/rfqs/{quote_id}")
    admin.page.select_option("#kind", "engineering")
    admin.page.select_option("#decision", "approved")
    admin.page.get_by_role("button", name="Record review").click()
    row = admin.page.locator("tr").filter(has_text="Engineering feasibility")
    expect(row).to_contain_text("approved")
    expect(row).to_contain_text("Admin")
    admin.shot("admin-approved")
