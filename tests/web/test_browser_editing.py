"""Editing in a real headless Chromium: an account and its audit entry, reassigning tasks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy import Engine, select
from tests.web.conftest import SQLITE_ONLY
from tests.web.test_browser import Journey, chromium, site  # noqa: F401 - fixtures

from keepwell.db import session_scope
from keepwell.people.models import Employee
from keepwell.tasks.models import Task

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def open_journey(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    request: pytest.FixtureRequest,
) -> tuple[Journey, list[str]]:
    """A signed-out tab on the site, and the console errors it will collect."""
    page: Page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # a refused form answers 422 on purpose; anything else (CSP, scripts) is a fault
        if message.type == "error" and "status of 422" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    return Journey(page, site, request.node.originalname), errors


def test_edit_an_account_and_read_the_change_in_the_audit_log(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    request: pytest.FixtureRequest,
) -> None:
    journey, errors = open_journey(chromium, site, request)
    page = journey.page
    journey.sign_in("admin")
    page.goto(f"{site}/portfolio")
    page.locator("#portfolio-results").get_by_role("link", name="Acme Pumps").click()
    page.get_by_role("link", name="Edit the account").click()
    expect(page.get_by_role("heading", name="Edit the account", level=1)).to_be_visible()
    page.fill("#segment", "Key accounts")
    page.fill("#tier", "A")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Saved: Segment OEM → Key accounts; Tier (empty) → A."
    )
    journey.shot("account-saved")
    page.select_option("#status", "lost")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("a lost account needs a reason")
    page.goto(f"{site}/audit?action=account.updated")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text("Account changed")
    expect(row).to_contain_text("Segment OEM → Key accounts")
    expect(row).not_to_contain_text("{'old'")
    journey.shot("audit")
    assert errors == []


def test_a_leader_reassigns_tasks(
    chromium: Browser,  # noqa: F811 - the fixture
    site: str,  # noqa: F811 - the fixture
    engine: Engine,
    record: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    with session_scope(engine) as s:
        mia = s.scalar(select(Employee.id).where(Employee.external_id == "E-1"))
        s.add_all(
            Task(title=title, account_id=record["C-1"], owner_id=mia, created_by="test")
            for title in ("Check the seals", "Send the report")
        )
    journey, errors = open_journey(chromium, site, request)
    page = journey.page
    journey.sign_in("leader")
    page.goto(f"{site}/tasks?scope=all")
    page.get_by_role("link", name="Reassign several tasks").click()
    expect(page.get_by_role("heading", name="Reassign tasks", level=1)).to_be_visible()
    page.get_by_label("Reassign Check the seals").check()
    page.select_option("#new_owner_id", label="Sam Seller (Account manager)")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("status")).to_contain_text("1 task now belongs to Sam Seller.")
    row = page.locator("tr", has_text="Check the seals")
    expect(row).to_contain_text("Sam Seller")
    expect(page.locator("tr", has_text="Send the report")).to_contain_text("Mia Member")
    journey.shot("reassigned")
    assert errors == []
