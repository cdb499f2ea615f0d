"""Rich rendering of an account's latest risk, health and value, with the model's accuracy."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text


def render_risk(risk: dict[str, Any] | None) -> RenderableType:
    """A panel with churn risk and its reasons beside the health breakdown."""
    if risk is None:
        return Text("Risk and health: not scored yet (run `keepwell score`).", style="dim")
    accuracy = risk["accuracy"]
    header = Text.assemble(
        ("churn risk ", "bold"),
        f"{_pct(risk['churn_probability'])}   ",
        ("health ", "bold"),
        f"{_num(risk['health_score'])} ({risk['health_band']})   ",
        ("P(alive) ", "bold"),
        f"{_pct(risk['p_alive'])}   ",
        ("revenue at risk ", "bold"),
        _num(risk["revenue_at_risk"], ",.0f"),
    )
    backtest = Text(
        f"{risk['model']} ({risk['method']}) as of {risk['as_of']}: backtest ROC AUC "
        f"{_num(accuracy['roc_auc'], '.2f')}, PR AUC {_num(accuracy['pr_auc'], '.2f')}, "
        f"Brier {_num(accuracy['brier'], '.3f')}, top-decile lift "
        f"{_num(accuracy['top_decile_lift'], '.1f')}",
        style="dim",
    )
    reasons = Text("\n".join(f"• {r}" for r in risk["reasons"]) or "no risk drivers")
    growth = Text("\n".join(f"↑ {g}" for g in risk["growth"]), style="green")
    share = Text("\n".join(f"↘ {s}" for s in risk.get("share_loss", [])), style="yellow")
    return Panel(
        Group(header, backtest, reasons, growth, share, _breakdown(risk["health_breakdown"])),
        title="Risk and health",
    )


def _breakdown(components: list[dict[str, Any]]) -> Table:
    table = Table(title="health breakdown", show_edge=False)
    for column in ("component", "metric", "value", "score", "weight"):
        table.add_column(column, justify="left" if column in ("component", "metric") else "right")
    for c in components:
        table.add_row(
            c["name"], c["metric"], _num(c["value"], ".2f"), _num(c["score"]), _num(c["weight"])
        )
    return table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _num(value: float | None, spec: str = ".0f") -> str:
    return "—" if value is None else format(value, spec)
