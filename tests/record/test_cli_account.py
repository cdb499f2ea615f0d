"""``keepwell account list`` and ``keepwell account show``: Rich tables and stable JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.record.test_timeline import load
from typer.testing import CliRunner, Result

import keepwell.cli.account
from keepwell.cli.account import RISK_FIELDS
from keepwell.cli.app import app
from keepwell.intake.mapping import Mapping
from keepwell.record.schemas import Account360, AccountSummary

FILES = {
    "accounts": (
        Mapping(source="crm", external_ids={"erp": "erp_id"}),
        """external_id,name,segment,region,status,erp_id,fleet_size
C-1,Acme Pumps,OEM,North,active,1001,12
C-2,Beta Works,Utility,South,lost,1002,3""",
    ),
    "orders": (
        Mapping(source="erp"),
        """external_id,account,ordered_at,amount,currency
O-1,1001,2024-02-01,2000,EUR
O-2,1001,2024-05-01,500,EUR
O-3,1002,2023-01-15,700,EUR""",
    ),
    "tickets": (
        Mapping(source="helpdesk"),
        """external_id,account,kind,severity,subject,opened_at
T-1,C-1,complaint,high,Pump leaking,2024-06-02T08:00:00""",
    ),
}
runner = CliRunner()


@pytest.fixture
def url(engine: Engine, database_url: str, tmp_path: Path) -> str:
    """The URL of a database holding Acme Pumps and Beta Works."""
    load(engine, tmp_path, FILES)
    return database_url


def keepwell(url: str, *args: str) -> Result:
    return runner.invoke(app, ["--database-url", url, "account", *args])


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_account_list_json_and_table(url: str) -> None:
    listed = as_json(keepwell(url, "list", "--json", "--as-of", "2024-06-30"))
    assert list(listed) == ["accounts", "total"]
    assert listed["total"] == 2
    acme, beta = listed["accounts"]
    assert list(acme) == [*AccountSummary.model_fields, *RISK_FIELDS, "reasons"]
    assert acme["risk"] is None and acme["reasons"] == [], "not scored yet"
    assert acme["name"] == "Acme Pumps"
    assert (acme["orders_12m"], acme["revenue_12m"], acme["open_tickets"]) == (2, 2500.0, 1)
    assert (acme["last_order_on"], beta["last_order_on"]) == ("2024-05-01", "2023-01-15")
    page = as_json(keepwell(url, "list", "--json", "--limit", "1", "--offset", "1"))
    assert ([a["name"] for a in page["accounts"]], page["total"]) == (["Beta Works"], 2)
    lost = as_json(keepwell(url, "list", "--json", "--status", "lost", "--search", "beta"))
    assert [a["name"] for a in lost["accounts"]] == ["Beta Works"]
    table = keepwell(url, "list", "--region", "North")
    assert table.exit_code == 0, table.output
    assert "Accounts (1 of 1)" in table.stdout
    assert "Acme Pumps" in table.stdout
    assert "Beta Works" not in table.stdout


def test_account_show_json_and_panels(url: str) -> None:
    shown = as_json(keepwell(url, "show", "erp:1001", "--json", "--as-of", "2024-06-30"))
    assert list(shown) == [*Account360.model_fields, "risk"]
    assert shown["risk"] is None  # not scored yet
    assert shown["as_of"] == "2024-06-30"
    assert shown["account"]["attributes"] == {"fleet_size": "12"}
    assert [q["quarter"] for q in shown["orders"]["quarters"]][-2:] == ["2024-Q1", "2024-Q2"]
    assert [t["kind"] for t in shown["timeline"]] == [
        "ticket.opened",
        "order.placed",
        "order.placed",
    ]
    assert shown["open_tickets"][0]["age_days"] == 28
    short = as_json(keepwell(url, "show", "Acme Pumps", "--json", "--timeline", "1"))
    assert len(short["timeline"]) == 1
    text = keepwell(url, "show", "acme pumps", "--as-of", "2024-06-30")
    assert text.exit_code == 0, text.output
    for heading in (
        "Acme Pumps (id",
        "Orders per quarter",
        "Open tickets",
        "Recent timeline",
        "not scored yet",
    ):
        assert heading in text.stdout
    assert "Contacts: none" in text.stdout
    assert "2,000.00" in text.stdout


def test_account_show_names_the_candidates_when_lookup_fails(url: str) -> None:
    missing = keepwell(url, "show", "Works")
    assert missing.exit_code == 1
    assert "no account matches 'Works'; similar names: Beta Works (id" in missing.stderr
    assert missing.stdout == ""
    unknown = keepwell(url, "show", "Zeta", "--json")
    assert (unknown.exit_code, unknown.stdout) == (1, "")
