"""``keepwell problems …`` commands end to end on a real database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from tests.problems.corpus import Corpus
from tests.problems.records import add_accounts, add_tickets
from typer.testing import CliRunner

from keepwell.cli import app

runner = CliRunner()


def _run(url: str, *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["--database-url", url, "problems", *args])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args and code == 0 else result


def test_detect_act_and_show(engine: Engine, database_url: str, corpus: Corpus) -> None:
    add_tickets(engine, corpus.texts, add_accounts(engine, 3))
    detected = _run(database_url, "detect", "--json", "--representation", "tfidf")
    assert len(detected["problems"]) >= 5
    for problem in detected["problems"]:
        assert set(problem) >= {"id", "label", "size", "tickets"}
        assert problem["size"] == len(problem["tickets"])
    first, second, third = (p["id"] for p in detected["problems"][:3])

    assert _run(database_url, "confirm", str(first), "--json")["status"] == "confirmed"
    assert _run(database_url, "rename", str(first), "Seal leaks", "--json")["label"] == "Seal leaks"
    assert _run(database_url, "merge", str(first), str(second), "--json")["merged"] == [second]
    moved = detected["problems"][1]["tickets"][:2]
    split = _run(database_url, "split", str(first), *moved, "--label", "Split off", "--json")
    updated = _run(
        database_url,
        "update",
        str(first),
        "root_cause=Wrong seal material",
        "status=corrected",
        "corrected_on=2025-03-01",
        "--json",
    )
    assert updated == {"id": first, "status": "corrected", "corrected_on": "2025-03-01"}
    _run(database_url, "dismiss", str(third))

    shown = _run(database_url, "show", str(first), "--json")
    assert shown["root_cause"] == "Wrong seal material" and shown["label"] == "Seal leaks"
    assert {e["kind"] for e in shown["events"]} >= {"confirmed", "renamed", "merged", "corrected"}
    assert shown["impact"]["recurred_after_fix"] > 0  # tickets run daily from 2025-01-01

    again = _run(database_url, "detect", "--json", "--representation", "tfidf")
    ids = {p["id"] for p in again["problems"]}
    assert {first, split["id"]} <= ids and second not in ids and third not in ids
    listed = _run(database_url, "list", "--json")["problems"]
    assert {p["id"] for p in listed} == ids


def test_bad_input_gives_clear_errors(engine: Engine, database_url: str) -> None:
    add_tickets(engine, ["The pump seal leaks oil."], add_accounts(engine, 1))
    missing = _run(database_url, "confirm", "999", code=1)
    assert "no problem with id 999" in missing.output
    wrong = _run(database_url, "update", "999", "nonsense", code=1)
    assert "expected FIELD=VALUE" in wrong.output
    bad_repr = _run(database_url, "detect", "--representation", "bert", code=1)
    assert "representation must be one of" in bad_repr.output
