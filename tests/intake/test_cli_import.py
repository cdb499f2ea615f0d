"""The ``keepwell import`` command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from tests.intake.helpers import write_mapping, write_rows
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.intake.docs import fields_markdown

runner = CliRunner()


def _run(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", database_url, *args])
    return result.exit_code, result.stdout


def test_import_json_summary_and_errors(database_url: str, tmp_path: Path) -> None:
    accounts = write_rows(tmp_path / "a.csv", [{"ID": "1", "Firma": "Acme"}])
    mapping = write_mapping(
        tmp_path / "m.yaml", {"source": "crm", "columns": {"external_id": "ID", "name": "Firma"}}
    )
    code, out = _run(
        database_url, "import", "accounts", str(accounts), "--mapping", str(mapping), "--json"
    )
    summary = json.loads(out)
    assert (code, summary["ok"], summary["created"], summary["source"]) == (0, True, 1, "crm")

    code, out = _run(
        database_url, "import", "accounts", str(accounts), "--mapping", str(mapping), "--dry-run"
    )
    assert code == 0 and "0 would be created" in out and "1 unchanged" in out

    orders = write_rows(
        tmp_path / "o.csv", [{"external_id": "O1", "account": "2", "ordered_at": "x", "amount": 1}]
    )
    code, out = _run(database_url, "import", "orders", str(orders), "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["errors"] == [
        {
            "file": "o.csv",
            "row": 2,
            "column": "ordered_at",
            "value": "x",
            "reason": "not a date as year-month-day, e.g. 2026-12-31",
        },
        {"file": "o.csv", "row": 2, "column": "account", "value": "2", "reason": "unknown account"},
    ]


def test_template_unknown_kind_and_bad_mapping(database_url: str, tmp_path: Path) -> None:
    code, out = _run(database_url, "import", "surveys", "--template")
    assert (code, out.strip()) == (
        0,
        "external_id,account,kind,score,responded_at,comment,campaign,contact",
    )
    code, _ = _run(database_url, "import", "invoices", "x.csv")
    assert code == 2
    bad = write_mapping(tmp_path / "m.yaml", {"columns": "not a mapping"})
    code, _ = _run(database_url, "import", "orders", str(tmp_path / "x.csv"), "--mapping", str(bad))
    assert code == 2


def test_fields_reference_is_current() -> None:
    assert (REPO / "docs" / "fields.md").read_text() == fields_markdown()
