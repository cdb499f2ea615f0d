"""``keepwell problems``: detect recurring problems, place new tickets, and act on problems."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.db.engine import session_scope
from keepwell.problems import service
from keepwell.problems.represent import REPRESENTATIONS, Representation, representation_named
from keepwell.problems.store import assign_new_tickets, run_detection
from keepwell.problems.views import detection_document, list_problems, problem_detail

problems_app = typer.Typer(
    help="Recurring problems: detection, assignment, and their 8D records.",
    no_args_is_help=True,
)
app.add_typer(problems_app, name="problems")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")]
Actor = Annotated[str, typer.Option("--actor", help="Who does this (for the history).")]
ReprOption = Annotated[
    str,
    typer.Option(
        "--representation",
        help=f"Text representation: {', '.join(REPRESENTATIONS)} (auto: the bundled model).",
    ),
]
ModelPath = Annotated[
    str | None,
    typer.Option(
        "--model-path",
        envvar="KEEPWELL_EMBEDDING_MODEL",
        help="Local sentence-transformers model directory to use instead of the bundled one.",
    ),
]
ProblemId = Annotated[int, typer.Argument(help="Problem id.")]


@contextmanager
def _session(ctx: typer.Context) -> Iterator[Session]:
    try:
        with session_scope(state(ctx).engine()) as session:
            yield session
    except (service.ProblemError, service.ProblemNotFound) as exc:
        raise fail(str(exc)) from None


def _representation(name: str, model_path: str | None, seed: int) -> Representation:
    try:
        return representation_named(name, model_path=model_path, seed=seed)
    except ValueError as exc:
        raise fail(str(exc)) from None


@problems_app.command("detect")
def detect_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    representation: ReprOption = "auto",
    model_path: ModelPath = None,
    min_size: Annotated[
        int | None, typer.Option(min=2, help="Fewest tickets that make a problem.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (results are deterministic).")] = 0,
) -> None:
    """Group all tickets into recurring problems; owned problems keep their ids and tickets."""
    chosen = _representation(representation, model_path, seed)
    with _session(ctx) as session:
        with err_console.status("Detecting recurring problems…"):
            run = run_detection(session, representation=chosen, min_size=min_size, seed=seed)
        document = detection_document(session, run)
    if as_json:
        print_json(document)
        return
    table = Table(title=f"Recurring problems ({run.representation})")
    for column in ("id", "status", "size", "label", "examples"):
        table.add_column(column)
    for problem in document["problems"]:
        table.add_row(
            str(problem["id"]),
            problem["status"],
            str(problem["size"]),
            problem["label"],
            ", ".join(problem["tickets"][:3]),
        )
    console.print(table)
    console.print(
        f"{len(run.created)} new, {len(run.kept)} kept, {len(run.removed)} removed; "
        f"{run.assigned} tickets placed in owned problems; {len(run.unassigned)} unassigned."
    )


@problems_app.command("assign")
def assign_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    representation: ReprOption = "auto",
    model_path: ModelPath = None,
) -> None:
    """Place tickets that are in no problem against the known problems (no re-clustering)."""
    chosen = _representation(representation, model_path, 0)
    with _session(ctx) as session:
        run = assign_new_tickets(session, representation=chosen)
    if as_json:
        print_json({"assigned": run.assigned, "unassigned": run.unassigned})
        return
    console.print(f"{run.assigned} tickets placed; {len(run.unassigned)} fit no problem.")


@problems_app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day of the impact.")
    ] = None,
) -> None:
    """Problems by impact: accounts, tickets, revenue, lost and at-risk accounts."""
    with _session(ctx) as session:
        problems = list_problems(session, as_of=as_of.date() if as_of else None, money=True)
    if as_json:
        print_json({"problems": problems})
        return
    table = Table(title="Recurring problems by impact")
    for column in ("id", "status", "label", "accounts", "tickets", "revenue 12m", "lost", "risk"):
        table.add_column(column)
    for p in problems:
        i = p["impact"]
        table.add_row(
            str(p["id"]),
            p["status"] + (" · recurred" if i["recurred"] else ""),
            p["label"],
            str(i["accounts"]),
            str(i["tickets"]),
            f"{i['revenue_12m']:,.0f}",
            str(i["lost_accounts"]),
            str(i["at_risk_accounts"]),
        )
    console.print(table)


@problems_app.command("show")
def show_command(ctx: typer.Context, problem_id: ProblemId, as_json: AsJson = False) -> None:
    """One problem: its 8D record, impact, accounts, tickets and history."""
    with _session(ctx) as session:
        detail = problem_detail(session, problem_id, money=True)
    if as_json:
        print_json(detail)
        return
    console.print(f"[bold]#{detail['id']} {detail['label']}[/] ({detail['status']})")
    for name in service.TEXT_FIELDS:
        console.print(f"{name.replace('_', ' ')}: {detail[name] or '—'}")
    i = detail["impact"]
    console.print(
        f"{i['tickets']} tickets, {i['accounts']} accounts, revenue 12m {i['revenue_12m']:,.0f}, "
        f"{i['lost_accounts']} lost, {i['at_risk_accounts']} at risk, "
        f"{i['recurred_after_fix']} tickets after the fix"
    )
    for ticket in detail["tickets"][:20]:
        console.print(f"  {ticket['opened_at'][:10]} {ticket['external_id']} {ticket['subject']}")


def _done(as_json: bool, data: dict[str, Any], message: str) -> None:
    if as_json:
        print_json(data)
    else:
        console.print(message)


@problems_app.command("confirm")
def confirm_command(
    ctx: typer.Context, problem_id: ProblemId, actor: Actor = "cli", as_json: AsJson = False
) -> None:
    """Confirm a detected problem so it keeps its id and tickets."""
    with _session(ctx) as session:
        p = service.confirm(session, problem_id, actor=actor)
        data = {"id": p.id, "status": p.status}
    _done(as_json, data, f"Problem {problem_id} confirmed.")


@problems_app.command("rename")
def rename_command(
    ctx: typer.Context,
    problem_id: ProblemId,
    label: Annotated[str, typer.Argument(help="New label.")],
    actor: Actor = "cli",
    as_json: AsJson = False,
) -> None:
    """Give a problem a label of your own."""
    with _session(ctx) as session:
        p = service.rename(session, problem_id, label, actor=actor)
        data = {"id": p.id, "label": p.label, "status": p.status}
    _done(as_json, data, f"Problem {problem_id} is now {label!r}.")


@problems_app.command("dismiss")
def dismiss_command(
    ctx: typer.Context, problem_id: ProblemId, actor: Actor = "cli", as_json: AsJson = False
) -> None:
    """Dismiss a problem (it will not come back as a candidate)."""
    with _session(ctx) as session:
        p = service.dismiss(session, problem_id, actor=actor)
        data = {"id": p.id, "status": p.status}
    _done(as_json, data, f"Problem {problem_id} dismissed.")


@problems_app.command("merge")
def merge_command(
    ctx: typer.Context,
    target: Annotated[int, typer.Argument(help="Problem that keeps its id.")],
    sources: Annotated[list[int], typer.Argument(help="Problems merged into it.")],
    actor: Actor = "cli",
    as_json: AsJson = False,
) -> None:
    """Merge problems into one."""
    with _session(ctx) as session:
        p = service.merge(session, target, sources, actor=actor)
        data = {"id": p.id, "merged": sorted(set(sources) - {target})}
    _done(as_json, data, f"Merged {', '.join(map(str, sources))} into {target}.")


@problems_app.command("split")
def split_command(
    ctx: typer.Context,
    problem_id: ProblemId,
    label: Annotated[str, typer.Option("--label", help="Label of the new problem.")],
    tickets: Annotated[list[str], typer.Argument(help="Tickets (external ids) to move out.")],
    actor: Actor = "cli",
    as_json: AsJson = False,
) -> None:
    """Move some tickets of a problem into a new problem."""
    with _session(ctx) as session:
        new = service.split(session, problem_id, tickets, label=label, actor=actor)
        data = {"id": new.id, "label": new.label, "source": problem_id}
    _done(as_json, data, f"New problem {data['id']} with {len(tickets)} tickets.")


@problems_app.command("update")
def update_command(
    ctx: typer.Context,
    problem_id: ProblemId,
    fields: Annotated[
        list[str], typer.Argument(help="FIELD=VALUE pairs, e.g. root_cause='…' status=corrected.")
    ],
    actor: Actor = "cli",
    as_json: AsJson = False,
) -> None:
    """Fill the 8D record: description, containment, root cause, actions, owner, status, dates."""
    changes = _parse_fields(fields)
    with _session(ctx) as session:
        p = service.update_problem(session, problem_id, changes, actor=actor)
        data = {"id": p.id, "status": p.status, "corrected_on": p.corrected_on}
    _done(as_json, data, f"Problem {problem_id} updated ({p.status}).")


def _parse_fields(fields: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in fields:
        name, equals, value = item.partition("=")
        if not equals:
            raise fail(f"expected FIELD=VALUE, got {item!r}")
        if name in service.DATE_FIELDS:
            try:
                changes[name] = datetime.strptime(value, "%Y-%m-%d").date()
            except ValueError:
                raise fail(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
        elif name == "owner_id":
            if not value.isdigit():
                raise fail(f"owner_id must be an employee id, got {value!r}")
            changes[name] = int(value)
        else:
            changes[name] = value
    return changes
