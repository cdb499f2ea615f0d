"""The one ranked risk: what "at risk" means, how much revenue that puts at risk, in words.

Every list, report, digest and export asks this module whether an account is at risk,
so the pages cannot disagree. The risk is an account's churn probability in the latest
scoring run; its level comes from the run's validated bands
(``ScoreRun.metrics["risk_bands"]``: ``{"at_risk": P1, "watch": P2, "base_rate": B,
"validated": true}``, see :mod:`keepwell.insight.churn.bands`). A run without stored bands
falls back to multiples of the run's base rate (the share
of backtest examples that churned, from its stored calibration table): at risk from
:data:`AT_RISK_FACTOR` times the base rate, watch from :data:`WATCH_FACTOR` times it;
without any base rate, to :data:`FALLBACK_BASE_RATE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Numeric, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from keepwell.insight.models import AccountScore, ScoreRun

RiskLevel = Literal["at_risk", "watch", "low"]
LEVELS: tuple[RiskLevel, ...] = ("at_risk", "watch", "low")
LEVEL_LABELS: dict[str, str] = {"at_risk": "At risk", "watch": "Watch", "low": "Low risk"}
AT_RISK_FACTOR = 3.0
""""At risk": a churn probability of at least this many times the base rate."""
WATCH_FACTOR = 1.5
""""Watch": at least this many times the base rate."""
MAX_AT_RISK = 0.5
"""The at-risk threshold of a business whose customers often leave: one in two."""
FALLBACK_BASE_RATE = 0.05
"""Assumed churn rate of a run that stored neither bands nor a calibration table."""
NEGLIGIBLE_REVENUE_AT_RISK = 1000.0
"""Revenue at risk below this amount (in the company currency) is shown as "negligible"."""
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RiskBands:
    """Churn-probability thresholds of one run and where they came from."""

    at_risk: float
    watch: float
    base_rate: float | None
    source: Literal["validated", "base_rate", "fixed"]
    """``validated``: the backtest's at-risk accounts left at least :attr:`times` as often
    as usual; ``base_rate``: multiples of the base rate the backtest did not confirm (or a
    run without stored bands); ``fixed``: no base rate known."""
    measured: float | None = None
    """How many times as often as usual the backtest's at-risk accounts really left."""

    @property
    def times(self) -> float:
        """How many times the usual churn rate "at risk" stands for (both ways of setting
        the bands use the same factor)."""
        return AT_RISK_FACTOR

    @property
    def meaning(self) -> str:
        """What "at risk" means, in one sentence (without its full stop), for every page."""
        text = f'"At risk" means a risk of leaving of {self.at_risk:.0%} or more'
        usual = f" {self.base_rate:.0%}" if self.base_rate else ""
        if self.source == "validated":
            found = self.measured is not None and self.measured >= self.times
            how = f"{self.measured:.0f}" if found else f"at least {self.times:.0f}"
            return (
                f"{text}: in the model's test on past customers, those at this risk or more "
                f"left {how} times as often as the usual{usual}"
            )
        if self.base_rate:
            times = self.at_risk / self.base_rate
            return f"{text}, {times:.0f} times the usual rate of {self.base_rate:.0%}"
        return text

    def level(self, probability: float | None) -> RiskLevel:
        """``at_risk``, ``watch`` or ``low`` (an unscored account is low)."""
        if probability is None:
            return "low"
        if probability >= self.at_risk:
            return "at_risk"
        return "watch" if probability >= self.watch else "low"


def risk_bands(run_metrics: Mapping[str, Any] | None) -> RiskBands:
    """The run's validated bands, else the documented fallback (see the module docstring)."""
    metrics = run_metrics or {}
    stored = metrics.get("risk_bands")
    if isinstance(stored, Mapping):
        at_risk, watch = _number(stored.get("at_risk")), _number(stored.get("watch"))
        if at_risk is not None and watch is not None:
            held = stored.get("validated", True) is True
            base = _number(stored.get("base_rate"))
            source: Literal["validated", "base_rate"] = "validated" if held else "base_rate"
            return RiskBands(at_risk, min(watch, at_risk), base, source, _measured(stored))
    base = base_rate(metrics)
    if base is None:
        rate = FALLBACK_BASE_RATE
        return RiskBands(AT_RISK_FACTOR * rate, WATCH_FACTOR * rate, None, "fixed")
    at_risk = min(AT_RISK_FACTOR * base, MAX_AT_RISK)
    return RiskBands(at_risk, min(WATCH_FACTOR * base, at_risk), base, "base_rate")


def _measured(stored: Mapping[str, Any]) -> float | None:
    """The at-risk band's backtest churn rate in multiples of the base rate, if stored."""
    bands = stored.get("bands")
    first = bands[0] if isinstance(bands, list) and bands else None
    if isinstance(first, Mapping) and first.get("band") == "at_risk":
        return _number(first.get("times_base_rate"))
    return None


def risk_level(probability: float | None, run_metrics: Mapping[str, Any] | None) -> RiskLevel:
    """The level of a churn ``probability`` under the bands of the run that scored it."""
    return risk_bands(run_metrics).level(probability)


