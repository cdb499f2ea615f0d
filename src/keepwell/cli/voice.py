"""``keepwell voice``: sentiment, NPS/CSAT, detractor follow-up, say–do gap, themes, comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.voice.service import (
    account_names,
    comment_dict,
    current_themes,
    explore_comments,
    theme_dicts,
    voice_summary,
)
from keepwell.voice.store import recompute_themes

voice_app = typer.Typer(help="The voice of the customer.", no_args_is_help=True)
app.add_typer(voice_app, name="voice")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")]
AsOf = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day to look from (default: today)."),
]


@voice_app.command("summary")
def summary_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_of: AsOf = None,
    themes: Annotated[
        bool, typer.Option("--themes/--no-themes", help="Add the stored themes.")
    ] = True,
) -> None:
    """Sentiment by source, NPS/CSAT trend and segments, detractors, say–do gap, themes."""
    engine = state(ctx).engine()
    with Session(engine) as session, err_console.status("Reading what customers say…"):
        summary = voice_summary(session, as_of.date() if as_of else None, with_themes=themes)
    if as_json:
        print_json(summary)
        return
    _print_summary(summary)


@voice_app.command("themes")
def themes_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    recompute: Annotated[
        bool,
        typer.Option(
            "--recompute",
            help="Group every comment into themes again (otherwise: the stored themes).",
        ),
    ] = False,
) -> None:
    """The themes customers voice, with their churn lift (as stored and kept current)."""
    engine = state(ctx).engine()
    with Session(engine) as session:
        if recompute:
            with err_console.status("Grouping every comment into themes…"):
                recompute_themes(session)
                session.commit()
        report = theme_dicts(current_themes(session))
    if as_json:
        print_json(report)
        return
    if report["computed_at"] is None:
        console.print("No themes yet: run `keepwell run` or `keepwell voice themes --recompute`.")
        return
    _print_summary_themes(report)


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["—" if v is None else str(v) for v in row])
    return table


def _print_summary(summary: dict[str, Any]) -> None:
    sentiment = summary["sentiment"]
    console.print(
        _table(
            "Sentiment by source",
            ["source", "comments", "positive", "neutral", "negative", "mean"],
            [[k, *v.values()] for k, v in sentiment.items()],
        )
    )
    trend = summary["nps_trend"][-8:]
    console.print(
        _table(
            "NPS and CSAT by quarter",
            ["quarter", "NPS answers", "NPS", "CSAT answers", "CSAT %"],
            [
                [t["period"], t["nps_answers"], t["nps"], t["csat_answers"], t["csat"]]
                for t in trend
            ],
        )
    )
    d = summary["detractors"]
    console.print(
        f"Detractors (last 12 months): {d['total']}, followed up {d['followed_up']}, "
        f"unheard {d['unheard']}, still open {d['open']}."
    )
    gaps = summary["say_do_gap"]
    console.print(
        _table(
            "Say–do gap",
            ["account", "gap", "score", "orders 180 d", "before", "tickets 90 d"],
            [
                [
                    g["account"],
                    g["gap"],
                    g["score"],
                    g["orders_recent"],
                    g["orders_before"],
                    g["tickets_90d"],
                ]
                for g in gaps[:20]
            ],
        )
    )
    if "themes" in summary:
        _print_summary_themes(summary["themes"])


def _print_summary_themes(report: dict[str, Any]) -> None:
    themes = sorted(report["themes"], key=lambda t: -(t["churn_lift"] or 0))
    console.print(
        _table(
            "Themes by churn lift",
            ["theme", "comments", "accounts", "sentiment", "churn lift", "risk lift"],
            [
                [
                    t["label"],
                    t["size"],
                    t["accounts"],
                    t["sentiment"],
                    t["churn_lift"],
                    t["risk_lift"],
                ]
                for t in themes[:15]
            ],
        )
    )


@voice_app.command("comments")
def comments_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    search: Annotated[str | None, typer.Option(help="Words the comment contains.")] = None,
    source: Annotated[str | None, typer.Option(help="survey, ticket or interaction.")] = None,
    sentiment: Annotated[str | None, typer.Option(help="positive, neutral or negative.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 20,
) -> None:
    """Search the comments, newest first."""
    with Session(state(ctx).engine()) as session:
        try:
            page = explore_comments(
                session, search=search, source=source, label=sentiment, limit=limit
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
        names = account_names(session, {c.account_id for c in page.items})
    items = [comment_dict(c, names) for c in page.items]
    if as_json:
        print_json({"total": page.total, "items": items})
        return
    console.print(
        _table(
            f"Comments ({page.total} match)",
            ["when", "source", "account", "sentiment", "text"],
            [[c["at"][:10], c["source"], c["account"], c["label"], c["text"][:100]] for c in items],
        )
    )
