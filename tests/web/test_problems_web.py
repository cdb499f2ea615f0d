"""Problems pages, their actions, the account panel and the problems API over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.problems.corpus import planted_corpus
from tests.problems.records import add_accounts, add_tickets
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.people.models import Employee
from keepwell.problems.models import ProblemRecord
from keepwell.record.models import Order

PROBLEM_LINK = re.compile(r'href="/problems/(\d+)"')


@pytest.fixture
def tickets(engine: Engine) -> list[int]:
    """The planted corpus as tickets of three accounts, the first with a known order."""
    accounts = add_accounts(engine, 3)
    add_tickets(engine, planted_corpus().texts, accounts)
    with session_scope(engine) as session:
        session.add(
            Order(
                account_id=accounts[0],
                ordered_at=date.today(),
                amount=7777.0,
                source="erp",
                external_id="O-1",
            )
        )
    return accounts


def _problem_ids(page: str) -> list[int]:
    return [int(x) for x in dict.fromkeys(PROBLEM_LINK.findall(page))]


def test_pages_detect_act_and_show_the_account_panel(
    engine: Engine, tickets: list[int], browser: Callable[[str], Browser]
) -> None:
    leader, member = browser("leader"), browser("member")
    assert "No problems yet" in leader.get("/problems").text
    assert leader.post("/problems/detect").status_code == 303
    page = leader.get("/problems").text
    ids = _problem_ids(page)
    assert len(ids) >= 5 and "Revenue of accounts" in page
    assert "tickets fit no problem yet" in page
    assert "Revenue of accounts" not in member.get("/problems").text

    first, second = ids[0], ids[1]
    detail = leader.get(f"/problems/{first}")
    assert detail.status_code == 200 and "8D record" in detail.text
    assert leader.post(f"/problems/{first}/confirm").headers["location"] == f"/problems/{first}"
    confirmed = leader.get(f"/problems/{first}").text
    assert "confirmed." in confirmed and "Problem “" in confirmed
    leader.post(f"/problems/{first}/rename", {"label": "Pump seal leaks"})
    assert "Renamed to “Pump seal leaks”." in leader.get(f"/problems/{first}").text
    picker = leader.get(f"/problems/{first}?merge_q=%23{second}").text
    assert f'name="sources" value="{second}"' in picker
    nothing = leader.get(f"/problems/{first}?merge_q=no+such+words").text
    assert 'name="sources"' not in nothing and "No other problem matches" in nothing
    merged = leader.post(f"/problems/{first}/merge", {"sources": [str(second)]})
    assert "Merged 1 problem into “Pump seal leaks”." in leader.get(merged.headers["location"]).text
    with session_scope(engine) as session:
        owner = Employee(
            name="Olga Owner", email="leader@maker.test", source="hr", external_id="E-9"
        )
        session.add(owner)
        session.flush()
        owner_id = owner.id
    saved = leader.post(
        f"/problems/{first}",
        {
            "root_cause": "Wrong elastomer",
            "status": "corrected",
            "corrected_on": "2025-01-15",
            "owner_id": str(owner_id),
        },
    )
    assert saved.status_code == 303
    shown = leader.get(f"/problems/{first}").text
    assert "Pump seal leaks" in shown and "Wrong elastomer" in shown and "it came back" in shown
    assert "<dt>Owner</dt><dd>Olga Owner</dd>" in shown
    my_work = leader.get("/my-work").text
    assert "Problems I own" in my_work and "Pump seal leaks" in my_work

    ticked = re.findall(r'name="tickets" value="([^"]+)"', shown)[:2]
    split = leader.post(f"/problems/{first}/split", {"tickets": ticked, "label": "Split off"})
    assert split.status_code == 303 and split.headers["location"] != f"/problems/{first}"
    refused = leader.post(f"/problems/{first}/split", {"tickets": [], "label": "x"})
    assert refused.status_code == 422 and "split needs at least one ticket" in refused.text
    assert leader.post(f"/problems/{first}/confirm", csrf=False).status_code == 403

    account = leader.get(f"/accounts/{tickets[0]}?tab=service").text
    assert "Recurring problems" in account and "Pump seal leaks" in account
    assert leader.get("/problems/999999").status_code == 404
    with session_scope(engine) as session:
        merged = session.get(ProblemRecord, second)
        assert merged is not None and merged.status == "merged"


def test_api_lists_details_and_updates_problems(
    app: object,
    tickets: list[int],
    anonymous: TestClient,
    token: Callable[[str, str], str],
    engine: Engine,
) -> None:
    writer, reader = bearer(token("leader", "write")), bearer(token("member", "read"))
    detected = anonymous.post(
        "/api/v1/problems/detect", json={"representation": "tfidf"}, headers=writer
    )
    assert detected.status_code == 200, detected.text
    body = detected.json()
    assert len(body["problems"]) >= 5 and isinstance(body["unassigned"], list)
    pid = body["problems"][0]["id"]

    listed = anonymous.get("/api/v1/problems", headers=writer).json()["problems"]
    assert "revenue_12m" in listed[0]["impact"]
    hidden = anonymous.get("/api/v1/problems", headers=reader).json()["problems"]
    assert "revenue_12m" not in hidden[0]["impact"]

    patched = anonymous.patch(
        f"/api/v1/problems/{pid}",
        json={"root_cause": "Supplier change", "status": "corrected"},
        headers=writer,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["root_cause"] == "Supplier change"
    assert patched.json()["corrected_on"] == date.today().isoformat()
    bad = anonymous.patch(f"/api/v1/problems/{pid}", json={"status": "nope"}, headers=writer)
    assert bad.status_code == 422 and "status must be one of" in bad.json()["detail"]
    assert anonymous.post(f"/api/v1/problems/{pid}/confirm", headers=reader).status_code == 403
    assert anonymous.get("/api/v1/problems/424242", headers=reader).status_code == 404

    second, third = body["problems"][1]["id"], body["problems"][2]["id"]
    renamed = anonymous.post(
        f"/api/v1/problems/{pid}/rename", json={"label": "Seal leaks"}, headers=writer
    )
    assert renamed.json()["label"] == "Seal leaks" and renamed.json()["status"] == "corrected"
    merged = anonymous.post(
        f"/api/v1/problems/{pid}/merge", json={"sources": [second]}, headers=writer
    ).json()
    assert {e["kind"] for e in merged["events"]} >= {"merged", "renamed", "corrected"}
    moved = [t["external_id"] for t in merged["tickets"][:2]]
    split = anonymous.post(
        f"/api/v1/problems/{pid}/split", json={"tickets": moved, "label": "Split"}, headers=writer
    )
    assert split.status_code == 201 and len(split.json()["tickets"]) == 2
    dismissed = anonymous.post(f"/api/v1/problems/{third}/dismiss", headers=writer).json()
    assert dismissed["status"] == "dismissed"
    again = anonymous.post(f"/api/v1/problems/{second}/confirm", headers=writer)
    assert again.status_code == 422 and "was merged" in again.json()["detail"]
    assign = anonymous.post("/api/v1/problems/assign", headers=writer).json()
    assert set(assign) == {"assigned", "unassigned"}

    mine = anonymous.get(f"/api/v1/accounts/{tickets[0]}/problems", headers=reader).json()
    assert mine["problems"] and all(p["tickets"] >= 1 for p in mine["problems"])
    counts = anonymous.get("/api/v1/problems/counts-by-account", headers=reader).json()["counts"]
    with session_scope(engine) as session:
        known = set(session.scalars(select(ProblemRecord.id)))
    assert pid in known and all(int(a) in tickets for a in counts)
