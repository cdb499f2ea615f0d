"""The ``keepwell import`` command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.conftest import REPO
from tests.intake.corpus import ROWS, corpus
from tests.intake.helpers import write_mapping, write_rows
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.intake.docs import fields_markdown
from keepwell.settings import get_settings

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


CLI_CASES = (
    "dimension-too-small.xlsx",
    "random-100.xlsx",
    "truncated-0.5.xlsx",
    "random-10000.parquet",
    "latin1.csv",
    "duplicate-header.csv",
    "deep.json",
    "deep.ndjson",
    "bomb.xlsx",
)


@pytest.mark.parametrize("as_json", [True, False])
def test_malformed_files_are_clear_errors_on_the_command_line(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    monkeypatch.setenv("KEEPWELL_IMPORT_MAX_EXPANDED_MIB", "2")
    get_settings.cache_clear()
    url = sqlite_engine.url.render_as_string(hide_password=False)
    cases = {case.name: case for case in corpus()}
    try:
        for name in CLI_CASES:
            path = cases[name].write(tmp_path)
            args = ["--database-url", url, "import", "accounts", str(path), "--dry-run"]
            result = runner.invoke(app, args + (["--json"] if as_json else []))
            assert isinstance(result.exception, SystemExit | None), (name, result.exception)
            if name.startswith("dimension"):
                assert result.exit_code == 0
                shown = json.loads(result.stdout)["rows"] if as_json else result.stdout
                assert shown == ROWS or f"{ROWS} rows" in shown
                continue
            assert result.exit_code == 2, (name, result.output)
            if as_json:
                reason = json.loads(result.stdout)["errors"][0]["reason"]
                assert reason.startswith(f"{name}: "), reason
            else:
                assert f"{name}: " in result.output and "Traceback" not in result.output
    finally:
        get_settings.cache_clear()


def test_suggest_mapping_prints_a_mapping_file(database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "CRM Export.csv"
    data.write_text("Kundennummer,Firmenname,Status\nK-1,Acme,Aktiv\nK-2,Beta,Verloren\n")
    code, out = _run(database_url, "import", "accounts", str(data), "--suggest-mapping")
    assert code == 0
    assert out == (
        "source: CRM-Export\n"
        "kind: accounts\n"
        "columns:\n"
        "  external_id: Kundennummer\n"
        "  name: Firmenname\n"
        "  status: Status\n"
        "values:\n"
        "  status:\n"
        "    Aktiv: active\n"
        "    Verloren: lost\n"
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(out)
    code, _ = _run(database_url, "import", "accounts", str(data), "--mapping", str(mapping))
    assert code == 0
