"""A score run describes a day that has begun: its ``as_of`` is never after today."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from tests.insight.churn_world import END, build_world
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import make_engine
from keepwell.record.models import Order

runner = CliRunner()


@pytest.fixture(scope="module")
def future_dated_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    """A record whose latest row is dated after today (a scheduled order, say)."""
    path = tmp_path_factory.mktemp("scoring-day") / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    build_world(engine, accounts=60)
    with engine.begin() as conn:
        conn.execute(
            insert(Order),
            [
                {
                    "source": "test",
                    "external_id": "O-scheduled",
                    "account_id": 1,
                    "ordered_at": date.today() + timedelta(days=2),
                    "amount": 1200.0,
                    "kind": "spare_parts",
                    "status": "open",
                }
            ],
        )
    engine.dispose()
    return f"sqlite:///{path}"


def test_default_scoring_day_is_never_after_today(future_dated_url: str) -> None:
    result = runner.invoke(app, ["--database-url", future_dated_url, "churn", "train", "--json"])
    assert result.exit_code == 0, result.output
    assert date.fromisoformat(json.loads(result.stdout)["as_of"]) == date.today()


def test_scoring_day_after_today_is_refused(future_dated_url: str) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = runner.invoke(
        app, ["--database-url", future_dated_url, "churn", "train", "--as-of", tomorrow, "--json"]
    )
    assert result.exit_code == 1
    assert f"the scoring day {tomorrow} is after today" in result.stderr


def test_data_that_end_earlier_are_scored_the_day_after_their_last_record(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    build_world(engine, accounts=60)
    engine.dispose()
    result = runner.invoke(app, ["--database-url", f"sqlite:///{path}", "churn", "train", "--json"])
    assert result.exit_code == 0, result.output
    assert date.fromisoformat(json.loads(result.stdout)["as_of"]) <= END + timedelta(days=1)
