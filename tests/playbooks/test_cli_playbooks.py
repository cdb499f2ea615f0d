"""``keepwell playbook list|dry-run`` and ``keepwell run`` on a crafted record."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.tasks.world import small_world
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.people.models import Employee
from keepwell.record.models import Contact
from keepwell.settings import get_settings
from keepwell.tasks.models import Task


@pytest.fixture
def company(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A crafted record where a key contact and an employee left; an empty rules folder."""
    monkeypatch.setenv("KEEPWELL_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    today = date.today()
    with session_scope(engine) as s:
        w = small_world(s)
        s.add(
            Contact(
                source="t",
                external_id="k",
                account_id=w.accounts["acme"],
                name="Jane",
                is_key=True,
                active=False,
                left_at=today - timedelta(days=3),
            )
        )
        s.get_one(Employee, w.employees["sven"]).left_at = today - timedelta(days=1)
    yield tmp_path
    get_settings.cache_clear()


def invoke(database_url: str, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["--database-url", database_url, *args])
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_list_dry_run_and_run_twice(engine: Engine, database_url: str, company: Path) -> None:
    listed = invoke(database_url, "playbook", "list", "--json")
    names = {p["name"]: p for p in listed["playbooks"]}  # type: ignore[attr-defined]
    assert names["going_quiet"]["enabled"] and names["going_quiet"]["origin"] == "builtin"
    preview = invoke(database_url, "playbook", "dry-run", "key_contact_left", "--json")
    assert preview["fired"] == 1 and preview["accounts"][0]["account"] == "acme"  # type: ignore[index]
    first = invoke(database_url, "run", "--no-score", "--json")
    counts = {p["rule"]: p["tasks_created"] for p in first["playbooks"]}  # type: ignore[attr-defined]
    assert counts["key_contact_left"] == 1 and counts["departure_handover"] == 1
    assert first["tasks_created"] == 2 and first["scoring"] == {"skipped": "not asked"}
    second = invoke(database_url, "run", "--no-score", "--json")
    assert second["tasks_created"] == 0
    assert {p["rule"]: p["duplicates"] for p in second["playbooks"]}["key_contact_left"] == 1  # type: ignore[attr-defined]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count(Task.id))) == 2
    table = CliRunner().invoke(app, ["--database-url", database_url, "run", "--no-score"])
    assert table.exit_code == 0 and "key_contact_left" in table.stdout
    assert "0 tasks created" in table.stdout


def test_dry_run_of_an_unknown_playbook_and_a_broken_company_rule(
    database_url: str, company: Path
) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["--database-url", database_url, "playbook", "dry-run", "nope"])
    assert unknown.exit_code == 2 and "no playbook 'nope'" in unknown.output
    folder = company / "data" / "playbooks"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("name: bad\ntitle: Bad\nsignal: nothing\nactions: []\n")
    listed = invoke(database_url, "playbook", "list", "--json")
    assert listed["broken"] == [
        "bad.yaml: line 4, actions: List should have at least 1 item after validation, not 0"
    ]
