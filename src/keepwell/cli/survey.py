"""``keepwell survey send``: ask an account's contacts for a survey by e-mail."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.db.engine import session_factory
from keepwell.record.service import AccountLookupError, find_account
from keepwell.settings import get_settings
from keepwell.surveys.service import SurveyError, send_survey

survey_app = typer.Typer(help="Surveys: ask the customer's voice by e-mail.", no_args_is_help=True)
app.add_typer(survey_app, name="survey")


class Kind(StrEnum):
    """Survey kinds."""

    nps = "nps"
    csat = "csat"
    ces = "ces"


@survey_app.command("send")
def send_command(
    ctx: typer.Context,
    account: Annotated[
        str, typer.Option("--account", help="Id, external id (or source:id) or name.")
    ],
    kind: Annotated[Kind, typer.Option("--kind", help="nps, csat or ces.")],
    contact: Annotated[
        int | None, typer.Option("--contact", help="Ask only this contact (its id).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say who would be asked; send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send a survey to the account's contacts; skipped contacts say why."""
    settings = get_settings()
    with session_factory(state(ctx).engine())() as session:
        try:
            found = find_account(session, account)
            report = send_survey(
                session,
                settings,
                found,
                kind.value,
                contact_id=contact,
                dry_run=dry_run,
                actor="cli",
            )
        except (AccountLookupError, SurveyError) as exc:
            raise fail(str(exc)) from None
        session.commit()
    if as_json:
        print_json(report.as_dict())
        return
    title = f"{kind.value.upper()} survey for {report.account}" + (" (dry run)" if dry_run else "")
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for column in ("contact", "status", "why"):
        table.add_column(column)
    for outcome in report.outcomes:
        table.add_row(outcome.contact, outcome.status, outcome.reason or "")
    console.print(table)
    if not report.outcomes:
        console.print("The account has no contacts.")
