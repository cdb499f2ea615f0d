"""``keepwell demo``: generate the demo company's exports and import them."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
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

from keepwell.auth.demo import DemoLogin, ensure_demo_users
from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.db import session_scope
from keepwell.demo import DemoLoadError, DemoSummary, build_demo
from keepwell.insight.churn import ChurnDataError
from keepwell.intake.errors import IntakeError
from keepwell.settings import get_settings

DEMO_SCORING_WEEKS = (4, 2, 0)
"""The demo is scored this many weeks before the day after its last day, oldest first."""
MIXED_HINT = (
    "The database may hold other data, such as a demo built with another seed: "
    "build the demo into a fresh database (--database-url)."
)


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    no_serve: Annotated[
        bool,
        typer.Option(
            "--no-serve", help="Build the demo (data, scores, tasks, sign-ins); do not serve it."
        ),
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
    """Build the demo company: three years of a pump maker's exports, imported into Keepwell.

    Then score it, run the playbooks and create the demo sign-ins, so the app opens with
    risk, reasons, tasks and people who can sign in; ``--no-serve`` stops there.
    """
    out_dir = out or get_settings().data_dir / "demo"
    day = as_of.date() if as_of else date.today()
    started = time.perf_counter()
    engine = state(ctx).engine()
    try:
        summary = _build(ctx, out_dir, seed, accounts, day, quiet=as_json)
        ready = prepare_demo(engine, day, status=_Status(quiet=as_json))
    except DemoLoadError as exc:
        raise fail(f"{exc}\n{MIXED_HINT}") from None
    except IntakeError as exc:
        raise fail(str(exc)) from None
    seconds = round(time.perf_counter() - started, 1)
    if as_json:
        print_json({**summary.as_dict(), **ready.as_dict(), "seconds": seconds})
    else:
        _print_summary(summary, seconds)
        _print_ready(ready)
    if not no_serve:
        _serve_demo(ctx, host, port)


@dataclass(frozen=True)
class DemoReady:
    """What makes the loaded demo a working product: scores, tasks and sign-ins."""

    score_runs: list[dict[str, Any]]
    not_scored: str | None
    playbooks: dict[str, Any]
    password: str
    sign_ins: list[DemoLogin]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape printed by ``keepwell demo --json`` (see docs/demo.md)."""
        return {
            "score_runs": self.score_runs,
            "not_scored": self.not_scored,
            "tasks_created": self.playbooks["tasks_created"],
            "password": self.password,
            "sign_ins": [asdict(login) for login in self.sign_ins],
        }


class _Status:
    """Shows what the demo is doing on the terminal; silent when JSON is printed."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet

    def __call__(self, message: str) -> AbstractContextManager[object]:
        return nullcontext() if self.quiet else console.status(message)


def prepare_demo(
    engine: Engine,
    last_day: date,
    *,
    status: Callable[[str], AbstractContextManager[object]] = lambda _: nullcontext(),
) -> DemoReady:
    """Score the demo, run its playbooks and create its sign-ins, as the served demo has them.

    Scores are made four and two weeks before the day after ``last_day`` and on it (never
    after today), so trends, movers and "what changed" have history. The playbooks then
    run once, as ``keepwell run`` does, so the app opens with tasks. A demo too small to
    learn churn from (a few accounts) is left unscored, and ``not_scored`` says why.
    """
    from keepwell.insight.scoring import run_scoring

    final = min(last_day + timedelta(days=1), date.today())
    runs: list[dict[str, Any]] = []
    not_scored = None
    try:
        for weeks_back in DEMO_SCORING_WEEKS:
            day = final - timedelta(weeks=weeks_back)
            with status(f"Scoring the demo company as of {day} (churn model, health, value) …"):
                runs.append(_run_brief(run_scoring(engine, as_of=day).summary()))
    except ChurnDataError as exc:
        not_scored = f"The demo is too small to learn churn risk from: {exc}."
    with status("Running the playbooks …"):
        playbooks = demo_playbooks(engine, last_day)
    with session_scope(engine) as session:
        password, logins = ensure_demo_users(session)
    return DemoReady(runs, not_scored, playbooks, password, logins)


def _run_brief(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("run_id", "as_of", "scored", "model", "method", "roc_auc")
    return {key: summary[key] for key in keys}


def demo_playbooks(engine: Engine, last_day: date) -> dict[str, Any]:
    """Run the playbooks on the scores just made, as ``keepwell run --no-score`` does.

    Digests are queued in the outbox; they are sent only when SMTP is configured.
    """
    from keepwell.pipeline import run_once

    send = bool(get_settings().smtp_host)
    return run_once(engine, today=last_day, score=False, actor="demo", send=send)


def _print_ready(ready: DemoReady) -> None:
    if ready.not_scored:
        console.print(ready.not_scored)
    else:
        latest = ready.score_runs[-1]
        console.print(
            f"Scored {latest['scored']} accounts as of {latest['as_of']} "
            f"({len(ready.score_runs)} runs kept, so trends and movers have history)."
        )
    result = ready.playbooks
    created = {p["rule"]: p["tasks_created"] for p in result["playbooks"] if p["tasks_created"]}
    listed = ", ".join(f"{name} {count}" for name, count in sorted(created.items()))
    console.print(f"Playbooks created {result['tasks_created']} tasks ({listed or 'none'}).")
    table = Table(title=f"Demo sign-ins — password for all: {ready.password}")
    for column in ("email", "role", "department"):
        table.add_column(column)
    for login in ready.sign_ins:
        table.add_row(login.email, login.role, login.department)
    console.print(table)


def _serve_demo(ctx: typer.Context, host: str, port: int) -> None:
    from keepwell.cli.web import serve

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
