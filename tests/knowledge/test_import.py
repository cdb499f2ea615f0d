"""Importing a folder of Markdown and text files: titles, tags, updates, atomic errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from keepwell.db import session_scope
from keepwell.knowledge.importer import FolderImportError, import_folder
from keepwell.knowledge.models import Article
from keepwell.knowledge.search import search
from keepwell.knowledge.service import versions


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write one file under ``folder`` (sub-folders created)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small wiki: front matter, a heading title, a text file, a hidden file."""
    root = tmp_path / "wiki"
    write(
        root,
        "processes/rma.md",
        "---\ntitle: Handling an RMA\ntags: [returns, Quality Control]\n---\n"
        "Log the **serial** first.\n",
    )
    write(root, "howto/seal-change.md", "# Changing a seal\n\nDrain the pump.\n")
    write(root, "lessons_learned.txt", "Never ship without the torque test.\n")
    write(root, ".obsidian/config.md", "# hidden\n")
    write(root, "image.png", b"\x89PNG")
    return root


def test_import_reads_titles_tags_and_bodies(engine: Engine, folder: Path) -> None:
    with session_scope(engine) as session:
        result = import_folder(session, folder, actor="test")
    assert (result.files, len(result.created), result.unchanged) == (3, 3, 0)
    with session_scope(engine) as session:
        articles = {a.title: a for a in session.scalars(select(Article))}
        assert set(articles) == {"Handling an RMA", "Changing a seal", "lessons learned"}
        rma = articles["Handling an RMA"]
        assert rma.tag_names == ["processes", "quality-control", "returns"]
        assert rma.body == "Log the **serial** first.\n"
        assert articles["Changing a seal"].body == "Drain the pump.\n"
        assert articles["Changing a seal"].tag_names == ["howto"]
        assert rma.external_id == "wiki/processes/rma.md"
        assert [h.title for h in search(session, "serial", 5)] == ["Handling an RMA"]


def test_second_import_updates_changed_files_only(engine: Engine, folder: Path) -> None:
    with session_scope(engine) as session:
        import_folder(session, folder, actor="test")
    write(folder, "howto/seal-change.md", "# Changing a seal\n\nDrain and flush the pump.\n")
    with session_scope(engine) as session:
        again = import_folder(session, folder, actor="test")
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 1, 2)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Article.id))) == 3
        history = versions(session, again.updated[0])
        assert [v.number for v in history] == [2, 1]
        assert "flush" in history[0].body and "flush" not in history[1].body


def test_bad_files_are_all_named_and_nothing_is_written(engine: Engine, folder: Path) -> None:
    write(folder, "broken/latin1.md", "Caf\xe9 notes".encode("latin-1"))
    write(folder, "broken/yaml.md", "---\ntitle: [unclosed\n---\nbody\n")
    write(folder, "broken/empty.txt", "")
    write(folder, "broken/status.md", "---\nstatus: archived\n---\nText\n")
    with session_scope(engine) as session, pytest.raises(FolderImportError) as caught:
        import_folder(session, folder, actor="test")
    problems = caught.value.problems
    assert problems == [
        "broken/empty.txt: is empty",
        "broken/latin1.md: is not UTF-8 text (byte 3)",
        "broken/status.md: status 'archived' is not one of draft, published",
        problems[3],
    ]
    assert problems[3].startswith("broken/yaml.md: front matter is not valid YAML")
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Article.id))) == 0


def test_missing_or_empty_folder_is_refused(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        with pytest.raises(ValueError, match="is not a folder"):
            import_folder(session, tmp_path / "nowhere", actor="test")
        with pytest.raises(ValueError, match=r"holds no \.md"):
            import_folder(session, tmp_path, actor="test")


def test_links_out_of_the_folder_are_refused_not_followed(
    engine: Engine, folder: Path, tmp_path: Path
) -> None:
    secret = write(tmp_path / "outside", "hostname.txt", "server-7.internal\n")
    (folder / "hostname.md").symlink_to(secret)
    (folder / "elsewhere").symlink_to(secret.parent, target_is_directory=True)
    (folder / "inside.md").symlink_to(folder / "howto" / "seal-change.md")
    with session_scope(engine) as session, pytest.raises(FolderImportError) as caught:
        import_folder(session, folder, actor="test")
    outside = "is a link to a file outside the folder; it was not read"
    problems = set(caught.value.problems)
    assert f"hostname.md: {outside}" in problems  # a linked folder may or may not be walked
    assert problems <= {f"hostname.md: {outside}", f"elsewhere/hostname.txt: {outside}"}
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Article.id))) == 0
    (folder / "hostname.md").unlink()
    (folder / "elsewhere").unlink()
    with session_scope(engine) as session:
        assert import_folder(session, folder, actor="test").files == 4
        bodies = session.scalars(select(Article.body)).all()
        assert not any("server-7" in body for body in bodies)
