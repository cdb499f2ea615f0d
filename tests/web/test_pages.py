"""The pages: sign-in, portfolio, account 360, my work, imports, admin, password."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select
from tests.web.conftest import PASSWORD, SQLITE_ONLY, Browser, email

from keepwell.audit.models import AuditLog
from keepwell.auth.models import UserSession
from keepwell.db import session_scope

HTMX = {"HX-Request": "true"}
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "keepwell" / "web" / "templates"


def names_in(html: str) -> list[str]:
    """Account names linked from a page, in order."""
    return re.findall(r'<a href="/accounts/\d+">([^<]+)</a>', html)


def test_portfolio_filters_pages_and_htmx(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    leader = browser("leader")
    assert names_in(leader.get("/portfolio").text) == ["Acme Pumps", "Gamma Mills"]
    assert names_in(leader.get("/portfolio?status=any").text) == [
        "Acme Pumps",
        "Beta Works",
        "Gamma Mills",
    ]
    page = leader.get("/portfolio").text
    owner = re.search(r'<option value="(\d+)">Leo Leader</option>', page)
    sales = re.search(r'<option value="(\d+)">Sales</option>', page)
    assert owner is not None and sales is not None
    assert names_in(leader.get(f"/portfolio?owner={owner.group(1)}").text) == ["Acme Pumps"]
    by_department = leader.get(f"/portfolio?department={sales.group(1)}&region=South").text
    assert names_in(by_department) == ["Gamma Mills"]
    assert names_in(leader.get("/portfolio?segment=Utility&status=any").text) == ["Beta Works"]
    partial = leader.get(
        "/portfolio?search=gam", headers={**HTMX, "HX-Target": "portfolio-results"}
    ).text
    assert names_in(partial) == ["Gamma Mills"] and "<html" not in partial
    assert "not scored" in page and "Health and churn-risk scores" in page
    assert "▲" in page  # Acme: revenue up against the twelve months before


def test_my_work_lists_roles_and_this_weeks_changes(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    page = member.get("/my-work").text
    assert names_in(page) == ["Acme Pumps", "Gamma Mills"]
    assert "Service lead" in page and "Engineering lead" in page
    assert "Ticket opened" in page and "Seal leaking" in page
    assert "Visit" in page and "interaction.visit" not in page
    assert member.get("/").headers["location"] == "/my-work"
    admin = browser("admin")
    assert "No employee record is linked" in admin.get("/my-work").text


@SQLITE_ONLY
def test_account_page_sections_timeline_and_notes(
    engine: Engine, browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    tabs = {
        "": ("Acme Pumps", "Health and risk", "Not scored yet", '<svg class="chart chart-columns"'),
        "?tab=team": ("Leo Leader", "Account owner", "Jane Buyer"),
        "?tab=timeline": ("Seal leaking", 'id="timeline"', "Add to timeline"),
    }
    for tab, parts in tabs.items():
        page = member.get(f"/accounts/{acme}{tab}").text
        for part in parts:
            assert part in page, (tab, part)
        assert 'aria-current="page"' in page
    assert "Add to timeline" not in member.get(f"/accounts/{acme}").text
    assert member.get(f"/accounts/{acme}?tab=nonsense").status_code == 404
    only_tickets = member.get(
        f"/accounts/{acme}?kinds=ticket", headers={**HTMX, "HX-Target": "timeline"}
    ).text
    assert "Ticket opened" in only_tickets and "Order placed" not in only_tickets
    assert "<html" not in only_tickets
    added = member.client.post(
        f"/accounts/{acme}/notes",
        data={"text": "Customer asked for a <b>spare</b> seal kit", "csrf_token": member.csrf},
        headers={**HTMX, "HX-Target": "activity"},
    )
    assert added.status_code == 200 and "<html" not in added.text
    assert "Customer asked for a &lt;b&gt;spare&lt;/b&gt; seal kit" in added.text
    assert "Note added to the timeline." in added.text
    empty = member.post(f"/accounts/{acme}/notes", {"text": "  "})
    assert empty.status_code == 422 and "Write something in the note." in empty.text
    assert member.get("/accounts/999999").status_code == 404
    assert "Add to timeline" not in browser("auditor").get(f"/accounts/{acme}?tab=timeline").text
    plain = member.post(f"/accounts/{acme}/notes", {"text": "Spare kit shipped."})
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/accounts/{acme}?tab=timeline"
    landed = member.get(plain.headers["location"]).text
    assert "Note added to the timeline." in landed and "Spare kit shipped." in landed
    assert "Note added to the timeline." not in member.get(plain.headers["location"]).text
    with session_scope(engine) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "interaction.created"))
        assert [e.actor for e in entry] == [email("member")] * 2


@SQLITE_ONLY
def test_sign_in_out_and_session_cookie(browser: Callable[[str], Browser], engine: Engine) -> None:
    member = browser("member")
    cookie = member.client.cookies.get("__Host-keepwell_session")
    assert cookie is not None
    with session_scope(engine) as session:
        stored = list(session.scalars(select(UserSession.session_hash)))
    assert cookie not in stored and len(stored[0]) == 64
    wrong = Browser(member.client.app)  # type: ignore[arg-type]
    refused = wrong.sign_in(email("member"), "not the password")
    assert refused.status_code == 401 and "is not right" in refused.text
    out = member.post("/logout")
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    member.client.cookies.set("__Host-keepwell_session", cookie, domain="testserver")
    assert member.get("/my-work").status_code == 303
    again = Browser(member.client.app)  # type: ignore[arg-type]
    form = again.get("/login?next=/portfolio%3Fstatus%3Dany")
    assert 'name="next" value="/portfolio?status=any"' in form.text
    for evil in ("//evil.example/", "/\\evil.example", "/%09/evil.example", "https://evil.example"):
        page = again.get(f"/login?next={evil}")
        assert 'name="next" value="/"' in page.text, evil


@SQLITE_ONLY
def test_password_change(browser: Callable[[str], Browser], app: object) -> None:
    member = browser("member")
    other = browser("member")
    bad = member.post(
        "/password", {"current": "wrong", "new": "a new secret", "confirm": "a new secret"}
    )
    assert bad.status_code == 422 and "current password is not right" in bad.text
    short = member.post("/password", {"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12" in short.text
    done = member.post(
        "/password", {"current": PASSWORD, "new": "a new secret", "confirm": "a new secret"}
    )
    assert done.status_code == 200 and "was changed" in done.text
    assert member.get("/my-work").status_code == 200
    assert other.get("/my-work").status_code == 303
    assert Browser(app).sign_in(email("member"), "a new secret").status_code == 303  # type: ignore[arg-type]


@SQLITE_ONLY
def test_imports_dry_run_errors_and_confirm(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    bad = b"external_id,account,name,is_key\nK-5,C-404,Nobody,\nK-6,C-1,Ann,perhaps\n"
    shown = admin.client.post(
        "/imports",
        data={"kind": "contacts", "csrf_token": admin.csrf},
        files={"file": ("contacts.csv", bad, "text/csv")},
    )
    assert shown.status_code == 422
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', shown.text)
    assert sorted(rows) == [("2", "account"), ("3", "is_key")]
    assert "Confirm the import" not in shown.text
    good = b"external_id,account,name\nK-5,C-1,New Person\n"
    dry = admin.client.post(
        "/imports",
        data={"kind": "contacts", "csrf_token": admin.csrf},
        files={"file": ("../../contacts.csv", good, "text/csv")},
    )
    assert dry.status_code == 200 and "The file is valid" in dry.text
    assert "K-5" in dry.text and "new record" in dry.text
    upload = re.search(r'action="/imports/([^/]+)/confirm"', dry.text)
    assert upload is not None
    leader_tries = browser("leader").post(f"/imports/{upload.group(1)}/confirm")
    assert leader_tries.status_code == 403
    done = admin.post(f"/imports/{upload.group(1)}/confirm")
    assert done.status_code == 200 and "Imported as batch" in done.text
    assert admin.post(f"/imports/{upload.group(1)}/confirm").status_code == 404
    listing = admin.get("/imports").text
    assert "contacts.csv" in listing and "admin@maker.test" in listing
    assert admin.post("/imports/..%2F..%2Fetc/confirm").status_code == 404


@SQLITE_ONLY
def test_admin_manages_users_roles_and_tokens(
    browser: Callable[[str], Browser], engine: Engine, people: dict[str, int]
) -> None:
    admin = browser("admin")
    created = admin.post(
        "/admin/users",
        {
            "email": "New.Person@Maker.test",
            "name": "New Person",
            "role": "member",
            "password": "long enough pw",
        },
    )
    assert created.status_code == 303
    user_url = created.headers["location"].split("?")[0]
    assert "new.person@maker.test" in admin.get("/admin/users").text
    duplicate = admin.post(
        "/admin/users",
        {"email": "new.person@maker.test", "role": "member", "password": "long enough pw"},
    )
    assert duplicate.status_code == 422 and "already exists" in duplicate.text
    promoted = admin.post(user_url, {"role": "leader", "name": "New Person", "active": "true"})
    assert promoted.status_code == 200 and "Saved." in promoted.text
    last_admin = admin.post(f"/admin/users/{people['admin']}", {"role": "member", "active": "true"})
    assert last_admin.status_code == 422 and "last active admin" in last_admin.text
    made = admin.post(
        "/admin/tokens", {"name": "erp", "scope": "ingest", "user_id": str(people["admin"])}
    )
    raw = re.search(r"<code>(kw_[^<]+)</code>", made.text)
    assert made.status_code == 200 and raw is not None
    tokens_page = admin.get("/admin/tokens").text
    assert raw.group(1) not in tokens_page and raw.group(1)[:10] in tokens_page
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', tokens_page)
    assert token_id is not None
    row = admin.client.post(
        f"/admin/tokens/{token_id.group(1)}/revoke",
        data={"csrf_token": admin.csrf},
        headers=HTMX,
    )
    assert row.status_code == 200 and "revoked" in row.text
    assert row.text.lstrip().startswith("<tr")
    with session_scope(engine) as session:
        actions = set(session.scalars(select(AuditLog.action)))
    assert {"user.created", "user.role_changed", "token.created", "token.revoked"} <= actions
    settings = admin.get("/admin/settings").text
    assert "KEEPWELL_COOKIE_SECURE" in settings and "sqlite" in settings


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"\sstyle\s*=", text), template
        assert "<style" not in text and "javascript:" not in text and "hx-on" not in text, template
