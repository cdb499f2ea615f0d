"""Every page in a real Chromium: accessible (axe-core, vendored) and phone-ready at 390 px.

The pages are the app's own GET routes without path parameters plus a few with ids (an
account with each of its tabs, a task, a ticket, a problem). A leader visits them; pages
a leader may not open are visited by an admin. Each page is saved as a screenshot at 1440
and at 390 px under ``test-artifacts/screenshots/pages-<width>/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, select
from tests.web.conftest import PARAM, PASSWORD, SQLITE_ONLY, email, make_settings
from tests.web.liveserver import serve
from tests.web.scoredata import store_runs
from tests.web.test_browser import SCREENSHOTS, chromium  # noqa: F401  (fixture)
from tests.web.test_browser_pages import ACCOUNT_TABS

from keepwell.db import session_scope
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Ticket
from keepwell.tasks.models import Task
from keepwell.web import create_app
from keepwell.web.deps import route_access

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SKIPPED = {"/healthz", "/login", "/reports/weekly.html", "/reports/weekly.pdf", "/voice/themes"}
"""Not pages: a probe, the sign-in form (visited signed out), two downloads, and a fragment
that the Voice page loads into itself (checked there)."""
FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
MENU_HEIGHT = 80
"""At most this many px of a phone's height go to the folded menu (it took 434 px before)."""

WIDEST = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const all = [...document.body.querySelectorAll('*')];
  const boxOver = (el) => el.getBoundingClientRect().right > limit;
  // The outermost boxes that stick out: their parent fits (or is the body).
  let found = all.filter((el) => boxOver(el)
    && (el.parentElement === document.body || !boxOver(el.parentElement)));
  if (!found.length) {
    // Else content spilling out of a box that fits: the innermost such boxes.
    const spill = all.filter((el) => getComputedStyle(el).overflowX === 'visible'
      && el.getBoundingClientRect().left + el.scrollWidth > limit);
    found = spill.filter((el) => !spill.some((o) => o !== el && el.contains(o)));
  }
  return found.sort((a, b) => b.scrollWidth - a.scrollWidth).slice(0, 3)
    .map((el) => name(el) + ' (' + Math.round(el.scrollWidth) + ' px)');
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
}"""


@dataclass(frozen=True)
class Site:
    """The live app and the pages to visit."""

    url: str
    paths: list[str]


def page_paths(app: FastAPI, ids: dict[str, int]) -> list[str]:
    """Every GET page without path parameters, then the given pages with ids."""
    plain = sorted(
        {
            route.path
            for route in route_access(app)
            if "GET" in route.methods
            and not route.api
            and not PARAM.search(route.path)
            and route.path not in SKIPPED
        }
    )
    with_ids = [
        f"/accounts/{ids['account']}",
        *(f"/accounts/{ids['account']}?tab={tab}" for tab in ACCOUNT_TABS[1:]),
        f"/tasks/{ids['task']}",
        f"/tickets/{ids['ticket']}",
        f"/problems/{ids['problem']}",
    ]
    return ["/login", *plain, *with_ids]


@pytest.fixture
def every_page(
    engine: Engine, tmp_path: Path, people: dict[str, int], record: dict[str, int]
) -> Iterator[Site]:
    """The small record with scores, a task and a problem, served over loopback HTTP."""
    store_runs(engine, record)
    with session_scope(engine) as session:
        task = Task(
            title="Call the buyer about the stopped orders",
            account_id=record["C-1"],
            due_on=date.today() + timedelta(days=3),
            status="open",
        )
        problem = ProblemRecord(label="Seal leaks", status="confirmed", terms=["seal"])
        session.add_all([task, problem])
        session.flush()
        ticket = session.execute(select(Ticket.id).where(Ticket.external_id == "T-1")).scalar_one()
        session.add(ProblemTicket(ticket_id=ticket, problem_id=problem.id))
        ids = {"account": record["C-1"], "task": task.id, "ticket": ticket, "problem": problem.id}
    settings = make_settings(tmp_path, environment="development", cookie_secure=False)
    app = create_app(settings, engine)
    with serve(app) as url:
        yield Site(url, page_paths(app, ids))


def sign_in(context: BrowserContext, base: str, role: str) -> Page:
    """A new tab in ``context`` signed in as ``role``."""
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email(role))
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def visit_all(
    chromium: Browser,  # noqa: F811
    site: Site,
    viewport: dict[str, int],
    check: Any,
) -> list[str]:
    """Open every page (signed out for /login, else as a leader, else as an admin); run
    ``check(page, path)`` on each and save a screenshot. Return the paths checked."""
    folder = SCREENSHOTS / f"pages-{viewport['width']}"
    folder.mkdir(parents=True, exist_ok=True)
    checked: list[str] = []
    refused = [p for p in site.paths if p != "/login"]
    for role in (None, "leader", "admin"):
        context = chromium.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]
        page = sign_in(context, site.url, role) if role else context.new_page()
        todo, refused = (["/login"], refused) if role is None else (refused, [])
        for path in todo:
            response = page.goto(f"{site.url}{path}")
            assert response is not None, path
            if response.status == 403:
                refused.append(path)
                continue
            assert response.ok, f"{path} answered {response.status}"
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            check(page, path)
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            page.screenshot(path=folder / f"{slug}.png", full_page=True)
            checked.append(path)
        context.close()
    assert not refused, f"no one could open {refused}"
    return checked


def axe_violations(page: Page, path: str) -> list[str]:
    """The serious and critical axe-core violations on the open page, one line each."""
    page.add_script_tag(path=AXE)
    return [
        f"{path}: {v['id']} ({v['impact']}) {v['help']} at {v['targets']}"
        for v in page.evaluate(AXE_RUN)
        if v["impact"] in FAILING_IMPACTS
    ]


def test_every_page_passes_axe_core_without_serious_violations(
    chromium: Browser,  # noqa: F811
    every_page: Site,
) -> None:
    """axe-core on every page at 1440 px: no serious or critical violation (and no page
    wider than the window)."""
    found: list[str] = []

    def check(page: Page, path: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > DESKTOP["width"]:
            found.append(f"{path}: {width} px wide; widest: {page.evaluate(WIDEST)}")
        found.extend(axe_violations(page, path))

    checked = visit_all(chromium, every_page, DESKTOP, check)
    assert len(checked) >= 30, checked
    assert not found, "\n".join(found)


def test_no_page_is_wider_than_a_phone(
    chromium: Browser,  # noqa: F811
    every_page: Site,
) -> None:
    """At 390×844 no page scrolls sideways, the navigation is folded away until opened,
    and axe-core finds nothing serious in the phone layout either."""
    wide: list[str] = []  # and folded menus that take too much height

    def check(page: Page, path: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width} px wide; widest: {page.evaluate(WIDEST)}")
        nav = page.locator("nav.sidebar")
        if nav.count():
            box = nav.bounding_box()
            if box is None or box["height"] > MENU_HEIGHT:
                wide.append(f"{path}: the folded menu takes {box} px")
        wide.extend(axe_violations(page, path))

    checked = visit_all(chromium, every_page, PHONE, check)
    assert len(checked) >= 30, checked
    assert not wide, "\n".join(wide)

    context = chromium.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = sign_in(context, every_page.url, "leader")
    portfolio = page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio")
    expect(portfolio).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(portfolio).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "pages-390" / "menu-open.png")
    portfolio.click()
    expect(page.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
    expect(portfolio).to_be_hidden()
    page.focus("#nav-toggle")  # from the keyboard: the menu button takes Space
    page.keyboard.press("Space")
    expect(portfolio).to_be_visible()
    context.close()