def base_rate(run_metrics: Mapping[str, Any]) -> float | None:
    """The share of the run's backtest examples that churned (from its calibration table)."""
    bins = _bins(run_metrics)
    total = sum(n for n, _, _ in bins)
    if not total:
        return None
    return sum(n * observed for n, _, observed in bins) / total


def revenue_at_risk(annual_revenue: float | None, probability: float | None) -> float | None:
    """Annual revenue times churn probability, rounded to the cent (the one computation)."""
    if annual_revenue is None or probability is None:
        return None
    return round_money(annual_revenue * probability)


def round_money(value: float) -> float:
    """``value`` rounded half up to the cent."""
    return float(Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def total_money(values: Iterable[float | None]) -> float:
    """The sum of amounts, each rounded to the cent first (one rounding, everywhere)."""
    total = sum((Decimal(repr(round_money(v))) for v in values if v is not None), Decimal(0))
    return float(total)


def is_negligible(amount: float | None) -> bool:
    """True when a revenue at risk is too small to be shown as a figure."""
    return amount is not None and abs(amount) < NEGLIGIBLE_REVENUE_AT_RISK


@dataclass(frozen=True)
class AccuracyStory:
    """The backtest in one sentence: how often flagged and other customers left."""

    flagged_rate: float | None
    others_rate: float | None
    horizon_days: int | None
    roc_auc: float | None = None

    @property
    def sentence(self) -> str:
        """``Of the customers the model flagged …, 4 in 10 left; of the others, 1 in 50.``"""
        if self.flagged_rate is None or self.others_rate is None:
            times = round(100 * (self.roc_auc or 0.5))
            return (
                "Shown a customer who left and one who stayed, the model rated the one who "
                f"left as riskier {times} times in 100 in its test on past data."
            )
        within = f" within {_horizon(self.horizon_days)}" if self.horizon_days else ""
        return (
            f"Of the customers the model flagged as at risk in its test on past data, "
            f"{in_words(self.flagged_rate)} left{within}; of the others, "
            f"{in_words(self.others_rate)}."
        )


def accuracy_story(run_metrics: Mapping[str, Any] | None) -> AccuracyStory | None:
    """How the run's at-risk band did in the backtest, from its stored calibration table.

    The table holds the backtest examples in ten groups by predicted risk; the groups whose
    mean prediction reaches the at-risk threshold count as flagged (at least the riskiest
    group). Without a table, the ranking measure in words; None without either.
    """
    metrics = run_metrics or {}
    bins = sorted(_bins(metrics), key=lambda b: b[1])
    if len(bins) < 2:
        auc = _number(metrics.get("roc_auc"))
        return None if auc is None else AccuracyStory(None, None, None, auc)
    threshold = risk_bands(metrics).at_risk
    flagged = [b for b in bins if b[1] >= threshold] or bins[-1:]
    if len(flagged) == len(bins):
        flagged = bins[-1:]
    others = bins[: len(bins) - len(flagged)]
    horizon = metrics.get("horizon_days")
    return AccuracyStory(
        _rate(flagged), _rate(others), int(horizon) if isinstance(horizon, int | float) else None
    )


def in_words(rate: float) -> str:
    """A rate as "4 in 10", "1 in 50" or "none" (people read counts more easily than %)."""
    if rate <= 0:
        return "none"
    if rate >= 0.995:
        return "all"
    if rate >= 0.1:
        return f"{round(rate * 10)} in 10"
    return f"1 in {round(1 / rate)}"


def _horizon(days: int) -> str:
    months = round(days / 30.4)
    if days >= 28 and months >= 1:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{days} days"


def _rate(bins: list[tuple[int, float, float]]) -> float:
    total = sum(n for n, _, _ in bins)
    return sum(n * observed for n, _, observed in bins) / total if total else 0.0


def _bins(run_metrics: Mapping[str, Any]) -> list[tuple[int, float, float]]:
    found = []
    for row in run_metrics.get("calibration") or []:
        if not isinstance(row, Mapping):
            continue
        n = row.get("n")
        predicted, observed = _number(row.get("mean_predicted")), _number(row.get("observed"))
        if isinstance(n, int) and predicted is not None and observed is not None:
            found.append((n, predicted, observed))
    return found


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def at_risk_term(run_metrics: Mapping[int, Mapping[str, Any]]) -> ColumnElement[int]:
    """1 for a stored score at its run's at-risk level, else 0 (to sum per run in SQL)."""
    whens = [
        (
            and_(AccountScore.run_id == run_id, AccountScore.churn_probability >= bands.at_risk),
            1,
        )
        for run_id, bands in ((r, risk_bands(m)) for r, m in run_metrics.items())
    ]
    return case(*whens, else_=0) if whens else literal(0)


def money_sum_term() -> ColumnElement[Any]:
    """A stored revenue at risk rounded to the cent, to sum in SQL (one rounding)."""
    return func.round(cast(AccountScore.revenue_at_risk, Numeric(18, 6)), 2)


def recent_run_metrics(session: Session, limit: int) -> dict[int, dict[str, Any]]:
    """The metrics of the latest ``limit`` runs by run id."""
    query = select(ScoreRun.id, ScoreRun.metrics).order_by(ScoreRun.id.desc()).limit(limit)
    return {run_id: dict(metrics or {}) for run_id, metrics in session.execute(query)}
