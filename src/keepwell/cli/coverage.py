"""``keepwell coverage``: relationship coverage, single-threaded accounts, departure impact."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, fail, print_json, state

TOP = 10


@app.command("coverage")
def coverage_command(
    ctx: typer.Context,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Report day (default: today)."),
    ] = None,
    window: Annotated[
        int,
        typer.Option("--window", min=1, max=3650, help="Days an interaction keeps a pair active."),
    ] = 180,
    employee: Annotated[
        str | None,
        typer.Option("--employee", help="Only the departure impact of this employee (name or id)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Who holds each relationship, where it hangs on one thread, who would take it along."""
    from keepwell.errors import KeepwellError
    from keepwell.teams.coverage import coverage_report
    from keepwell.teams.departure import (
        departed_holdings,
        departure_impact,
        departure_ranking,
        find_employee,
    )

    with Session(state(ctx).engine()) as session:
        report = coverage_report(session, as_of.date() if as_of else None, window_days=window)
        if employee is not None:
            try:
                person = find_employee(session, employee)
            except KeepwellError as exc:  # no such person, or several: a usage error
                raise fail(str(exc), 2) from None
            _print_impact(departure_impact(report, person.id).as_dict(), as_json)
            return
        ranking = departure_ranking(report)
        holdings = departed_holdings(session, report.as_of, window_days=window)
    if as_json:
        print_json(
            {
                "summary": report.summary(),
                "accounts": [a.as_dict() for a in report.accounts],
                "departure_impact": [i.as_dict() for i in ranking],
                "departed_holdings": [h.as_dict() for h in holdings],
            }
        )
        return
    summary = report.summary()
    console.print(
        f"Coverage as of {summary['as_of']} ({window}-day window): {summary['accounts']} "
        f"accounts, {summary['active_pairs']} active employee–contact pairs, "
        f"{summary['single_threaded']} single-threaded, {summary['uncovered']} uncovered, "
        f"{summary['mean_departments']} departments per account on average, "
        f"{summary['contacts_left']} contacts left in the last year."
    )
    single = sorted((a for a in report.accounts if a.single_threaded), key=lambda a: -a.revenue_12m)
    table = Table(title=f"Single-threaded accounts (top {TOP} by revenue)")
    for column in ("account", "held by", "revenue 12m", "departments", "contacts left"):
        table.add_column(column)
    for item in single[:TOP]:
        table.add_row(
            item.name,
            item.threading,
            f"{item.revenue_12m:,.0f}",
            ", ".join(item.departments) or "—",
            ", ".join(item.left_contacts) or "—",
        )
    console.print(table)
    impact = Table(title=f"If this employee left (top {TOP})")
    for column in ("employee", "accounts losing their only relationship", "revenue 12m"):
        impact.add_column(column)
    for entry in ranking[:TOP]:
        impact.add_row(entry.name, str(len(entry.accounts)), f"{entry.revenue_12m:,.0f}")
    console.print(impact)
    if holdings:
        console.print(f"{len(holdings)} accounts held by employees who left need a hand-over.")


def _print_impact(impact: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(impact)
        return
    console.print(
        f"If {impact['name']} left, {impact['sole_accounts']} accounts worth "
        f"{impact['revenue_12m']:,.0f} (last 12 months) would lose their only relationship; "
        f"{impact['shared_accounts']} more share it with colleagues."
    )
    for account in impact["accounts"]:
        console.print(f"  {account['name']}: {account['revenue_12m']:,.0f}")
