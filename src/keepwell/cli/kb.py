"""``keepwell kb``: import a folder of articles and search the knowledge base."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.db import session_scope
from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.importer import FolderImport, FolderImportError, import_folder
from keepwell.knowledge.search import search

ACTOR = "cli"
kb_app = typer.Typer(help="The knowledge base: import articles, search them.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")]


@kb_app.command("import")
def import_command(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder of .md, .markdown and .txt files.")],
    as_json: AsJson = False,
) -> None:
    """Import every Markdown/text file under FOLDER as an article (all or nothing)."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with (
            session_scope(state(ctx).engine()) as session,
            Progress(*columns, console=err_console, transient=True, disable=as_json) as progress,
        ):
            task = progress.add_task(f"articles ← {folder.name}", total=None)
            result = import_folder(
                session,
                folder,
                actor=ACTOR,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except FolderImportError as exc:
        raise fail(str(exc)) from None
    except KnowledgeError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        print_json(_summary(result))
        return
    console.print(
        f"Imported {result.files} file(s) from {result.folder}: {len(result.created)} created, "
        f"{len(result.updated)} updated, {result.unchanged} unchanged."
    )


@kb_app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words; "a phrase", -excluded, a or b.')],
    as_json: AsJson = False,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many hits.")] = 20,
    tag: Annotated[list[str] | None, typer.Option(help="Only articles with this tag.")] = None,
) -> None:
    """Search the articles, best match first, with highlighted snippets."""
    with session_scope(state(ctx).engine()) as session:
        hits = search(session, query, limit, tags=tag or ())
    if as_json:
        print_json(
            {
                "query": query,
                "hits": [
                    {
                        "article_id": h.article_id,
                        "title": h.title,
                        "status": h.status,
                        "score": round(h.score, 6),
                        "snippet": str(h.snippet),
                        "updated_at": h.updated_at.isoformat(),
                    }
                    for h in hits
                ],
            }
        )
        return
    if not hits:
        console.print(f"No article matches {query!r}.")
        return
    table = Table(title=f"{len(hits)} article(s) for {query!r}")
    for column in ("id", "title", "snippet", "score"):
        table.add_column(column, justify="right" if column in ("id", "score") else "left")
    for hit in hits:
        table.add_row(
            str(hit.article_id), hit.title, _snippet(str(hit.snippet)), f"{hit.score:.3f}"
        )
    console.print(table)


def _snippet(html: str) -> Text:
    """The snippet's HTML as terminal text, matched words highlighted."""
    text = Text()
    for number, part in enumerate(re.split(r"</?mark>", html)):
        text.append(unescape(part), style="bold yellow" if number % 2 else "")
    return text


def _summary(result: FolderImport) -> dict[str, object]:
    return {
        "folder": result.folder,
        "files": result.files,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
