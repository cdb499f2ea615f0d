"""``keepwell report weekly`` (the weekly retention review as HTML or PDF) and
``keepwell report digests`` (each employee's weekly digest)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, state
from keepwell.cli.outfiles import Force, write_output
from keepwell.settings import get_settings

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
    force: Force = False,
) -> None:
    """Portfolio health and revenue at risk, movers, problems, playbooks, coverage, accuracy."""
    from keepwell.report import weekly_review
    from keepwell.report.render import render_document, render_pdf

    with Session(state(ctx).engine()) as session:
        review = weekly_review(
            session,
            as_of.date() if as_of else None,
            money=not no_money,
            base_url=get_settings().public_url,
            admin=True,
        )
        target = out or Path(f"weekly-review-{review.today.isoformat()}.{fmt.value}")
        if fmt is ReportFormat.PDF:
            write_output(target, lambda path: path.write_bytes(render_pdf(review)), force=force)
        else:
            document = render_document(review)
            write_output(
                target, lambda path: path.write_text(document, encoding="utf-8"), force=force
            )
    sections = ", ".join(s.key for s in review.sections)
    console.print(f"Wrote {target} ({target.stat().st_size:,} bytes; sections: {sections}).")


class DigestPeriod(StrEnum):
    """How often a digest run comes."""

    WEEKLY = "weekly"
    DAILY = "daily"


@report_app.command("digests")
def digests_command(
    ctx: typer.Context,
    send: Annotated[
        bool, typer.Option("--send", help="Queue the digests in the outbox and deliver them.")
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Last day of the period."),
    ] = None,
    every: Annotated[
        DigestPeriod,
        typer.Option("--every", help="The period: reaches the people who chose it."),
    ] = DigestPeriod.WEEKLY,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")] = False,
) -> None:
    """Each employee's digest (weekly, or daily for those who chose it): their accounts
    whose risk moved, tasks, mentions."""
    from keepwell.cli.app import print_json
    from keepwell.pipeline import deliver
    from keepwell.report.digests import personal_digests, queue_personal_digests

    engine = state(ctx).engine()
    with Session(engine) as session:
        digests = personal_digests(session, as_of.date() if as_of else None, every=every.value)
        queued = queue_personal_digests(session, digests) if send else 0
        session.commit()
    delivery = deliver(engine).summary() if send else None
    if as_json:
        print_json(
            {"digests": [d.as_dict() for d in digests], "queued": queued, "delivery": delivery}
        )
        return
    table = Table(title="Weekly digests", box=box.SIMPLE_HEAD)
    for column in ("person", "email", "risk moved", "open tasks", "overdue", "mentions"):
        table.add_column(column, justify="left" if column in ("person", "email") else "right")
    for d in digests:
        table.add_row(
            d.name,
            d.email,
            str(len(d.movers)),
            str(len(d.open_tasks)),
            str(len(d.overdue)),
            str(len(d.mentions)),
        )
    console.print(table)
    if send and delivery is not None:
        console.print(f"Queued {queued} digest(s); sent {delivery['sent']}.")
    else:
        console.print(f"{len(digests)} digest(s) would be sent; --send queues and delivers them.")


@report_app.command("account")
def account_command(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account: id, external id or name.")],
    period: Annotated[str, typer.Option("--period", help="The quarter, like 2026Q3.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html or pdf.")] = (
        ReportFormat.HTML
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="File to write (default: account-review-<id>-<period>.<format>)."
        ),
    ] = None,
    force: Force = False,
) -> None:
    """The account review for the customer: uptime, delivery, tickets, feedback, objectives."""
    from keepwell.cli.app import fail
    from keepwell.record.service import AccountLookupError, find_account
    from keepwell.report.account import account_review, parse_period
    from keepwell.report.render import render_account_document, render_account_pdf
    from keepwell.teams.errors import TeamsError

    with Session(state(ctx).engine()) as session:
        try:
            quarter = parse_period(period)
            found = find_account(session, account)
        except (AccountLookupError, TeamsError) as exc:
            raise fail(str(exc), 2) from exc
        review = account_review(session, found.id, quarter)
        target = out or Path(f"account-review-{found.id}-{quarter.label}.{fmt.value}")
        if fmt is ReportFormat.PDF:
            pdf = render_account_pdf(review)
            write_output(target, lambda path: path.write_bytes(pdf), force=force)
        else:
            document = render_account_document(review)
            write_output(
                target, lambda path: path.write_text(document, encoding="utf-8"), force=force
            )
    state_word = "approved" if review.approved else "draft, not yet approved"
    console.print(f"Wrote {target} ({target.stat().st_size:,} bytes; {state_word}).")
