"""``keepwell playbook list|dry-run`` and ``keepwell run``."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.db.engine import session_factory
from keepwell.playbooks.rules import RuleError
from keepwell.playbooks.service import dry_run, find_rule, load_rules

playbook_app = typer.Typer(help="Playbooks: signals, rules and actions.", no_args_is_help=True)
app.add_typer(playbook_app, name="playbook")
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOf = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day to evaluate (default: today)."),
]


@playbook_app.command("list")
def list_command(as_json: AsJson = False) -> None:
    """List the playbooks: built-in and the company's, enabled or not."""
    try:
        rule_set = load_rules()
    except RuleError as exc:
        raise fail(str(exc)) from None
    rows: list[dict[str, Any]] = [
        {
            "name": r.name,
            "title": r.spec.title,
            "enabled": r.spec.enabled,
            "signal": r.spec.signal,
            "actions": [a.name for a, _ in r.actions],
            "cooldown_days": r.spec.cooldown_days,
            "origin": r.origin,
        }
        for r in rule_set.rules.values()
    ]
    broken = [str(b) for b in rule_set.broken]
    if as_json:
        print_json({"playbooks": rows, "broken": broken})
        return
    table = Table(title="Playbooks", box=box.SIMPLE_HEAD)
    for column in ("name", "title", "on", "signal", "actions", "cooldown", "origin"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["name"],
            r["title"],
            "yes" if r["enabled"] else "no",
            r["signal"],
            ", ".join(r["actions"]),
            f"{r['cooldown_days']} d",
            r["origin"],
        )
    console.print(table)
    for problem in broken:
        err_console.print(f"[bold red]broken:[/] {problem}")


@playbook_app.command("dry-run")
def dry_run_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The playbook's name.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Show the accounts the playbook would fire on now, without doing anything."""
    try:
        rule = find_rule(name)
    except (KeyError, RuleError) as exc:
        raise fail(str(exc).strip("\"'"), 2) from None
    with session_factory(state(ctx).engine())() as session:
        outcome = dry_run(session, rule, as_of.date() if as_of else None)
    if as_json:
        print_json(outcome.summary(with_accounts=True))
        return
    firing = [a for a in outcome.accounts if a["state"] == "fires"]
    console.print(
        f"{rule.spec.title}: would fire on {len({a['account_id'] for a in firing})} accounts now "
        f"({outcome.duplicates} already have an open task, {outcome.cooling} in cooldown)."
    )
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("account", "reason", "state"):
        table.add_column(column)
    for a in outcome.accounts:
        table.add_row(a["account"], a["summary"], a["state"])
    console.print(table)


@app.command("run")
def run_command(
    ctx: typer.Context,
    as_of: AsOf = None,
    no_score: Annotated[
        bool, typer.Option("--no-score", help="Use the latest scores instead of scoring first.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Score every account, run every enabled playbook once and send notifications.

    Idempotent: running it again creates no duplicate tasks. Schedule it with cron.
    """
    from keepwell.pipeline import run_once

    engine = state(ctx).engine()
    with (
        console.status("Scoring and running playbooks", spinner="dots")
        if not as_json
        else nullcontext()
    ):
        try:
            summary = run_once(
                engine, today=as_of.date() if as_of else None, score=not no_score, actor="cli"
            )
        except RuleError as exc:
            raise fail(str(exc)) from None
    if as_json:
        print_json(summary)
        return
    _print_run(summary)


def _print_run(summary: dict[str, Any]) -> None:
    scoring = summary["scoring"]
    if "skipped" in scoring:
        console.print(f"Scoring skipped: {scoring['skipped']}")
    else:
        console.print(f"Scoring run {scoring['run_id']}: {scoring['scored']} accounts scored.")
    table = Table(title=f"Playbooks as of {summary['as_of']}", box=box.SIMPLE_HEAD)
    for column in ("playbook", "hits", "fired", "open already", "cooldown", "tasks"):
        table.add_column(column, justify="left" if column == "playbook" else "right")
    for p in summary["playbooks"]:
        table.add_row(
            p["rule"],
            str(p["hits"]),
            str(p["fired"]),
            str(p["duplicates"]),
            str(p["cooling"]),
            str(p["tasks_created"]),
        )
    console.print(table)
    delivery = summary["delivery"]
    console.print(
        f"{summary['tasks_created']} tasks created, {summary['escalated']} escalated; "
        f"{summary['messages_queued']} messages queued, {delivery['sent']} sent, "
        f"{delivery['retrying']} to retry, {delivery['waiting']} waiting for configuration."
    )
    for problem in summary["broken_rules"]:
        err_console.print(f"[bold red]broken:[/] {problem}")
    surveys = summary.get("surveys", {})
    if "skipped" in surveys:
        console.print(f"Surveys skipped: {surveys['skipped']}")
    elif surveys:
        console.print(
            f"Surveys: {surveys['sent']} sent, {surveys['skipped']} contacts skipped, "
            f"{surveys['bounced']} bounced, {surveys['failed']} failed."
        )
