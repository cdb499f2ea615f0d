"""Scores as the pages show them: reasons and changes in words, charts, money hidden as needed.

The numbers come from ``keepwell.insight.snapshots`` and ``keepwell.insight.overview``
(what ``keepwell score`` stored); this module only turns them into text and SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from keepwell.auth.visibility import MONEY_FIELDS, hidden_in
from keepwell.insight.overview import HistoryPoint, Mover, TrendPoint
from keepwell.insight.risk import LEVEL_LABELS
from keepwell.insight.wording import change_texts, is_money_feature
from keepwell.record.vocabulary import in_words
from keepwell.rendering.charts import Bar, line_chart, percent


@dataclass(frozen=True)
class MoverView:
    """A mover as the portfolio lists it."""

    account_id: int
    name: str
    before: float
    after: float
    delta: float
    changes: list[str]
    reasons: list[str]


def mover_views(movers: list[Mover], sees_money: bool) -> list[MoverView]:
    """The movers with their changes and reasons in words."""
    return [
        MoverView(
            m.account_id,
            m.name,
            m.before,
            m.after,
            m.delta,
            change_texts(m.changes, sees_money),
            list(m.reasons),
        )
        for m in movers
    ]


def portfolio_chart(points: list[TrendPoint], sees_money: bool) -> Markup:
    """Mean churn risk per run, or revenue at risk per run for roles that see money."""
    if sees_money and any(p.revenue_at_risk is not None for p in points):
        bars = [
            Bar(
                p.as_of.isoformat(),
                p.revenue_at_risk or 0.0,
                f"{p.as_of}: revenue at risk {p.revenue_at_risk or 0:,.0f}, "
                f"{p.accounts} accounts scored",
            )
            for p in points
        ]
        return line_chart(bars, title="Revenue at risk per scoring run")
    bars = [
        Bar(
            p.as_of.isoformat(),
            p.mean_risk or 0.0,
            f"{p.as_of}: mean churn risk {p.mean_risk or 0:.0%}, {p.at_risk} at risk",
        )
        for p in points
    ]
    return line_chart(bars, title="Mean churn risk per scoring run", top=1.0, label=percent)


def account_chart(points: list[HistoryPoint]) -> Markup:
    """One account's churn risk per run."""
    bars = [
        Bar(
            p.as_of.isoformat(),
            p.churn_probability or 0.0,
            f"{p.as_of}: churn risk {_pct(p.churn_probability)}, health {_num(p.health_score)}",
        )
        for p in points
    ]
    return line_chart(bars, title="Churn risk per scoring run", top=1.0, label=percent)


def account_risk_view(risk: dict[str, Any] | None, sees_money: bool) -> dict[str, Any] | None:
    """``account_risk`` for the page: reasons in words, money hidden as needed."""
    if risk is None:
        return None
    view = dict(risk)
    view["reasons"] = list(risk["reasons"])
    view["band_label"] = in_words(risk["health_band"])
    view["level_label"] = LEVEL_LABELS[risk["level"]]
    if not sees_money:
        for key in hidden_in("score", frozenset(MONEY_FIELDS)):
            view[key] = None
        view["health_breakdown"] = [
            {**c, "value": None} if is_money_feature(c.get("metric")) else c
            for c in risk["health_breakdown"]
        ]
    return view


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"
