"""Money fields (order amounts, quote and contract values, revenue) only for admins and leaders."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient
from tests.web.conftest import (
    CONTRACT_VALUE,
    ORDER_AMOUNT,
    QUOTE_VALUE,
    SQLITE_ONLY,
    Browser,
    bearer,
)

MONEY_TEXTS = (ORDER_AMOUNT, QUOTE_VALUE, CONTRACT_VALUE)


pytestmark = SQLITE_ONLY


def api_money(client: TestClient, headers: dict[str, str], acme: int) -> dict[str, object]:
    """Every money field the API returns for Acme Pumps."""
    orders = client.get(f"/api/v1/orders?account_id={acme}", headers=headers).json()["items"]
    quotes = client.get(f"/api/v1/quotes?account_id={acme}", headers=headers).json()["items"]
    view = client.get(f"/api/v1/accounts/{acme}?timeline=50", headers=headers).json()
    listed = client.get("/api/v1/accounts?search=Acme", headers=headers).json()["items"][0]
    timeline = client.get(f"/api/v1/accounts/{acme}/timeline", headers=headers).json()["items"]
    return {
        "amounts": sorted(o["amount"] or 0 for o in orders),
        "quote": quotes[0]["value"],
        "contract": view["account"]["contract_value"],
        "revenue_12m": listed["revenue_12m"],
        "last_12": view["orders"]["last_12_months"]["revenue"],
        "quarters": sum(q["revenue"] or 0 for q in view["orders"]["quarters"]),
        "change": view["orders"]["revenue_change"],
        "texts": " ".join(f"{e['title']} {e['detail']}" for e in view["timeline"] + timeline),
        "event_amounts": sorted(e["amount"] for e in timeline if e["amount"] is not None),
    }


def test_members_and_auditors_see_no_money_in_the_api(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    acme = record["C-1"]
    for role in ("member", "auditor"):
        seen = api_money(anonymous, bearer(token(role, "read")), acme)
        assert seen["amounts"] == [0, 0] and seen["quote"] is None, role
        assert (seen["contract"], seen["revenue_12m"], seen["last_12"]) == (None, None, None)
        assert (seen["quarters"], seen["change"]) == (0, None)
        assert not any(text in str(seen["texts"]) for text in MONEY_TEXTS)
        assert seen["event_amounts"] == [], role
    for role in ("leader", "admin"):
        seen = api_money(anonymous, bearer(token(role, "read")), acme)
        assert seen["amounts"] == [1000.0, 12345.67] and seen["quote"] == 54321.0, role
        assert (seen["contract"], seen["revenue_12m"]) == (250000.5, 12345.67)
        assert {12345.67, 54321.0} <= set(seen["event_amounts"]), role


def test_timeline_money_is_data_never_text(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    """Amounts travel in ``amount``/``currency``; no title or detail carries a number a
    role could need hidden, in any number format (so nothing depends on recognising one)."""
    timeline = anonymous.get(
        f"/api/v1/accounts/{record['C-1']}/timeline", headers=bearer(token("leader", "read"))
    ).json()["items"]
    placed = next(e for e in timeline if e["kind"] == "order.placed" and e["amount"])
    assert (placed["amount"], placed["currency"]) == (12345.67, "EUR")
    formats = ("12345", "12,345", "12.345", "54321", "54,321", "54.321")
    for event in timeline:
        text = f"{event['title']} {event['detail'] or ''}"
        assert not any(number in text for number in formats), text


def test_members_see_no_money_on_pages(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    acme = record["C-1"]
    tabs = ("overview", "timeline", "team", "equipment", "service", "voice")
    pages = (
        "/portfolio",
        *(f"/accounts/{acme}?tab={tab}" for tab in tabs),
        f"/accounts/{acme}?kinds=order&kinds=quote",
    )
    member = browser("member")
    for path in pages:
        html = member.get(path).text
        for text in MONEY_TEXTS:
            assert text not in html, (path, text)
    account = member.get(f"/accounts/{acme}").text
    assert "Orders per quarter" in account and "Revenue per quarter" not in account
    assert 'title="Hidden for your role">hidden</span>' in account
    assert "Orders, 12 months" in member.get("/portfolio").text
    leader = browser("leader")
    account = leader.get(f"/accounts/{acme}").text
    timeline = leader.get(f"/accounts/{acme}?tab=timeline").text
    assert CONTRACT_VALUE in account and ORDER_AMOUNT in timeline and QUOTE_VALUE in timeline
    assert "Revenue per quarter" in account
    assert ORDER_AMOUNT in leader.get("/portfolio").text


def test_auditors_see_the_audit_log_without_amounts(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    changed = (
        "external_id,account,ordered_at,amount,currency,status\n"
        "O-2,C-1,2020-01-01,1111.11,EUR,paid\n"
    )
    files = {
        "file": ("orders.csv", changed.encode(), "text/csv"),
        "mapping": ("erp.yaml", b"source: erp\n", "application/yaml"),
    }
    dry_run = admin.client.post(
        "/imports", data={"kind": "orders", "csrf_token": admin.csrf}, files=files
    )
    assert dry_run.status_code == 200 and "1111.11" in dry_run.text
    upload = re.search(r'action="/imports/([^/]+)/confirm"', dry_run.text)
    assert upload is not None
    assert admin.post(f"/imports/{upload.group(1)}/confirm").status_code == 200
    assert "1,111.11" in admin.get("/audit?action=import.update").text
    auditor = browser("auditor")
    log = auditor.get("/audit?action=import.update").text
    assert "Record changed by an import" in log and "[amount hidden]" in log
    assert "1111.11" not in log and "1,111.11" not in log
    assert "Signed in" in auditor.get("/audit").text
