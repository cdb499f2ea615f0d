"""``keepwell retention``: survival curves, revenue retention and revenue at risk."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, print_json, state


class GroupChoice(StrEnum):
    """How customers are grouped into survival curves."""

    COHORT = "cohort"
    SEGMENT = "segment"


class PeriodChoice(StrEnum):
    """The period of revenue retention."""

    QUARTER = "quarter"
    YEAR = "year"


@app.command("retention")
def retention_command(
    ctx: typer.Context,
    by: Annotated[
        GroupChoice, typer.Option("--by", help="Survival curves per start cohort or segment.")
    ] = GroupChoice.COHORT,
    period: Annotated[
        PeriodChoice, typer.Option("--period", help="Revenue retention per quarter or year.")
    ] = PeriodChoice.YEAR,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Report day (default: today)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Kaplan-Meier survival, gross and net revenue retention, and revenue at risk."""
    from keepwell.insight.retention_report import retention_report

    with Session(state(ctx).engine()) as session:
        report = retention_report(
            session,
            group_by=by.value,
            period=period.value,
            as_of=as_of.date() if as_of else None,
        )
    if as_json:
        print_json(report.as_dict())
        return
    curves = Table(title=f"Customer survival by {by.value} (Kaplan-Meier, as of {report.as_of})")
    for column in ("group", "customers", "churned", "1 year", "3 years", "5 years", "10 years"):
        curves.add_column(column, justify="left" if column == "group" else "right")
    curves.add_column("median", justify="right")
    for c in report.curves:
        cells = [_share(c.survival[f"{m}m"]) for m in (12, 36, 60, 120)]
        median = "not reached" if c.median_months is None else f"{c.median_months} months"
        curves.add_row(c.group, str(c.customers), str(c.churned), *cells, median)
    console.print(curves)
    revenue = Table(title=f"Revenue retention per {period.value}")
    for column in ("period", "starting revenue", "revenue", "gross (GRR)", "net (NRR)"):
        revenue.add_column(column, justify="left" if column == "period" else "right")
    for r in report.revenue:
        revenue.add_row(
            r.period,
            f"{r.starting_revenue:,.0f}",
            f"{r.revenue:,.0f}",
            _share(r.gross),
            _share(r.net),
        )
    console.print(revenue)
    if report.risk_run_id is None:
        console.print("Revenue at risk: no scoring run yet (run `keepwell score`).")
        return
    console.print(
        f"Revenue at risk (run {report.risk_run_id}): {report.revenue_at_risk:,.0f} — "
        + ", ".join(f"{r.segment} {r.revenue_at_risk:,.0f}" for r in report.risk)
    )


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"
