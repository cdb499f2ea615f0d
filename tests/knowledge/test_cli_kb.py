"""``keepwell kb import`` and ``keepwell kb search`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from keepwell.cli import app


def test_import_then_search_as_json(database_url: str, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "service").mkdir(parents=True)
    (folder / "service" / "bearing.md").write_text(
        "# Bearing noise\n\nA grinding noise means the bearing is worn.\n", encoding="utf-8"
    )
    (folder / "sales.txt").write_text("Quote within two days.\n", encoding="utf-8")
    runner = CliRunner()
    base = ["--database-url", database_url, "kb"]
    imported = runner.invoke(app, [*base, "import", str(folder), "--json"])
    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout)
    assert (summary["files"], len(summary["created"]), summary["unchanged"]) == (2, 2, 0)

    found = runner.invoke(app, [*base, "search", "grinding bearing", "--json"])
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    assert [h["title"] for h in document["hits"]] == ["Bearing noise"]
    assert "<mark>grinding</mark>" in document["hits"][0]["snippet"]

    tagged = runner.invoke(app, [*base, "search", "bearing", "--tag", "sales", "--json"])
    assert json.loads(tagged.stdout)["hits"] == []
    table = runner.invoke(app, [*base, "search", '"'])
    assert table.exit_code == 0 and "No article matches" in table.stdout
    shown = runner.invoke(app, [*base, "search", "quote"])
    assert "sales" in shown.stdout and "1 article(s)" in shown.stdout


def test_import_of_a_bad_folder_names_the_file(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "ok.md").write_text("fine\n", encoding="utf-8")
    (folder / "bad.md").write_bytes(b"\xff\xfe broken")
    result = CliRunner().invoke(app, ["--database-url", database_url, "kb", "import", str(folder)])
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "bad.md: is not UTF-8 text (byte 0)" in said and "nothing was" in said


def test_import_of_a_missing_folder_is_a_usage_error(database_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(app, ["--database-url", database_url, "kb", "import", str(missing)])
    assert result.exit_code == 2
    assert "not a folder" in " ".join(result.stderr.split())
