"""A person's journey through the pages in a real headless Chromium (Debian's ``chromium``).

Each step saves a screenshot to ``test-artifacts/screenshots/<test>-<step>.png``. A new
step is one method on ``Journey`` plus one line in ``test_journey``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine
from tests.web.conftest import PASSWORD, SQLITE_ONLY, email, make_settings
from tests.web.liveserver import serve
from tests.web.scoredata import store_runs

from keepwell.db import session_scope
from keepwell.tasks.models import Task
from keepwell.web import create_app

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BAD_ORDERS = (
    b"external_id,account,ordered_at,amount\nO-9,C-1,not a date,12.5\nO-10,NOPE,2024-01-05,x\n"
)


def chromium_path() -> str:
    """Debian's chromium; the tests refuse to download a browser."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install chromium (.ci/run installs it)")
    return path


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
    """The app with the small record and two scoring runs, over plain HTTP on loopback."""
    store_runs(engine, record)
    settings = make_settings(tmp_path, environment="development", cookie_secure=False)
    with serve(create_app(settings, engine)) as url:
        yield url


class Journey:
    """One signed-in person in one browser tab; every step ends with a screenshot."""

    def __init__(self, page: Page, base: str, test: str) -> None:
        self.page, self.base, self.test = page, base, test

    def shot(self, step: str) -> None:
        """Save the whole page as ``<test>-<step>.png``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{self.test}-{step}.png", full_page=True)

    def sign_in(self, role: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.shot("login")
        self.page.fill("#email", email(role))
        self.page.fill("#password", PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()
        self.shot("signed-in")

    def open_portfolio(self) -> None:
        self.page.get_by_role("link", name="Portfolio").first.click()
        expect(self.page.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
        expect(self.page.get_by_role("link", name="Acme Pumps").first).to_be_visible()
        expect(self.page.locator(".movers")).to_contain_text("15% → 72%")
        self.page.select_option("#sort", "risk")
        expect(self.page).to_have_url(re.compile(r"sort=risk"))
        expect(self.page.locator("#portfolio-results tbody tr").first).to_contain_text("72%")
        self.shot("portfolio")

    def open_account(self, name: str) -> None:
        self.page.locator("#portfolio-results").get_by_role("link", name=name).click()
        expect(self.page.get_by_role("heading", name=name, level=1)).to_be_visible()
        expect(self.page.locator(".reasons")).to_contain_text("no order in the last 90 days")
        self.shot("account")
        self.page.locator(".account-tabs").get_by_role("link", name="Timeline").click()
        expect(self.page).to_have_url(re.compile(r"tab=timeline"))
        expect(self.page.locator("#timeline")).to_contain_text("Seal leaking")
        self.shot("account-timeline")

    def add_note(self, text: str) -> None:
        self.page.fill("#note-subject", "Call with purchasing")
        self.page.fill("#note-text", text)
        self.page.get_by_role("button", name="Add to timeline").click()
        expect(self.page.locator("#timeline")).to_contain_text(text)
        expect(self.page.locator("#activity [role=status]")).to_have_text(
            "Note added to the timeline."
        )
        self.page.reload()
        expect(self.page.locator("#timeline")).to_contain_text(text)
        self.shot("note")
        self.page.go_back()
        expect(self.page.locator(".reasons")).to_be_visible()  # the back button: the overview

    def add_task(self, title: str) -> None:
        panel = self.page.locator("#account-tasks")
        panel.get_by_text("Add a task").click()
        self.page.fill("#task-title", title)
        self.page.fill("#task-description", "Bring the seal test report.")
        panel.get_by_role("button", name="Add task").click()
        expect(self.page.locator("#account-tasks")).to_contain_text(title)
        self.page.reload()
        expect(self.page.locator("#account-tasks")).to_contain_text(title)
        self.shot("task")

    def upload_bad_import(self) -> None:
        self.page.get_by_role("link", name="Imports").first.click()
        self.page.select_option("#kind", "orders")
        payload = {"name": "orders.csv", "mimeType": "text/csv", "buffer": BAD_ORDERS}
        self.page.set_input_files("#file", payload)
        self.page.get_by_role("button", name="Upload and check").click()
        expect(self.page.get_by_role("alert")).to_contain_text("nothing was imported")
        problems = self.page.locator("table tbody tr")
        expect(problems.filter(has_text="ordered_at")).not_to_have_count(0)
        expect(problems.filter(has_text="NOPE")).not_to_have_count(0)
        self.shot("import-errors")

    def start_on_the_accounts_at_risk(self, owner: str, reason: str, step: str) -> None:
        expect(self.page).to_have_url(re.compile(r"/at-risk$"))
        expect(self.page.get_by_role("heading", name="Accounts at risk", level=1)).to_be_visible()
        first = self.page.locator("tr.risk-row").first
        for text in ("Acme Pumps", "72%", owner, reason, step, "due "):
            expect(first).to_contain_text(text)
        self.shot("at-risk")
        first.get_by_role("link", name="Acme Pumps").click()
        expect(self.page.get_by_role("heading", name="Acme Pumps", level=1)).to_be_visible()
        self.shot("at-risk-account")

    def follow_the_weekly_review(self) -> None:
        self.page.get_by_role("link", name="Weekly review").first.click()
        expect(self.page.get_by_role("heading", name="Weekly retention review")).to_be_visible()
        figures = self.page.locator("#review-portfolio .review-figures")
        at_risk = figures.locator("div").filter(has=self.page.get_by_text("At risk", exact=True))
        at_risk.get_by_role("link").click()
        expect(self.page).to_have_url(re.compile(r"/portfolio\?risk=at_risk"))
        rows = self.page.locator("#portfolio-results tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Acme Pumps")
        self.shot("review-at-risk")
        rows.first.get_by_role("link", name="Acme Pumps").click()
        expect(self.page.get_by_role("heading", name="Acme Pumps", level=1)).to_be_visible()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        expect(self.page.locator("#email")).to_be_visible()
        self.page.goto(f"{self.base}/portfolio")
        expect(self.page).to_have_url(re.compile(r"/login"))
        self.shot("signed-out")


def test_journey(chromium: Browser, site: str, request: pytest.FixtureRequest) -> None:
    """Sign in, portfolio, an account, a note, a task, a rejected import with its problems,
    sign out."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    journey = Journey(context.new_page(), site, request.node.originalname)
    journey.sign_in("admin")
    journey.open_portfolio()
    journey.open_account("Acme Pumps")
    journey.add_note("Purchasing asks for a second quote on seals.")
    journey.add_task("Send the second quote on seals")
    journey.upload_bad_import()
    journey.sign_out()
    context.close()


def test_a_leader_finds_who_is_at_risk_why_and_who_is_on_it(
    chromium: Browser,
    site: str,
    engine: Engine,
    record: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    """The first page answers the question; one click opens the account; the weekly
    review's figures open the accounts behind them."""
    with session_scope(engine) as session:
        session.add(
            Task(
                title="Call the buyer about the stopped orders",
                account_id=record["C-1"],
                due_on=date.today() + timedelta(days=3),
                status="open",
            )
        )
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    journey = Journey(context.new_page(), site, request.node.originalname)
    journey.sign_in("leader")
    journey.start_on_the_accounts_at_risk(
        "Leo Leader", "no order in the last 90 days", "Call the buyer about the stopped orders"
    )
    journey.follow_the_weekly_review()
    context.close()
