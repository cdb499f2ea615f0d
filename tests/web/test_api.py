"""The REST API: cursor pagination, filters, sorting, problem details, writes and ingest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx2
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import SQLITE_ONLY, Browser, bearer

from keepwell.audit.models import AuditLog
from keepwell.auth.tokens import revoke_token_named
from keepwell.db import session_scope

PROBLEM = "application/problem+json"


def walk(client: TestClient, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item of a list, following ``next_cursor`` and checking the Link header."""
    items: list[dict[str, Any]] = []
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next_cursor"] is None:
            assert "link" not in response.headers
            return items
        assert response.headers["link"].endswith('>; rel="next"')
        url = response.headers["link"][1 : response.headers["link"].index(">")]


def test_lists_page_with_cursors_filters_and_sorts(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("leader", "read"))
    newest = walk(anonymous, "/api/v1/orders?limit=1", auth)
    assert [o["external_id"] for o in newest][:2] in (["O-1", "O-3"], ["O-3", "O-1"])
    assert len(newest) == 4 and len({o["id"] for o in newest}) == 4
    dates = [o["ordered_at"] for o in newest]
    assert dates == sorted(dates, reverse=True)
    by_id = walk(anonymous, "/api/v1/orders?limit=3&sort=id", auth)
    assert [o["id"] for o in by_id] == sorted(o["id"] for o in newest)
    since = (date.today() - timedelta(days=30)).isoformat()
    recent = walk(
        anonymous, f"/api/v1/orders?ordered_at_since={since}&account_id={record['C-1']}", auth
    )
    assert [o["external_id"] for o in recent] == ["O-1"]
    assert [c["name"] for c in walk(anonymous, "/api/v1/contacts?limit=1", auth)] == [
        "Gus Gamma",
        "Jane Buyer",
    ]
    names = [e["name"] for e in walk(anonymous, "/api/v1/employees?sort=-name&limit=2", auth)]
    assert names == ["Sam Seller", "Mia Member", "Leo Leader"]
    team = walk(anonymous, f"/api/v1/teams?account_id={record['C-1']}", auth)
    assert sorted(m["role"]["key"] for m in team) == ["account_owner", "service_lead"]
    accounts = walk(anonymous, "/api/v1/accounts?limit=2", auth)
    assert [a["name"] for a in accounts] == ["Acme Pumps", "Beta Works", "Gamma Mills"]
    owned = walk(anonymous, "/api/v1/accounts?owner=" + str(team_owner(team)), auth)
    assert [a["name"] for a in owned] == ["Acme Pumps"]
    tickets = walk(anonymous, "/api/v1/tickets?status=open&kind=complaint", auth)
    assert [t["subject"] for t in tickets] == ["Seal leaking"]


def team_owner(team: list[dict[str, Any]]) -> int:
    return next(int(m["employee_id"]) for m in team if m["role"]["key"] == "account_owner")


@SQLITE_ONLY
def test_bad_requests_are_problem_details(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("member", "read"))
    first = anonymous.get("/api/v1/orders?limit=1", headers=auth).json()["next_cursor"]
    cases = {
        "/api/v1/orders?cursor=garbage": (400, "invalid-cursor"),
        f"/api/v1/orders?sort=id&cursor={first}": (400, "invalid-cursor"),
        "/api/v1/orders?sort=amount": (422, "validation"),
        "/api/v1/orders?colour=red": (422, "validation"),
        "/api/v1/orders?limit=0": (422, "validation"),
        "/api/v1/orders/999999": (404, "not-found"),
        "/api/v1/accounts/999999": (404, "not-found"),
        "/api/v1/accounts/999999/timeline": (404, "not-found"),
        f"/api/v1/accounts/{record['C-1']}/timeline?kinds=weather": (422, "validation"),
        "/api/v1/no-such-thing": (404, None),
    }
    for url, (status, kind) in cases.items():
        response = anonymous.get(url, headers=auth)
        assert response.status_code == status, (url, response.text)
        assert response.headers["content-type"] == PROBLEM, url
        problem = response.json()
        assert problem["status"] == status and problem["title"] and problem["instance"]
        expected = f"/api/docs#problem-{kind}" if kind else "about:blank"
        assert problem["type"] == expected, url
    invalid = anonymous.get("/api/v1/orders?limit=0", headers=auth).json()
    assert invalid["errors"][0]["loc"] == ["query", "limit"]


def test_account_360_and_timeline(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("member", "read"))
    acme = record["C-1"]
    view = anonymous.get(f"/api/v1/accounts/{acme}", headers=auth).json()
    assert view["account"]["name"] == "Acme Pumps"
    assert [m["role_key"] for m in view["team"]] == ["account_owner", "service_lead"]
    assert [t["subject"] for t in view["open_tickets"]] == ["Seal leaking"]
    events = walk(anonymous, f"/api/v1/accounts/{acme}/timeline?limit=2", auth)
    assert len(events) == len({(e["kind"], e["record_id"]) for e in events}) >= 5
    tickets = walk(anonymous, f"/api/v1/accounts/{acme}/timeline?kinds=ticket", auth)
    assert [e["kind"] for e in tickets] == ["ticket.opened"]


