"""The account review for the customer in a real headless Chromium, as people use it: the
account team starts the quarter's draft from the account and edits the proposed
objectives, a leader approves it and downloads the PDF, and the customer, without signing
in, finds it through the plan's link with nothing internal in it.

Screenshots go to ``test-artifacts/screenshots/test_account_review_for_the_customer-*.png``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect
from tests.web.conftest import SQLITE_ONLY
from tests.web.test_browser import Journey, chromium, site  # noqa: F401 - fixtures
from tests.web.test_browser_phone_a11y import PHONE, axe_violations
from tests.web.test_plans_browser import make_plan

from keepwell.report.account import period_of

pytestmark = [pytest.mark.browser, SQLITE_ONLY]
OBJECTIVES = ("Commission four KP-240 pumps by Q3", "Cut repeat seal complaints to zero")
MONEY = ("250000", "250,000", "250.000", "12345", "12,345", "12.345", "54321", "54,321", "EUR")
INTERNAL = ("risk", "health", "churn", "score", "cheaper supplier")
"""Words of the inside: the plan's internal note is "They compare us with a cheaper supplier"."""


def pdf_text(path: Path) -> str:
    """The PDF's text on one line (asserting it is a PDF)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    pages = pdfium.PdfDocument(data)
    return " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pages)


def download(page: Page, link: str, to: Path) -> Path:
    """Click the link named ``link`` and keep the file it downloads."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link).first.click()
    started.value.save_as(to)
    return to


def nothing_internal(text: str) -> None:
    lowered = text.lower()
    for word in (*MONEY, *INTERNAL):
        assert word.lower() not in lowered, word


def test_account_review_for_the_customer(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    record: dict[str, int],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """Started, edited, approved by a leader, downloaded, shared through the plan's link."""
    acme, quarter = record["C-1"], period_of(date.today())
    inside = chromium.new_context(viewport={"width": 1280, "height": 900})
    member = Journey(inside.new_page(), site, request.node.originalname)
    member.sign_in("member")
    link = make_plan(member, acme)  # the plan the customer already has a link to

    page = member.page
    page.goto(f"{site}/accounts/{acme}")
    expect(page.get_by_role("heading", name="Acme Pumps", level=1)).to_be_visible()
    page.get_by_role("link", name="All account reviews").click()
    expect(page.get_by_role("heading", name="Account reviews: Acme Pumps")).to_be_visible()
    expect(page.locator("#review-list")).to_contain_text("No review started yet")
    member.shot("reviews")
    page.select_option("#review-period", quarter.label)
    page.get_by_role("button", name="Start the draft").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{acme}/reviews/{quarter.label}\?done=started"))
    expect(page.get_by_role("status")).to_contain_text("The draft is started from the record")
    expect(page.locator("#review-state")).to_contain_text("draft: the customer does not see it")
    expect(page.get_by_role("main")).to_contain_text("Draft, not yet approved")
    member.shot("draft")
    page.fill("#review-objectives-text", "\n".join(OBJECTIVES))
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status")).to_contain_text("summary and proposed objectives were saved")
    for objective in OBJECTIVES:
        expect(page.locator("#review-objectives-text")).to_contain_text(objective)
        expect(page.locator("main li", has_text=objective)).to_have_count(1)
    member.shot("edited")

    leaders = chromium.new_context(viewport={"width": 1280, "height": 900})
    leader = Journey(leaders.new_page(), site, request.node.originalname)
    leader.sign_in("leader")
    leader.page.goto(f"{site}/accounts/{acme}/reviews")
    expect(leader.page.locator("#review-list")).to_contain_text("draft")
    leader.page.get_by_role("link", name=quarter.title).click()
    leader.page.get_by_role("button", name="Approve for the customer").click()
    expect(leader.page.get_by_role("status")).to_contain_text("The review is approved")
    expect(leader.page.locator("#review-state")).to_contain_text("approved by leader@maker.test")
    expect(leader.page.get_by_role("button", name="Save the draft")).to_have_count(0)
    leader.shot("approved")
    inside_pdf = pdf_text(download(leader.page, "Download PDF", tmp_path / "inside.pdf"))
    assert "Account review: Acme Pumps" in inside_pdf and OBJECTIVES[0] in inside_pdf
    assert "Draft" not in inside_pdf
    nothing_internal(inside_pdf)

    outside = chromium.new_context(viewport={"width": 1000, "height": 900})
    customer = outside.new_page()
    answer = customer.goto(link)
    assert answer is not None and answer.status == 200
    expect(customer.get_by_role("button", name="Sign out")).to_have_count(0)
    reviews = customer.locator("#account-reviews")
    expect(reviews).to_contain_text(f"Account review {quarter.title} (PDF)")
    Journey(customer, site, member.test).shot("customer")
    nothing_internal(customer.locator("main").inner_text())
    shared = pdf_text(
        download(customer, f"Account review {quarter.title} (PDF)", tmp_path / "c.pdf")
    )
    assert "Account review: Acme Pumps" in shared
    for objective in OBJECTIVES:
        assert objective in shared, objective
    nothing_internal(shared)
    assert "@maker.test" not in customer.content() + shared, "no one inside by e-mail"
    outside.close()
    leaders.close()
    inside.close()

    checks = chromium.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = checks.new_page()
    Journey(page, site, member.test).sign_in("member")
    for size in ({"width": 1440, "height": 900}, PHONE):  # the pages the a11y sweep skips
        page.set_viewport_size({"width": size["width"], "height": size["height"]})
        for path in (f"/accounts/{acme}/reviews", f"/accounts/{acme}/reviews/{quarter.label}"):
            page.goto(site + path)
            assert axe_violations(page, path) == [], size
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], (path, size, width)
    checks.close()
