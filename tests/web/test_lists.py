"""Lists people can shape: exports that honour roles and resist formulas, saved views, paging."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer
from tests.web.test_telemetry_api import register_assets

from keepwell.db import session_scope
from keepwell.record.models import Account, Order, Ticket

HOSTILE = ('=HYPERLINK("http://evil.test","x")', "-1+2", "@SUM(A1)", "+cmd", "\tTabbed")


def add_hostile_accounts(engine: Engine) -> None:
    """Accounts named like formulas; one with a credit note (negative revenue)."""
    recent = date.today() - timedelta(days=10)
    with session_scope(engine) as session:
        for n, name in enumerate(HOSTILE):
            account = Account(name=name, status="active", source="crm", external_id=f"H-{n}")
            session.add(account)
            session.flush()
            amount = -1234.5 if n == 1 else 100.0
            session.add(
                Order(
                    account_id=account.id,
                    ordered_at=recent,
                    amount=amount,
                    currency="EUR",
                    status="delivered",
                    source="erp",
                    external_id=f"OH-{n}",
                )
            )


def csv_rows(response: object) -> list[list[str]]:
    """The CSV body as rows (the byte-order mark dropped)."""
    text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response: object) -> list[tuple[object, ...]]:
    """The first sheet's values."""
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_exports_escape_formulas_and_keep_numbers(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    add_hostile_accounts(engine)
    admin = browser("admin")
    response = admin.get("/portfolio?format=csv&status=any")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = csv_rows(response)
    head = rows[0]
    assert head[0] == "Account" and "Revenue, 12 months (EUR)" in head
    names = [r[0] for r in rows[1:]]
    for name in HOSTILE:
        assert "'" + name in names, name
        assert name not in names
    assert "Acme Pumps" in names and "Beta Works" in names  # every status, every row
    book = xlsx_rows(admin.get("/portfolio?format=xlsx&status=any"))
    assert book[0] == tuple(head)
    by_name = {r[0]: r for r in book[1:]}
    revenue = head.index("Revenue, 12 months (EUR)")
    credit = by_name["'-1+2"]
    assert credit[revenue] == -1234.5 and isinstance(credit[revenue], float)
    assert by_name['\'=HYPERLINK("http://evil.test","x")'][revenue] == 100.0
    last_order = head.index("Last order")
    acme_csv = next(r for r in rows if r[0] == "Acme Pumps")
    acme_xlsx = by_name["Acme Pumps"][last_order]
    assert isinstance(acme_xlsx, datetime)  # a date cell Excel sorts and filters as a date
    assert acme_csv[last_order] == acme_xlsx.date().isoformat()


def test_exports_leave_money_out_for_roles_without_it(
    engine: Engine,
    record: dict[str, int],
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
    anonymous: TestClient,
) -> None:
    for role in ("member", "auditor"):
        person = browser(role)
        head = csv_rows(person.get("/portfolio?format=csv"))[0]
        assert not any("EUR" in h or "Revenue" in h for h in head), (role, head)
        assert "Orders, 12 months" in head
        sheet = xlsx_rows(person.get("/portfolio?format=xlsx"))
        assert not any("EUR" in str(h) for h in sheet[0])
        assert person.get("/portfolio?format=csv&sort=at_risk").status_code in (400, 403, 422)
        for page in ("/coverage", "/rfqs?state=all", "/problems", "/fleet"):
            heads = csv_rows(person.get(page + ("&" if "?" in page else "?") + "format=csv"))[0]
            assert not any("EUR" in h for h in heads), (role, page, heads)
    admin_head = csv_rows(browser("admin").get("/coverage?format=csv"))[0]
    assert "Revenue, 12 months (EUR)" in admin_head
    assert "Open tickets" in admin_head or "Account" in admin_head
    refused = anonymous.get("/portfolio?format=csv")
    assert refused.status_code == 303


def test_a_view_is_private_unless_shared(
    record: dict[str, int],
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
    anonymous: TestClient,
) -> None:
    leader, member = browser("leader"), browser("member")
    saved = leader.post(
        "/views", {"list": "portfolio", "name": "My south", "query": "region=South&page=3"}
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/portfolio?region=South"
    page = leader.get(saved.headers["location"]).text
    assert "The view was saved" in page and "My south" in page
    assert "My south" not in member.get("/portfolio").text
    shared = leader.post(
        "/views",
        {"list": "portfolio", "name": "Team south", "query": "region=South", "shared": "true"},
    )
    assert shared.status_code == 303
    assert "Team south" in member.get("/portfolio").text
    api = anonymous.get("/api/v1/views?list=portfolio", headers=bearer(token("member", "read")))
    assert [v["name"] for v in api.json()] == ["Team south"]
    assert api.json()[0]["mine"] is False and api.json()[0]["url"] == "/portfolio?region=South"
    views = anonymous.get("/api/v1/views", headers=bearer(token("leader", "read"))).json()
    private = next(v for v in views if v["name"] == "My south")
    team = next(v for v in views if v["name"] == "Team south")
    assert member.get(f"/views/{private['id']}").status_code == 404
    assert member.get(f"/views/{team['id']}").headers["location"] == "/portfolio?region=South"
    assert member.post(f"/views/{team['id']}/delete").status_code == 403
    deleted = leader.post(f"/views/{team['id']}/delete")
    assert deleted.headers["location"] == "/portfolio"
    assert "The view was deleted" in leader.get(deleted.headers["location"]).text
    log = browser("admin").get("/audit").text
    assert "View saved" in log and "Saved view deleted" in log and "Team south" in log
    assert leader.post("/views", {"list": "portfolio", "name": "  "}).status_code == 422
    assert leader.post("/views", {"list": "nowhere", "name": "x"}).status_code == 422
    writer = bearer(token("member", "write"))
    made = anonymous.post(
        "/api/v1/views",
        json={"list": "fleet", "name": "Declining", "query": "sort=change"},
        headers=writer,
    )
    assert made.status_code == 201 and made.json()["url"] == "/fleet?sort=change"
    bad = anonymous.post("/api/v1/views", json={"list": "fleet", "name": ""}, headers=writer)
    assert bad.status_code == 422
    gone = anonymous.delete(f"/api/v1/views/{made.json()['id']}", headers=writer)
    assert gone.status_code == 204


def test_fleet_pages_searches_sorts_and_says_no_data(
    engine: Engine, tmp_path: Path, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    register_assets(engine, tmp_path, "\n".join(f"SN-{n:03d},C-1,P200" for n in range(60)))
    member = browser("member")
    first = member.get("/fleet?sort=serial")
    assert first.status_code == 200
    assert "1–50 of 60" in first.text and "Page 1 of 2" in first.text
    assert first.text.count("<code>SN-") == 50 and "SN-000" in first.text
    assert "0.00×" not in first.text and "no data" in first.text
    second = member.get("/fleet?sort=serial&page=2")
    assert second.text.count("<code>SN-") == 10 and "SN-059" in second.text
    assert 'href="/fleet?sort=serial"' in second.text  # the previous page keeps the order
    found = member.get("/fleet?search=sn-05")
    assert found.text.count("<code>SN-") == 10
    assert "No asset matches" in member.get("/fleet?search=nothing-like-it").text
    rows = csv_rows(member.get("/fleet?sort=serial&format=csv"))
    assert len(rows) == 61 and rows[1][0] == "SN-000"
    assert rows[0][5] == "Usage against fleet (×)" and rows[1][5] == "no data"
    for bad in ("sort=nonsense", "format=pdf"):
        refused = member.get(f"/fleet?{bad}")
        assert refused.status_code == 400 and "text/html" in refused.headers["content-type"]


def test_task_list_sorts_filters_and_exports(
    record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    leader = browser("leader")
    for title, priority in (("Call =cmd", "low"), ("Visit the plant", "urgent")):
        made = leader.post(
            f"/accounts/{record['C-1']}/tasks", {"title": title, "priority": priority}
        )
        assert made.status_code == 303
    page = leader.get("/tasks?scope=all&sort=priority")
    assert page.text.index("Visit the plant") < page.text.index("Call =cmd")
    assert "Call =cmd" not in leader.get("/tasks?scope=all&priority=urgent").text
    rows = csv_rows(leader.get("/tasks?scope=all&sort=priority&format=csv"))
    assert rows[0][:3] == ["Task", "Account", "Owner"]
    assert [r[0] for r in rows[1:]] == ["Visit the plant", "Call =cmd"]
    assert rows[1][1] == "Acme Pumps"


def test_ticket_list_searches_filters_and_exports(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    with session_scope(engine) as session:
        opened = datetime.combine(date.today(), datetime.min.time())
        for n in range(55):
            session.add(
                Ticket(
                    account_id=record["C-3"],
                    kind="support",
                    subject=f"Pump noise {n}",
                    severity="low",
                    status="closed",
                    opened_at=opened - timedelta(hours=n),
                    source="helpdesk",
                    external_id=f"T-{100 + n}",
                )
            )
    member = browser("member")
    page = member.get("/tickets")
    assert page.status_code == 200 and "Seal leaking" in page.text
    assert "Pump noise" not in page.text  # open ones by default
    every = member.get("/tickets?status=any&sort=severity")
    assert "1–50 of 56" in every.text and every.text.index("Seal leaking") < every.text.index(
        "Pump"
    )
    assert "Page 1 of 2" in every.text
    found = member.get("/tickets?status=any&search=t-1")
    assert "Seal leaking" in found.text
    rows = csv_rows(member.get("/tickets?status=any&search=noise&format=csv"))
    assert rows[0][:3] == ["Number", "Subject", "Account"] and len(rows) == 56
    assert {r[2] for r in rows[1:]} == {"Gamma Mills"}
    assert 'href="/tickets"' in page.text


def test_coverage_lists_every_thin_account_in_pages(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    with session_scope(engine) as session:
        for n in range(60):
            session.add(
                Account(name=f"Quiet {n:02d}", status="active", source="crm", external_id=f"Q-{n}")
            )
    member = browser("member")
    first = member.get("/coverage")
    assert first.status_code == 200 and "keepwell coverage --json" not in first.text
    assert re.search(r"1–50 of 6\d", first.text)
    assert "Page 1 of 2" in first.text
    last = member.get("/coverage?page=2")
    assert "Quiet 59" in last.text or "Quiet 59" in first.text
    named = member.get("/coverage?search=quiet 07")
    assert named.text.count("Quiet ") == 1
    rows = csv_rows(member.get("/coverage?format=csv"))
    assert sum(r[0].startswith("Quiet") for r in rows) == 60
    assert rows[0] == ["Account", "Coverage", "Held by", "Departments", "Contacts who left"]
    assert member.get("/coverage?sort=revenue").status_code in (400, 403)
