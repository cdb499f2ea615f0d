"""``keepwell report weekly``: the weekly retention review as HTML or PDF."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, state

report_app = typer.Typer(help="Reports for the leadership team.", no_args_is_help=True)
app.add_typer(report_app, name="report")


class ReportFormat(StrEnum):
    """The file format of a report."""

    HTML = "html"
    PDF = "pdf"


@report_app.command("weekly")
def weekly_command(
    ctx: typer.Context,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html or pdf.")] = (
        ReportFormat.HTML
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (default: weekly-review-<day>.<format>)."),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Last day of the week."),
    ] = None,
    no_money: Annotated[
        bool, typer.Option("--no-money", help="Leave amounts out (for a wider audience).")
    ] = False,
) -> None:
    """Portfolio health and revenue at risk, movers, problems, playbooks, coverage, accuracy."""
    from keepwell.report import weekly_review
    from keepwell.report.render import render_document, render_pdf

    with Session(state(ctx).engine()) as session:
        review = weekly_review(session, as_of.date() if as_of else None, money=not no_money)
        target = out or Path(f"weekly-review-{review.today.isoformat()}.{fmt.value}")
        if fmt is ReportFormat.PDF:
            target.write_bytes(render_pdf(review))
        else:
            target.write_text(render_document(review), encoding="utf-8")
    sections = ", ".join(s.key for s in review.sections)
    console.print(f"Wrote {target} ({target.stat().st_size:,} bytes; sections: {sections}).")
