"""Search everywhere: the API, the page, the ticket page, and the tickets' full-text index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.record.models import Asset, Contact, Ticket


def _search(client: TestClient, raw: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/search", params=params, headers=bearer(raw))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["took_ms"] >= 0
    results: list[dict[str, Any]] = body["results"]
    return results


def _titles(results: list[dict[str, Any]], kind: str) -> list[str]:
    return [r["title"] for r in results if r["kind"] == kind]


def _add_asset(engine: Engine, account_id: int) -> None:
    with session_scope(engine) as session:
        session.add(
            Asset(
                account_id=account_id,
                serial="KP240-2012-100978",
                model="KP-240",
                source="machines",
                external_id="KP240-2012-100978",
            )
        )


def test_one_query_finds_every_kind_by_what_people_type(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
    engine: Engine,
) -> None:
    _add_asset(engine, record["C-1"])
    raw = token("member", "read")
    acme = record["C-1"]
    by_name = _search(anonymous, raw, q="acme")
    assert by_name[0] == {
        "kind": "account",
        "id": acme,
        "title": "Acme Pumps",
        "subtitle": "OEM · North",
        "url": f"/accounts/{acme}",
    }
    by_number = _search(anonymous, raw, q="c-1")  # the CRM number, typed in lower case
    assert by_number[0]["title"] == "Acme Pumps"
    assert by_number[0]["subtitle"] == "CRM customer number C-1"
    assert _search(anonymous, raw, q="Beta")[0]["subtitle"] == "Utility · South · lost customer"
    assert _titles(_search(anonymous, raw, q="jane"), "contact") == ["Jane Buyer"]
    assert _titles(_search(anonymous, raw, q="gus@gamma"), "contact") == ["Gus Gamma"]
    ticket = _search(anonymous, raw, q="T-1", kinds="ticket")
    assert [(t["kind"], t["title"]) for t in ticket] == [("ticket", "Seal leaking")]
    assert ticket[0]["subtitle"].startswith("Complaint T-1 · Acme Pumps · opened ")
    assert ticket[0]["url"] == f"/tickets/{ticket[0]['id']}"
    assert _titles(_search(anonymous, raw, q="leak"), "ticket") == ["Seal leaking"]  # a prefix
    assert _titles(_search(anonymous, raw, q="seal leaking"), "ticket") == ["Seal leaking"]
    assert _titles(_search(anonymous, raw, q="leaking valve"), "ticket") == []  # every word
    machines = _search(anonymous, raw, q="kp240-2012", kinds="asset")
    assert machines == [
        {
            "kind": "asset",
            "id": machines[0]["id"],
            "title": "KP240-2012-100978",
            "subtitle": "KP-240 at Acme Pumps",
            "url": f"/accounts/{acme}#assets-title",
        }
    ]


def test_kinds_limits_and_wildcards(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    raw = token("member", "read")
    only_contacts = _search(anonymous, raw, q="a", kinds="contact", per_kind=1)
    assert [r["kind"] for r in only_contacts] == ["contact"]
    assert _search(anonymous, raw, q="%") == []  # a wildcard is a character, not "anything"
    assert _search(anonymous, raw, q="_") == []
    unknown = anonymous.get(
        "/api/v1/search", params={"q": "acme", "kinds": "account,invoice"}, headers=bearer(raw)
    )
    assert unknown.status_code == 422
    assert "unknown: invoice" in unknown.json()["detail"]
    assert anonymous.get("/api/v1/search", params={"q": ""}, headers=bearer(raw)).status_code == 422


def test_search_needs_the_read_permission(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    assert anonymous.get("/api/v1/search", params={"q": "acme"}).status_code == 401
    ingest = anonymous.get(
        "/api/v1/search", params={"q": "acme"}, headers=bearer(token("admin", "ingest"))
    )
    assert ingest.status_code == 403
    member = _search(anonymous, token("member", "read"), q="acme")
    assert member == _search(anonymous, token("admin", "read"), q="acme")  # nothing role-bound


def test_the_ticket_index_follows_changed_and_new_tickets(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
    engine: Engine,
    tmp_path: Path,
) -> None:
    raw = token("member", "read")
    changed = tmp_path / "tickets.csv"
    changed.write_text(
        "external_id,account,kind,severity,status,subject,opened_at,text\n"
        "T-1,C-1,complaint,high,open,Bearing noise,2026-01-05T10:00:00,Grinding at start-up\n"
        "T-2,C-3,support,low,open,Manual wanted,2026-01-06T10:00:00,Die Dichtung tropft\n",
        encoding="utf-8",
    )
    result = import_file(engine, "tickets", changed, Mapping(source="helpdesk"))
    assert result.ok, result.errors
    assert _titles(_search(anonymous, raw, q="seal"), "ticket") == []
    assert _titles(_search(anonymous, raw, q="grinding"), "ticket") == ["Bearing noise"]
    assert _titles(_search(anonymous, raw, q="dichtung"), "ticket") == ["Manual wanted"]
    with session_scope(engine) as session:
        gone = session.scalar(select(Ticket).where(Ticket.external_id == "T-2"))
        assert gone is not None
        session.delete(gone)
    assert _titles(_search(anonymous, raw, q="dichtung"), "ticket") == []


def test_search_page_and_ticket_page(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    member = browser("member")
    home = member.get("/portfolio")
    assert 'action="/search"' in home.text  # the box in the top bar, on every page
    page = member.get("/search", params={"q": "acme"})
    assert page.status_code == 200
    assert f'<a href="/accounts/{record["C-1"]}">Acme Pumps</a>' in page.text
    assert "Accounts" in page.text
    nothing = member.get("/search", params={"q": "zzzz-nothing"})
    assert "Nothing matches “zzzz-nothing”" in nothing.text
    with session_scope(engine) as session:
        ticket_id = session.scalar(select(Ticket.id).where(Ticket.external_id == "T-1"))
        jane = session.scalar(select(Contact.id).where(Contact.name == "Jane Buyer"))
    assert jane is not None
    ticket = member.get(f"/tickets/{ticket_id}")
    assert ticket.status_code == 200
    assert "Seal leaking" in ticket.text
    assert "Complaint" in ticket.text
    assert f'href="/accounts/{record["C-1"]}"' in ticket.text
    assert member.get("/tickets/999999").status_code == 404


def test_the_command_line_finds_what_the_api_finds(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
    engine: Engine,
) -> None:
    import json

    from typer.testing import CliRunner

    from keepwell.cli import app

    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["--database-url", url, "search", "acme", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"] == _search(
        anonymous, token("member", "read"), q="acme"
    )
    table = CliRunner().invoke(app, ["--database-url", url, "search", "seal"])
    assert "Seal leaking" in table.stdout
    wrong = CliRunner().invoke(app, ["--database-url", url, "search", "acme", "--kinds", "invoice"])
    assert wrong.exit_code == 2
    assert "unknown: ['invoice']" in wrong.stderr
