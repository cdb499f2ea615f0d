"""Signals on the latest scoring run: churn risk, low health, renewal with weak health."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import risk_bands
from keepwell.insight.snapshots import latest_run
from keepwell.playbooks.core import Context, Hit, Params, Signal


class RiskParams(Params):
    min_probability: float | None = Field(default=None, ge=0, le=1)
    """None: the latest run's "at risk" band, the one every list uses
    (:func:`keepwell.insight.risk.risk_bands`)."""


def at_risk_threshold(run: ScoreRun | None) -> float:
    """The churn probability from which the latest run calls an account at risk: the same
    threshold as every list, badge and report."""
    return risk_bands(run.metrics if run is not None else None).at_risk


class ChurnRisk(Signal[RiskParams]):
    """The churn probability is at or above a threshold: the validated band unless set."""

    name = "churn_risk"
    description = (
        "Churn risk at or above min_probability (default: the latest scoring run's "
        "at-risk band, as every list shows it)."
    )
    params = RiskParams

    def find(self, ctx: Context, params: RiskParams) -> list[Hit]:
        threshold = params.min_probability
        if threshold is None:
            threshold = at_risk_threshold(latest_run(ctx.session))
        hits = []
        for account_id, score in ctx.scores.items():
            risk = score.churn_probability
            if account_id in ctx.accounts and risk is not None and risk >= threshold:
                hits.append(
                    Hit(
                        account_id,
                        "churn_risk",
                        f"churn risk {risk:.0%}: {_why(score)}",
                        {"churn_probability": round(risk, 3)},
                    )
                )
        return hits


class HealthParams(Params):
    max_health: float = Field(default=40, ge=0, le=100)


class HealthLow(Signal[HealthParams]):
    """The health score is at or below a threshold."""

    name = "health_low"
    description = "Health score at or below max_health (latest scoring run)."
    params = HealthParams

    def find(self, ctx: Context, params: HealthParams) -> list[Hit]:
        hits = []
        for account_id, score in ctx.scores.items():
            health = score.health_score
            if account_id in ctx.accounts and health is not None and health <= params.max_health:
                hits.append(
                    Hit(
                        account_id,
                        "health_low",
                        f"health {health:.0f} ({score.health_band})",
                        {"health_score": round(health, 1)},
                    )
                )
        return hits


class RenewalParams(Params):
    within_days: int = Field(default=90, ge=1, le=730)
    max_health: float = Field(default=60, ge=0, le=100)
    min_probability: float = Field(default=0.3, ge=0, le=1)


class RenewalWeak(Signal[RenewalParams]):
    """Renewal (or contract end) within N days while health is weak or risk high."""

    name = "renewal_due"
    description = "Renewal within within_days with health <= max_health or risk >= min_probability."
    params = RenewalParams

    def find(self, ctx: Context, params: RenewalParams) -> list[Hit]:
        until = ctx.today + timedelta(days=params.within_days)
        hits = []
        for account_id, account in ctx.accounts.items():
            renewal = account.renewal_date or account.contract_end
            score = ctx.scores.get(account_id)
            if renewal is None or score is None or not ctx.today <= renewal <= until:
                continue
            weak = (score.health_score is not None and score.health_score <= params.max_health) or (
                score.churn_probability is not None
                and score.churn_probability >= params.min_probability
            )
            if weak:
                days = (renewal - ctx.today).days
                summary = f"renewal in {days} days ({renewal}) with weak health: {_why(score)}"
                hits.append(
                    Hit(
                        account_id,
                        f"renewal:{renewal}",
                        summary,
                        {"renewal": str(renewal), "days_to_renewal": days},
                    )
                )
        return hits


def _why(score: AccountScore) -> str:
    reasons = [r.get("sentence", "") for r in score.reasons[:2] if isinstance(r, dict)]
    return "; ".join(r for r in reasons if r) or f"health {score.health_band}"
