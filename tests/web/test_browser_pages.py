"""In a real Chromium: no page logs a console error or a Content-Security-Policy violation,
a note says it was added, and a mention reaches the inbox with its unread count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy import Engine, select
from tests.web.conftest import PASSWORD, email, make_settings
from tests.web.liveserver import serve
from tests.web.scoredata import store_runs
from tests.web.test_browser import CHROMIUM_ARGS, SQLITE_ONLY, chromium_path

from keepwell.auth.permissions import ROLE_PERMISSIONS, Role
from keepwell.db import session_scope
from keepwell.knowledge.models import Article
from keepwell.people.models import RetentionRole
from keepwell.playbooks.service import load_rules
from keepwell.problems.models import ProblemRecord
from keepwell.record.models import Quote
from keepwell.tasks.models import Task
from keepwell.web import create_app
from keepwell.web.deps import route_access

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

ACCOUNT_TABS = ("overview", "timeline", "team", "equipment", "service", "voice")
DOWNLOADS = re.compile(r"\.(html|pdf|csv|xlsx|json)$|/export|/download")
NOT_PAGES = {"/inbox/{entry_id}", "/voice/themes"}
"""GET routes that are not pages: a redirect to what an entry is about, a fragment that
the voice page loads (and so is checked there)."""
WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """A headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live(
    engine: Engine, tmp_path: Path, people: dict[str, int], record: dict[str, int]
) -> Iterator[tuple[str, object]]:
    """The app with the small record and two scoring runs, served on loopback."""
    store_runs(engine, record)
    settings = make_settings(tmp_path, environment="development", cookie_secure=False)
    app = create_app(settings, engine)
    with serve(app) as url:
        yield url, app


class Watched:
    """One signed-in tab that remembers every console error and CSP violation."""

    def __init__(self, browser: Browser, base: str, role: str) -> None:
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.context.add_init_script(WATCH_CSP)
        self.page: Page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc}"))
        self.page.goto(f"{base}/login")
        self.page.fill("#email", email(role))
        self.page.fill("#password", PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> int:
        """Open ``path``; its HTTP status."""
        response = self.page.goto(self.base + path)
        assert response is not None, path
        return response.status


def first_ids(engine: Engine, account_id: int) -> dict[str, str]:
    """A real id for each path parameter the pages use."""
    with session_scope(engine) as session:
        found: dict[str, object] = {
            "account_id": account_id,
            "task_id": session.scalar(select(Task.id).limit(1)),
            "quote_id": session.scalar(select(Quote.id).limit(1)),
            "problem_id": session.scalar(select(ProblemRecord.id).limit(1)),
            "role_id": session.scalar(select(RetentionRole.id).limit(1)),
            "article_id": session.scalar(select(Article.id).limit(1)),
        }
    found["name"] = sorted(load_rules().rules)[0]  # a built-in playbook
    return {k: str(v) for k, v in found.items() if v is not None}


def leader_pages(app: object, engine: Engine, account_id: int) -> list[str]:
    """Every page a leader may open (GET, HTML), with real ids, and each account tab."""
    allowed = ROLE_PERMISSIONS[Role.LEADER]
    ids = first_ids(engine, account_id)
    paths = []
    for route in route_access(app):  # type: ignore[arg-type]
        if "GET" not in route.methods or route.public or route.path in NOT_PAGES:
            continue
        if route.permission not in allowed or DOWNLOADS.search(route.path):
            continue
        if route.path.startswith("/api/") and route.path != "/api/docs":
            continue
        names = re.findall(r"\{([^}:]+)", route.path)
        if any(n not in ids for n in names):
            continue
        path = route.path
        for name in names:
            path = re.sub(r"\{" + name + r"[^}]*\}", ids[name], path)
        paths.append(path)
    paths += [f"/accounts/{account_id}?tab={tab}" for tab in ACCOUNT_TABS]
    return sorted(set(paths))


def test_no_page_logs_a_console_error_or_a_csp_violation(
    chromium: Browser, live: tuple[str, object], engine: Engine, record: dict[str, int]
) -> None:
    base, app = live
    tab = Watched(chromium, base, "leader")
    pages = leader_pages(app, engine, record["C-1"])
    assert len(pages) > 30, pages
    for path in pages:
        status = tab.visit(path)
        assert status < 400, (path, status)
    assert tab.errors == [], tab.errors
    tab.context.close()


def test_adding_a_note_confirms_it_without_console_errors(
    chromium: Browser, live: tuple[str, object], record: dict[str, int]
) -> None:
    base, _ = live
    tab = Watched(chromium, base, "member")
    tab.visit(f"/accounts/{record['C-1']}")
    tab.page.get_by_role("link", name="Timeline").click()
    expect(tab.page).to_have_url(re.compile(r"tab=timeline"))
    tab.page.fill("#note-subject", "Call with purchasing")
    tab.page.fill("#note-text", "Purchasing asks for a second quote on seals.")
    tab.page.get_by_role("button", name="Add to timeline").click()
    expect(tab.page.get_by_role("status")).to_contain_text("Note added to the timeline.")
    expect(tab.page.locator("#timeline")).to_contain_text("second quote on seals")
    tab.page.go_back()
    tab.page.go_forward()
    assert tab.errors == [], tab.errors
    tab.context.close()


def test_a_mention_is_read_in_the_inbox(
    chromium: Browser, live: tuple[str, object], record: dict[str, int]
) -> None:
    base, _ = live
    member = Watched(chromium, base, "member")
    member.visit(f"/accounts/{record['C-1']}?tab=timeline")
    member.page.fill("#comment-body-account", "@leader the seal complaint needs a call from you")
    member.page.get_by_role("button", name="Comment").click()
    expect(member.page.get_by_role("status")).to_contain_text("Comment added.")
    leader = Watched(chromium, base, "leader")
    badge = leader.page.locator(".topbar .unread-count")
    expect(badge).to_have_text("1")
    leader.page.locator(".topbar").get_by_role("link", name=re.compile("Inbox")).click()
    entry = leader.page.locator(".inbox-entry.is-unread")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Member mentioned you on Acme Pumps")
    entry.get_by_role("link").click()
    expect(leader.page).to_have_url(re.compile(r"/accounts/\d+\?tab=timeline#panel-comments"))
    expect(leader.page.locator("#panel-comments")).to_contain_text("the seal complaint")
    expect(badge).to_have_count(0)
    leader.visit("/inbox")
    expect(leader.page.locator(".inbox-entry.is-unread")).to_have_count(0)
    assert member.errors == [] and leader.errors == [], member.errors + leader.errors
    member.context.close()
    leader.context.close()
