"""No page runs on and on: every page of the menu, on the demo company, in a real Chromium.

Long lists (comments, themes, accounts whose answers and behaviour disagree) show their
first rows and fold or page the rest, so a leader scrolling on a phone reaches the end of
a page. Each page's height is measured at 390 and 1440 px on the demo company as
``keepwell demo`` leaves it (150 accounts, three scoring runs) and must stay under a
budget; the heights are written to ``test-artifacts/page-heights.txt``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from tests.conftest import ServedDemo
from tests.web.conftest import make_settings
from tests.web.liveserver import serve
from tests.web.test_browser import SCREENSHOTS, chromium  # noqa: F401  (fixture)

from keepwell.db import make_engine
from keepwell.web import create_app
from keepwell.web.templating import NAVIGATION

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BUDGET = {390: 12_000, 1440: 5_000}
"""The tallest a page may be, in px, at each width (the voice page was 27,800 px on a
phone with 300 accounts, most of it one table of 50 comments)."""
NOT_PAGES = {"/api/docs"}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory, served_demo: ServedDemo) -> Iterator[str]:
    """The demo company served over HTTP on loopback."""
    folder = tmp_path_factory.mktemp("page-length")
    engine = make_engine(f"sqlite:///{served_demo.copy(folder)}")
    app = create_app(make_settings(folder, environment="development"), engine)
    with serve(app) as base:
        yield base
    engine.dispose()


def test_no_page_of_the_menu_runs_past_its_budget(
    chromium: Browser,  # noqa: F811
    demo_site: str,
    served_demo: ServedDemo,
) -> None:
    leader = next(s["email"] for s in served_demo.summary["sign_ins"] if s["role"] == "leader")
    paths = [item.href for item in NAVIGATION if item.href not in NOT_PAGES]
    heights: list[tuple[int, str, int]] = []
    for width in BUDGET:
        context = chromium.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{demo_site}/login")
        page.fill("#email", leader)
        page.fill("#password", served_demo.summary["password"])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        for path in paths:
            page.goto(f"{demo_site}{path}")
            page.wait_for_load_state("networkidle")
            heights.append((width, path, page.evaluate("document.documentElement.scrollHeight")))
        context.close()
    report = Path(SCREENSHOTS).parent / "page-heights.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("".join(f"{w} px  {h:>6} px  {p}\n" for w, p, h in heights))
    too_long = [(w, p, h) for w, p, h in heights if h > BUDGET[w]]
    assert not too_long, f"pages past their budget (width, page, height): {too_long}"
    assert len(heights) == 2 * len(paths) > 30


def test_the_accounts_at_risk_read_as_cards_on_a_phone(
    chromium: Browser,  # noqa: F811
    demo_site: str,
    served_demo: ServedDemo,
) -> None:
    """A leader's first page on a phone: every account's owner, reason and next step is on
    screen without scrolling sideways, each named ("Owner: …", "Next step: …")."""
    leader = next(s["email"] for s in served_demo.summary["sign_ins"] if s["role"] == "leader")
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{demo_site}/login")
    page.fill("#email", leader)
    page.fill("#password", served_demo.summary["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{demo_site}/at-risk")
    cells = page.locator(".risk-list tbody td")
    assert cells.count() > 20
    rights = cells.evaluate_all("cells => cells.map(c => c.getBoundingClientRect().right)")
    assert max(rights) <= 390, "a cell of the at-risk list lies off the phone's screen"
    label = page.locator(".risk-list td[data-label='Next step']").first
    before = label.evaluate("c => getComputedStyle(c, '::before').content")
    assert before == '"Next step: "'
    context.close()
