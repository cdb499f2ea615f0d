"""A success plan made inside, shared, answered by the customer without signing in, revoked.

Runs in Debian's headless Chromium like ``test_browser.py``; screenshots go to
``test-artifacts/screenshots/test_plan_shared_with_the_customer-<step>.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine
from tests.web.conftest import SQLITE_ONLY, make_settings
from tests.web.liveserver import serve
from tests.web.test_browser import CHROMIUM_ARGS, Journey, chromium_path

from keepwell.web import create_app

pytestmark = [pytest.mark.browser, SQLITE_ONLY]
COMMENT = "The seals arrive on Monday; line 3 stops on Tuesday for the swap."


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """A headless Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(
    engine: Engine, tmp_path: Path, people: dict[str, int], record: dict[str, int]
) -> Iterator[str]:
    """The app with the small record over plain HTTP on loopback."""
    settings = make_settings(tmp_path, environment="development", cookie_secure=False)
    with serve(create_app(settings, engine)) as url:
        yield url


def make_plan(journey: Journey, account: int) -> str:
    """On the account page: make a plan, add an objective and a milestone, share it."""
    page = journey.page
    page.goto(f"{journey.base}/accounts/{account}")
    panel = page.locator("#panel-plans")
    panel.get_by_text("Make a success plan").click()
    page.fill("#plan-title", "Uptime year 2027")
    panel.get_by_role("button", name="Make plan").click()
    expect(page.get_by_role("heading", name="Uptime year 2027", level=1)).to_be_visible()
    page.fill("#objective-text", "Cut unplanned downtime on line 3 by 20 %")
    page.select_option("#objective-employee", label="Mia Member")
    page.select_option("#objective-contact", label="Jane Buyer")
    page.fill("#objective-note", "They compare us with a cheaper supplier")
    page.get_by_role("button", name="Add objective").click()
    expect(page.get_by_role("status")).to_contain_text("The objective was added")
    page.get_by_text("Add a milestone or change the status").click()
    page.locator("input[name=title]").first.fill("Swap the seals on line 3")
    page.locator("input[name=due_on]").first.fill("2027-03-01")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator(".milestones")).to_contain_text("Swap the seals on line 3")
    journey.shot("plan")
    page.get_by_role("button", name="Share with the customer").click()
    expect(page.get_by_role("status")).to_contain_text("it is shown only now")
    journey.shot("shared")
    url = page.locator("#share-url").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/shared/plans/[A-Za-z0-9_-]{43}", url)
    return url.replace("http://127.0.0.1:8000", journey.base)


def customer_comments(page: Page, link: str, journey: Journey) -> None:
    """A fresh browser without sign-in opens the link and comments on the milestone."""
    answer = page.goto(link)
    assert answer is not None and answer.status == 200
    expect(page.get_by_role("heading", name="Uptime year 2027", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("cheaper supplier")
    page.get_by_label("Your comment").fill(COMMENT)
    page.get_by_label("Your name (optional)").fill("Jane")
    page.get_by_role("button", name="Comment").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your comment")
    expect(page.locator(".milestones")).to_contain_text(COMMENT)
    Journey(page, journey.base, journey.test).shot("customer")


def test_plan_shared_with_the_customer(
    chromium: Browser, site: str, record: dict[str, int], request: pytest.FixtureRequest
) -> None:
    """Made inside, shared, commented by the customer, seen inside, revoked, refused."""
    inside = chromium.new_context(viewport={"width": 1280, "height": 900})
    journey = Journey(inside.new_page(), site, request.node.originalname)
    journey.sign_in("member")
    link = make_plan(journey, record["C-1"])

    outside = chromium.new_context(viewport={"width": 1000, "height": 900})
    customer = outside.new_page()
    customer_comments(customer, link, journey)

    journey.page.reload()
    expect(journey.page.locator(".milestones")).to_contain_text(COMMENT)
    expect(journey.page.locator(".milestones")).to_contain_text("from the customer")
    journey.page.get_by_role("button", name="Revoke the link").click()
    expect(journey.page.get_by_role("status")).to_contain_text("link was revoked")
    expect(journey.page.locator("#share-state")).to_have_text("no")
    journey.shot("revoked")

    refused = customer.goto(link)
    assert refused is not None and refused.status == 410
    expect(customer.locator("main")).to_contain_text("This link no longer works")
    expect(customer.locator("main")).not_to_contain_text("Uptime")
    Journey(customer, site, journey.test).shot("refused")
    outside.close()
    inside.close()