@SQLITE_ONLY
def test_interactions_are_created_updated_and_audited(
    engine: Engine,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    auth = bearer(token("member", "write"))
    acme = record["C-1"]
    created = anonymous.post(
        "/api/v1/interactions",
        json={
            "account_id": acme,
            "kind": "call",
            "subject": "Follow-up",
            "text": " Agreed a visit ",
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/interactions/{body['id']}"
    assert (body["source"], body["kind"], body["text"]) == ("keepwell", "call", "Agreed a visit")
    assert body["employee_id"] is not None
    url = f"/api/v1/interactions/{body['id']}"
    changed = anonymous.patch(url, json={"text": "Visit on Monday"}, headers=auth)
    assert changed.status_code == 200 and changed.json()["text"] == "Visit on Monday"
    assert anonymous.get(url, headers=auth).json()["text"] == "Visit on Monday"
    imported = walk(anonymous, "/api/v1/interactions?source=crm", auth)[0]
    conflict = anonymous.patch(
        f"/api/v1/interactions/{imported['id']}", json={"text": "x"}, headers=auth
    )
    assert conflict.status_code == 409 and conflict.json()["type"].endswith("problem-interaction")
    for bad in (
        {"account_id": 999999, "text": "x"},
        {"account_id": acme, "text": "x", "kind": "telepathy"},
        {"account_id": acme, "text": "x", "contact_id": 999999},
        {"account_id": acme, "text": "x", "surprise": 1},
    ):
        response = anonymous.post("/api/v1/interactions", json=bad, headers=auth)
        assert response.status_code in (404, 422), bad
        assert response.headers["content-type"] == PROBLEM
    with session_scope(engine) as session:
        actions = list(
            session.scalars(select(AuditLog.action).where(AuditLog.entity == "interactions"))
        )
        actors = set(
            session.scalars(select(AuditLog.actor).where(AuditLog.entity == "interactions"))
        )
    assert actions == ["interaction.created", "interaction.updated"]
    assert len(actors) == 1 and next(iter(actors)).startswith("member@maker.test (token ")


def test_a_revoked_token_stops_working(
    engine: Engine, anonymous: TestClient, token: Callable[[str, str], str]
) -> None:
    raw = token("admin", "read")
    assert anonymous.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    with session_scope(engine) as session:
        name = anonymous.get("/api/v1/me", headers=bearer(raw)).json()["token_name"]
        revoke_token_named(session, name, actor="test")
    response = anonymous.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


@SQLITE_ONLY
def test_openapi_document_and_reference_page(
    anonymous: TestClient, token: Callable[[str, str], str], browser: Callable[[str], Browser]
) -> None:
    auth = bearer(token("member", "read"))
    spec = anonymous.get("/api/openapi.json", headers=auth).json()
    paths = spec["paths"]
    for resource in (
        "accounts",
        "contacts",
        "employees",
        "teams",
        "orders",
        "quotes",
        "tickets",
        "surveys",
        "interactions",
        "assets",
    ):
        assert f"/api/v1/{resource}" in paths and "get" in paths[f"/api/v1/{resource}"]
    assert (
        "post" in paths["/api/v1/interactions"]
        and "patch" in paths["/api/v1/interactions/{interaction_id}"]
    )
    assert (
        "application/problem+json" in paths["/api/v1/orders"]["get"]["responses"]["401"]["content"]
    )
    assert not any(p.startswith(("/accounts", "/admin", "/login")) for p in paths)
    assert set(spec["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}
    docs = anonymous.get("/api/docs", headers=auth)
    assert docs.status_code == 303
    member = browser("member")
    page = member.get("/api/docs").text
    assert 'id="problem-invalid-cursor"' in page and "/api/v1/orders" in page


@SQLITE_ONLY
def test_ingest_imports_files_atomically(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("admin", "ingest"))
    good = b"external_id,account,name\nK-9,C-1,New Contact\n"
    bad = b"external_id,account,name\nK-8,C-404,Nobody\nK-7,C-1,\n"

    def send(content: bytes, **form: str) -> httpx2.Response:
        files = {
            "file": ("contacts.csv", content, "text/csv"),
            "mapping": ("m.yaml", b"source: crm\n", "application/yaml"),
        }
        return anonymous.post(
            "/api/v1/imports", data={"kind": "contacts", **form}, files=files, headers=auth
        )

    dry = send(good, dry_run="true")
    assert dry.status_code == 200 and dry.json()["created"] == 1 and dry.json()["batch_id"] is None
    done = send(good)
    assert done.status_code == 201 and done.json()["batch_id"] is not None
    rejected = send(bad)
    assert rejected.status_code == 422 and rejected.headers["content-type"] == PROBLEM
    problem = rejected.json()
    assert problem["type"] == "/api/docs#problem-import-rejected"
    assert {(e["row"], e["column"]) for e in problem["result"]["errors"]} == {
        (2, "account"),
        (3, "name"),
    }
    unknown = anonymous.post(
        "/api/v1/imports",
        data={"kind": "weather"},
        files={"file": ("x.csv", b"a\n1\n")},
        headers=auth,
    )
    assert unknown.status_code == 422
    batches = anonymous.get("/api/v1/imports?kind=contacts", headers=auth).json()["items"]
    assert [b["filename"] for b in batches][:1] == ["contacts.csv"]
    assert batches[0]["actor"].startswith("admin@maker.test (token ")


def test_values_out_of_the_databases_range_are_client_errors(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("member", "write"))
    assert anonymous.get("/api/v1/orders/99999999999", headers=auth).status_code == 422
    assert anonymous.get("/api/v1/orders?account_id=99999999999", headers=auth).status_code == 422
    for url in ("/api/v1/orders?status=%00", "/api/v1/accounts?search=a%00b"):
        response = anonymous.get(url, headers=auth)
        assert response.status_code in (200, 422), url
        assert response.headers["content-type"].startswith("application/")
    note = {"account_id": record["C-1"], "text": "nul \u0000 inside"}
    created = anonymous.post("/api/v1/interactions", json=note, headers=auth)
    assert created.status_code in (201, 422)
    if created.status_code == 422:
        assert created.headers["content-type"] == PROBLEM
