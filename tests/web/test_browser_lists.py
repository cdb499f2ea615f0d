"""In a real browser: save a view of the portfolio, reopen it from the Views menu, export it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from tests.web.conftest import SQLITE_ONLY
from tests.web.test_browser import Journey, chromium, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_a_saved_view_reopens_from_the_views_menu_and_exports(
    chromium: Browser,  # noqa: F811
    site: str,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    journey = Journey(page, site, request.node.originalname)
    journey.sign_in("leader")
    page.goto(f"{site}/portfolio")
    page.select_option("#region", "South")
    expect(page).to_have_url(re.compile(r"region=South"))
    results = page.locator("#portfolio-results")
    expect(results.get_by_role("link", name="Gamma Mills")).to_be_visible()
    expect(results.get_by_role("link", name="Acme Pumps")).to_have_count(0)
    page.locator(".views-menu summary").click()
    page.fill("#view-name", "Southern customers")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text("The view was saved")
    journey.shot("view-saved")

    page.goto(f"{site}/portfolio")
    expect(results.get_by_role("link", name="Acme Pumps")).to_be_visible()
    page.locator(".views-menu summary").click()
    page.get_by_role("link", name="Southern customers").click()
    expect(page).to_have_url(re.compile(r"region=South"))
    expect(results.get_by_role("link", name="Acme Pumps")).to_have_count(0)
    expect(page.locator("#region")).to_have_value("South")
    journey.shot("view-reopened")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert re.fullmatch(r"portfolio-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Account,Status,Segment,Region")
    assert "Gamma Mills" in text and "Acme Pumps" not in text
    assert not errors, errors
    context.close()
