"""``keepwell clv``: repeat-purchase models (BG/NBD, Pareto/NBD, Gamma-Gamma) over the orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from keepwell.cli.app import app, console, fail, print_json, state

clv_app = typer.Typer(
    help="Customer-lifetime models fitted to the order history.", no_args_is_help=True
)
app.add_typer(clv_app, name="clv")


@clv_app.command("fit")
def fit_command(
    ctx: typer.Context,
    calibration_end: Annotated[
        datetime,
        typer.Option("--calibration-end", formats=["%Y-%m-%d"], help="Last day of calibration."),
    ],
    model: Annotated[
        str, typer.Option("--model", help="bgnbd, paretonbd or gammagamma.")
    ] = "bgnbd",
    unit: Annotated[str, typer.Option("--unit", help="Time unit: day or week.")] = "week",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit a model on orders up to --calibration-end; compare with later orders if any."""
    if model not in ("bgnbd", "paretonbd", "gammagamma"):
        raise fail(f"unknown model {model!r}; expected bgnbd, paretonbd or gammagamma", 2)
    from keepwell.insight.lifetime_value import ModelName, fit_clv

    chosen: ModelName = model  # type: ignore[assignment]
    try:
        report = fit_clv(state(ctx).engine(), chosen, calibration_end.date(), unit)
    except ValueError as exc:
        raise fail(str(exc), 1) from None
    if as_json:
        print_json(report)
        return
    table = Table(
        title=f"{model} on {report['customers']} customers "
        f"(calibration to {report['calibration_end']})"
    )
    table.add_column("")
    table.add_column("value", justify="right")
    for name, value in report["params"].items():
        table.add_row(name, f"{value:.4g}")
    table.add_row("log-likelihood", f"{report['log_likelihood']:.1f}")
    for name, value in report.get("holdout", {}).items():
        table.add_row(f"holdout {name.replace('_', ' ')}", f"{value:,.2f}")
    console.print(table)
