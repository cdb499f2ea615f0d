"""``keepwell task list``: open tasks, everyone's or one's own."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.db.engine import session_factory
from keepwell.tasks.models import Task
from keepwell.tasks.people import PersonNotFound, employee_named
from keepwell.tasks.schemas import STATUSES, TaskPublic
from keepwell.tasks.service import TaskFilter, count_tasks, list_tasks

task_app = typer.Typer(help="Tasks on accounts, from people and playbooks.", no_args_is_help=True)
app.add_typer(task_app, name="task")


@task_app.command("list")
def list_command(
    ctx: typer.Context,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only the tasks of the employee you are.")
    ] = False,
    who: Annotated[
        str | None,
        typer.Option(
            "--as", help="Email (or login name) of the person --mine means (default: OS user)."
        ),
    ] = None,
    status: Annotated[
        str | None, typer.Option(help=f"Only this status ({', '.join(STATUSES)}).")
    ] = None,
    include_closed: Annotated[
        bool, typer.Option("--all", help="Include done and cancelled tasks.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List tasks, earliest due first (open ones unless --all or --status)."""
    if status is not None and status not in STATUSES:
        raise fail(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}", 2)
    with session_factory(state(ctx).engine())() as session:
        owner_id = None
        if mine or who:
            try:
                owner_id = employee_named(session, who or getpass.getuser()).id
            except PersonNotFound as exc:
                raise fail(str(exc), 2) from None
        where = TaskFilter(
            owner_id=owner_id, status=status, open_only=not include_closed and status is None
        )
        tasks = list_tasks(session, where, limit=limit)
        total = count_tasks(session, where)
        rows = [_row(task) for task in tasks]
    if as_json:
        print_json({"tasks": rows, "total": total})
        return
    console.print(_table(rows, total))


def _row(task: Task) -> dict[str, Any]:
    row = TaskPublic.model_validate(task).model_dump(mode="json")
    row["account"] = task.account.name if task.account else None
    row["owner"] = task.owner.name if task.owner else None
    return row


def _table(rows: list[dict[str, Any]], total: int) -> Table:
    table = Table(title=f"Tasks ({len(rows)} of {total})", box=box.SIMPLE_HEAD)
    for column in ("id", "due", "priority", "status"):
        table.add_column(column, no_wrap=True)
    table.add_column("task · account · owner", ratio=1)
    for r in rows:
        about = " · ".join(str(x) for x in (r["account"], r["owner"], r["rule"]) if x)
        cells = (r["id"], r["due_on"] or "", r["priority"], r["status"].replace("_", " "))
        table.add_row(*(str(c) for c in cells), f"{escape(r['title'])}\n[dim]{escape(about)}[/]")
    return table
