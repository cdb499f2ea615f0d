"""``keepwell search``: the top bar's search from the command line."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.search import KINDS, search_everything


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A name, number, serial or words of a ticket.")],
    kinds: Annotated[
        str, typer.Option("--kinds", help="Comma-separated: " + ", ".join(KINDS) + ".")
    ] = ",".join(KINDS),
    per_kind: Annotated[int, typer.Option("--per-kind", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Find accounts, contacts, tickets, machines, problems and articles."""
    chosen = tuple(k.strip() for k in kinds.split(",") if k.strip())
    unknown = sorted(set(chosen) - set(KINDS))
    if unknown or not chosen:
        raise fail(f"--kinds must name some of {', '.join(KINDS)}; unknown: {unknown}", 2)
    with Session(state(ctx).engine()) as session:
        found = search_everything(session, query, chosen, per_kind)
    if as_json:
        print_json({"results": [asdict(f) for f in found.results], "took_ms": found.took_ms})
        return
    if not found.results:
        console.print(f"Nothing matches “{found.query}”.")
        return
    table = Table("kind", "title", "details", "page")
    for item in found.results:
        table.add_row(item.kind, item.title, item.subtitle, item.url)
    console.print(table)
