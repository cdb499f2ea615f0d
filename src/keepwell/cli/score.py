"""``keepwell score``: train, backtest and score every account; store the run."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.insight.features import EngineName
from keepwell.record.models import Account

TOP = 15


@app.command("score")
def score_command(
    ctx: typer.Context,
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Feature engine: duckdb or spark.")
    ] = "duckdb",
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Scoring day (default: after the data)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """Churn risk with reasons, health, probability alive and value for every account."""
    from keepwell.insight.churn import ChurnDataError
    from keepwell.insight.features import FeatureEngineError
    from keepwell.insight.scoring import run_scoring
    from keepwell.insight.snapshots import latest_scores

    db = state(ctx).engine()
    try:
        result = run_scoring(db, engine_name=engine, as_of=as_of.date() if as_of else None)
    except (ChurnDataError, FeatureEngineError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        print_json(result.summary())
        return
    summary = result.summary()
    console.print(
        f"Run {result.run_id}: {summary['model']} ({summary['method']}), "
        f"backtest ROC AUC {summary['roc_auc']:.3f}, PR AUC {summary['pr_auc']:.3f}, "
        f"Brier {summary['brier']:.4f}, top-decile lift {summary['top_decile_lift']:.1f}; "
        f"{summary['scored']} accounts scored as of {summary['as_of']}."
    )
    with Session(db) as session:
        scores = latest_scores(session)
        names = dict(session.execute(select(Account.id, Account.name)).all())
    table = Table(title=f"Highest churn risk (top {TOP})")
    for column in ("account", "risk", "health", "revenue at risk", "reasons"):
        table.add_column(column)
    ranked = sorted(scores.values(), key=lambda s: -(s.churn_probability or 0.0))[:TOP]
    for score in ranked:
        table.add_row(
            names.get(score.account_id, str(score.account_id)),
            f"{score.churn_probability or 0:.0%}",
            "—"
            if score.health_score is None
            else f"{score.health_score:.0f} ({score.health_band})",
            "—" if score.revenue_at_risk is None else f"{score.revenue_at_risk:,.0f}",
            "; ".join(r["sentence"] for r in score.reasons),
        )
    console.print(table)
