"""``keepwell churn train`` and ``keepwell backtest``: churn risk with its backtest and reasons."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import Engine, select

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.insight.churn import ChurnDataError, ChurnRun, load_definition, train_and_score
from keepwell.insight.churn.service import with_health
from keepwell.insight.features import EngineName, FeatureEngineError
from keepwell.insight.health import HealthConfigError
from keepwell.record.models import Account
from keepwell.settings import get_settings

churn_app = typer.Typer(
    help="Churn risk: train, backtest and score with reasons.", no_args_is_help=True
)
app.add_typer(churn_app, name="churn")

EngineOption = Annotated[
    EngineName, typer.Option("--engine", help="Feature engine: duckdb or spark.")
]
DefinitionOption = Annotated[
    Path | None,
    typer.Option(
        "--definition",
        help="Churn definition YAML (default: <data dir>/churn.yaml, else the built-in one).",
    ),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Scoring day; only data before it are used (default: after the latest record).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/churn.md).")]
TOP_ACCOUNTS = 15


def _run(
    ctx: typer.Context, engine: EngineName, definition: Path | None, as_of: datetime | None
) -> ChurnRun:
    try:
        chosen = load_definition(definition, get_settings().data_dir)
    except (OSError, ValueError) as exc:
        raise fail(f"churn definition: {exc}", 2) from None
    try:
        return train_and_score(
            state(ctx).engine(),
            engine_name=engine,
            as_of=as_of.date() if as_of else None,
            definition=chosen,
        )
    except FeatureEngineError as exc:
        raise fail(str(exc), 2) from None
    except ChurnDataError as exc:
        raise fail(str(exc), 1) from None


@churn_app.command("train")
def train_command(
    ctx: typer.Context,
    engine: EngineOption = "duckdb",
    definition: DefinitionOption = None,
    as_of: AsOfOption = None,
    as_json: AsJson = False,
) -> None:
    """Train both models, keep the better one by backtest and score the live accounts."""
    run = _run(ctx, engine, definition, as_of)
    if as_json:
        print_json(run.summary())
        return
    _print_summary(run)
    _print_top(run, state(ctx).engine())


@app.command("backtest")
def backtest_command(
    ctx: typer.Context,
    engine: EngineOption = "duckdb",
    definition: DefinitionOption = None,
    as_of: AsOfOption = None,
    as_json: AsJson = False,
) -> None:
    """Show the churn models' backtest metrics per model and test cutoff."""
    run = _run(ctx, engine, definition, as_of)
    run = with_health(state(ctx).engine(), run, _health_config())
    if as_json:
        print_json({"method": run.method, "chosen": run.model_name, "rows": run.backtest_rows()})
        return
    title = f"Churn backtest ({run.method}); chosen: {run.model_name}"
    table = Table(title=title)
    columns = ("model", "cutoff", "n", "positives", "roc_auc", "pr_auc", "brier", "top_decile_lift")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="left" if column == "model" else "right")
    for row in run.backtest_rows():
        cutoff = row["cutoff"] or f"fold {row['fold']}"
        table.add_row(row["model"], cutoff, *(_cell(row[c]) for c in columns[2:]))
    console.print(table)


def _health_config() -> Any:
    """The company's health rule (exit code 2 when it is invalid)."""
    from keepwell.insight.scoring import company_health_config

    try:
        return company_health_config()
    except (HealthConfigError, OSError, ValueError) as exc:
        raise fail(f"health configuration: {exc}", 2) from None


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _print_summary(run: ChurnRun) -> None:
    summary = run.summary()
    console.print(
        f"[bold]{run.model_name}[/] chosen by {run.method} on {summary['n_examples']} examples "
        f"of {summary['n_accounts']} accounts; horizon {summary['horizon_days']} days."
    )
    if run.note:
        console.print(f"Without enough history for a time-based backtest: {run.note}")
    metrics = Table(title="Backtest (pooled)")
    for column in ("ROC AUC", "PR AUC", "Brier", "top-decile lift"):
        metrics.add_column(column, justify="right")
    metrics.add_row(*(_cell(summary[k]) for k in ("roc_auc", "pr_auc", "brier", "top_decile_lift")))
    console.print(metrics)
    calibration = Table(title="Calibration (deciles of predicted risk)")
    for column in ("decile", "accounts", "mean predicted", "observed"):
        calibration.add_column(column, justify="right")
    for row in summary["calibration"]:
        calibration.add_row(
            str(row["bin"]),
            str(row["n"]),
            f"{row['mean_predicted']:.1%}",
            f"{row['observed']:.1%}",
        )
    console.print(calibration)


def _print_top(run: ChurnRun, engine: Engine) -> None:
    top = run.scores[:TOP_ACCOUNTS]
    names = _names(engine, [score.account_id for score in top])
    table = Table(title=f"Highest churn risk on {run.as_of.isoformat()} ({len(run.scores)} scored)")
    for column in ("account", "risk", "why"):
        table.add_column(column, justify="right" if column == "risk" else "left")
    for score in top:
        why = "; ".join(reason.sentence for reason in score.reasons) or "–"
        table.add_row(
            names.get(score.account_id, str(score.account_id)), f"{score.probability:.0%}", why
        )
    console.print(table)


def _names(engine: Engine, ids: list[int]) -> dict[int, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(Account.id, Account.name).where(Account.id.in_(ids)))
        return {row.id: row.name for row in rows}
