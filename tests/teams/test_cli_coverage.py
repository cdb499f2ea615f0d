"""``keepwell coverage``: one JSON document, and the Rich tables."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from tests.teams.world import DAY, build
from typer.testing import CliRunner

from keepwell.cli.app import app

runner = CliRunner()


def test_coverage_json_and_table(engine: Engine, database_url: str) -> None:
    build(engine)
    args = ["--database-url", database_url, "coverage", "--as-of", DAY.isoformat()]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["summary", "accounts", "departure_impact", "departed_holdings"]
    assert data["summary"]["accounts"] == 4 and data["summary"]["single_threaded"] == 2
    beta = next(a for a in data["accounts"] if a["name"] == "Beta")
    assert beta["threading"] == "one person and one contact" and beta["revenue_12m"] == 750.0
    assert [(i["name"], i["sole_accounts"]) for i in data["departure_impact"]] == [
        ("Ann Seller", 1)
    ]
    assert [h["account"] for h in data["departed_holdings"]] == ["Delta"]
    table = runner.invoke(app, [*args, "--window", "12"])
    assert table.exit_code == 0, table.output
    assert "Single-threaded accounts" in table.stdout and "Ann Seller" in table.stdout
    assert "1 accounts held by employees who left need a hand-over" in table.stdout


def test_coverage_rejects_a_bad_window(engine: Engine, database_url: str) -> None:
    result = runner.invoke(app, ["--database-url", database_url, "coverage", "--window", "0"])
    assert result.exit_code == 2
    assert "--window" in result.output


def test_coverage_for_one_employee(engine: Engine, database_url: str) -> None:
    build(engine)
    args = ["--database-url", database_url, "coverage", "--as-of", DAY.isoformat()]
    result = runner.invoke(app, [*args, "--employee", "ann", "--json"])
    assert result.exit_code == 0, result.output
    impact = json.loads(result.stdout)
    assert (impact["name"], impact["sole_accounts"], impact["revenue_12m"]) == (
        "Ann Seller",
        1,
        750.0,
    )
    text = runner.invoke(app, [*args, "--employee", "Sven Service"])
    assert text.exit_code == 0 and "If Sven Service left, 0 accounts" in text.stdout
    missing = runner.invoke(app, [*args, "--employee", "zed"])
    assert missing.exit_code == 2 and "no employee matches 'zed'" in missing.stderr
    several = runner.invoke(app, [*args, "--employee", "e"])
    assert several.exit_code == 2 and "matches several employees" in several.stderr
