"""``keepwell churn train`` and ``keepwell backtest``: the JSON shape and the tables."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.insight.churn_world import build_world, write_accounts
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import make_engine

runner = CliRunner()


@pytest.fixture(scope="module")
def world_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    path = tmp_path_factory.mktemp("churn-cli") / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    build_world(engine, accounts=80)
    engine.dispose()
    return f"sqlite:///{path}"


def test_train_json_shape(world_url: str) -> None:
    result = runner.invoke(app, ["--database-url", world_url, "churn", "train", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {
        "method", "model", "roc_auc", "pr_auc", "brier", "top_decile_lift",
        "n_accounts", "n_examples", "cutoffs", "calibration",
    } <= set(report)  # fmt: skip
    assert report["method"] == "time-backtest"
    assert report["model"] in ("lightgbm", "logistic", "blend")
    assert report["n_accounts"] == 80
    assert report["n_examples"] > report["n_accounts"]
    assert all(isinstance(report[k], float) for k in ("roc_auc", "pr_auc", "brier"))
    first, scored = date.fromisoformat(report["cutoffs"][0]), date.fromisoformat(report["as_of"])
    assert date(2021, 7, 1) <= first < date(2021, 8, 1), "180 days after the first record"
    assert first.day == min(scored.day, 28), "whole months before the scoring day"
    assert set(report["test_cutoffs"]) <= set(report["cutoffs"])
    assert sum(row["n"] for row in report["calibration"]) > 0
    assert set(report["calibration"][0]) == {"bin", "n", "mean_predicted", "observed"}
    bands = report["risk_bands"]
    assert {"at_risk", "watch", "base_rate", "bands"} <= set(bands)
    assert bands["at_risk"] is not None and bands["bands"][0]["times_base_rate"] >= 3


def test_backtest_json(world_url: str) -> None:
    result = runner.invoke(app, ["--database-url", world_url, "backtest", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["method"] == "time-backtest"
    rows = report["rows"]
    assert {row["model"] for row in rows} == {"logistic", "lightgbm", "blend", "health"}
    assert [row["cutoff"] for row in rows if row["model"] == "logistic"][-1] == "all"
    measures = {"n", "positives", "roc_auc", "pr_auc", "brier", "top_decile_lift"}
    assert measures <= set(rows[0])
    health = [row for row in rows if row["model"] == "health"]
    model = [row for row in rows if row["model"] == "logistic"]
    assert [row["cutoff"] for row in health] == [row["cutoff"] for row in model]
    assert all(measures <= set(row) for row in health)
    assert health[-1]["n"] == model[-1]["n"] and health[-1]["roc_auc"] > 0.5


def test_tables_without_json(sqlite_engine: Engine) -> None:
    write_accounts(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    table = runner.invoke(app, ["--database-url", url, "backtest"])
    assert table.exit_code == 0, table.output
    assert "Churn backtest (cross-validation)" in table.stdout
    assert "fold 1" in table.stdout
    train = runner.invoke(app, ["--database-url", url, "churn", "train"])
    assert train.exit_code == 0, train.output
    for title in ("Backtest (pooled)", "Calibration", "Highest churn risk", "Customer "):
        assert title in train.stdout


def test_definition_and_data_errors(world_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "churn.yaml"
    bad.write_text("horizon_days: -3\n")
    result = runner.invoke(
        app, ["--database-url", world_url, "churn", "train", "--definition", str(bad)]
    )
    assert result.exit_code == 2
    assert "churn definition" in result.stderr
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    nothing = runner.invoke(app, ["--database-url", empty, "churn", "train"])
    assert nothing.exit_code == 1
    assert "not enough accounts" in nothing.stderr
