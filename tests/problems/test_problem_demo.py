"""The demo company's planted recurring problems are found by ``keepwell problems detect``."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.intake.demo import load_ground_truth

pytestmark = pytest.mark.slow

RECALL = 0.6
PRECISION = 0.9


def test_detect_finds_every_planted_problem(demo_db: Path, tmp_path: Path) -> None:
    shutil.copy(demo_db / "demo.sqlite3", tmp_path / "demo.sqlite3")
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    runner = CliRunner()
    result = runner.invoke(
        app, ["--database-url", url, "problems", "detect", "--json", "--representation", "tfidf"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= {"problems", "unassigned"}
    where = {t: p["id"] for p in document["problems"] for t in p["tickets"]}
    sizes = {p["id"]: p["size"] for p in document["problems"]}
    truth = load_ground_truth(demo_db / "files")
    assert len(truth.problems) == 6
    found = set()
    for planted in truth.problems:
        (pid, hits), *_ = Counter(where.get(t) for t in planted.tickets).most_common(1)
        assert pid is not None, planted.key
        assert hits >= RECALL * len(planted.tickets), (planted.key, hits, len(planted.tickets))
        assert hits >= PRECISION * sizes[pid], (planted.key, hits, sizes[pid])
        found.add(pid)
    assert len(found) == 6

    again = runner.invoke(
        app, ["--database-url", url, "problems", "detect", "--json", "--representation", "tfidf"]
    )
    assert json.loads(again.stdout)["problems"] == document["problems"]
