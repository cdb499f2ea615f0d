"""``keepwell demo``: generate the demo company's exports and import them."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Engine

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.intake.demo import DemoLoadError, DemoSummary, build_demo
from keepwell.intake.errors import IntakeError
from keepwell.settings import get_settings

DEMO_SCORING_WEEKS = (4, 2, 0)
"""The demo is scored this many weeks before its last day, oldest first."""
MIXED_HINT = (
    "The database may hold other data, such as a demo built with another seed: "
    "build the demo into a fresh database (--database-url)."
)


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load the demo data and exit.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the demo company.")] = 7,
    accounts: Annotated[
        int, typer.Option("--accounts", min=1, help="Number of customer accounts.")
    ] = 300,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Last day of the history (default: today)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for the export files (default: <data dir>/demo)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    host: Annotated[str, typer.Option("--host", help="Address the web app listens on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Build the demo company: three years of a pump maker's exports, imported into Keepwell."""
    out_dir = out or get_settings().data_dir / "demo"
    day = as_of.date() if as_of else date.today()
    started = time.perf_counter()
    try:
        summary = _build(ctx, out_dir, seed, accounts, day, quiet=as_json)
    except DemoLoadError as exc:
        raise fail(f"{exc}\n{MIXED_HINT}") from None
    except IntakeError as exc:
        raise fail(str(exc)) from None
    seconds = round(time.perf_counter() - started, 1)
    if as_json:
        print_json({**summary.as_dict(), "seconds": seconds})
    else:
        _print_summary(summary, seconds)
    if not no_serve:
        _score_demo(ctx, day)
        _serve_demo(ctx, host, port)


def _score_demo(ctx: typer.Context, last_day: date) -> None:
    """Score the demo company so the app opens with risk, health and their reasons.

    Runs also four and two weeks back, so trends, movers and "what changed" have history.
    Then runs the playbooks once, as ``keepwell run`` does, so the app opens with tasks.
    """
    from keepwell.insight.scoring import run_scoring

    summary: dict[str, Any] = {}
    for weeks_back in DEMO_SCORING_WEEKS:
        day = last_day - timedelta(weeks=weeks_back) if weeks_back else None
        label = f"as of {day}" if day else "now"
        with console.status(f"Scoring the demo company {label} (churn model, health, value) …"):
            summary = run_scoring(state(ctx).engine(), as_of=day).summary()
    console.print(
        f"Scored {summary['scored']} accounts: {summary['model']} ({summary['method']}), "
        f"backtest ROC AUC {summary['roc_auc']:.2f}; {len(DEMO_SCORING_WEEKS)} runs kept."
    )
    with console.status("Running the playbooks …"):
        result = demo_playbooks(state(ctx).engine(), last_day)
    created = {p["rule"]: p["tasks_created"] for p in result["playbooks"] if p["tasks_created"]}
    listed = ", ".join(f"{name} {count}" for name, count in sorted(created.items()))
    console.print(f"Playbooks created {result['tasks_created']} tasks ({listed or 'none'}).")


def demo_playbooks(engine: Engine, last_day: date) -> dict[str, Any]:
    """Run the playbooks on the scores just made, as ``keepwell run --no-score`` does.

    Digests are queued in the outbox; they are sent only when SMTP is configured.
    """
    from keepwell.playbooks.schedule import run_once

    send = bool(get_settings().smtp_host)
    return run_once(engine, today=last_day, score=False, actor="demo", send=send)


def _serve_demo(ctx: typer.Context, host: str, port: int) -> None:
    """Create the demo sign-ins, print them and run the web app."""
    from keepwell.auth.demo import ensure_demo_users
    from keepwell.cli.web import serve
    from keepwell.db import session_scope

    with session_scope(state(ctx).engine()) as session:
        password, logins = ensure_demo_users(session)
    table = Table(title=f"Demo sign-ins — password for all: {password}")
    for column in ("email", "role", "department"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.email, login.role, login.department)
    console.print(table)
    console.print(f"Keepwell is running at [bold]http://{host}:{port}[/] (Ctrl+C stops it).")
    serve(ctx, host=host, port=port)


def _build(
    ctx: typer.Context, out_dir: Path, seed: int, accounts: int, day: date, *, quiet: bool
) -> DemoSummary:
    engine = state(ctx).engine()
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=quiet) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        return build_demo(
            engine, out_dir, seed=seed, accounts=accounts, as_of=day, progress=advance
        )


def _print_summary(summary: DemoSummary, seconds: float) -> None:
    table = Table(title=f"Demo company (seed {summary.seed}, as of {summary.as_of})")
    for column in ("file", "system", "rows", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column in ("file", "system") else "right")
    for f in summary.files:
        table.add_row(
            f.path, f.system, str(f.rows), str(f.created), str(f.updated), str(f.unchanged)
        )
    console.print(table)
    causes = ", ".join(f"{cause} {n}" for cause, n in summary.churned_by_cause.items())
    console.print(
        f"{summary.rows['accounts']} accounts, {summary.rows['employees']} employees, "
        f"{summary.rows['orders']} orders, {summary.rows['tickets']} tickets, "
        f"{summary.rows['surveys']} survey responses, {summary.rows['interactions']} interactions, "
        f"{summary.rows['telemetry']} telemetry rows."
    )
    console.print(
        f"Churned customers: {summary.churned} (by cause: {causes}); "
        f"{summary.at_risk} more show early signs."
    )
    if summary.created == 0 and summary.updated == 0:
        console.print("The database already held this demo: importing it again changed nothing.")
    elif summary.updated:
        console.print(
            f"The database held a demo built with other settings: {summary.updated} records "
            "were updated. Build into a fresh database (--database-url) for a clean demo."
        )
    console.print(f"Files and ground_truth.json in {summary.out_dir} — built in {seconds} s.")
