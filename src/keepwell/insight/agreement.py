"""When the team's health rule and the churn model read an account differently, say so.

The health score is the rule the team agreed on; the churn probability is what the data
say. They disagree when the rule calls an account healthy while the model puts it in the
"at risk" band, or when the rule calls it at risk while the model's risk is below the
"watch" band — the bands every list and badge uses (:func:`keepwell.insight.risk.risk_bands`:
the run's validated bands, else multiples of its base rate). Then one sentence
names both readings with each side's main reason, so that someone looks at the account
instead of trusting either number blindly. Nearby readings (watch on either side) are
not a disagreement, and without validated bands nothing is claimed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def disagreement(risk: Mapping[str, Any], risk_bands: Mapping[str, Any] | None) -> str | None:
    """One plain sentence when health and model disagree on this account, else None.

    ``risk`` holds the account's ``churn_probability``, ``health_score``, ``health_band``,
    ``health_breakdown`` (component dicts) and ``reasons`` (the model's sentences, or
    dicts with a ``sentence``), as :func:`keepwell.insight.snapshots.account_risk` gives.
    """
    probability, health = risk.get("churn_probability"), risk.get("health_score")
    at_risk, watch = _threshold(risk_bands, "at_risk"), _threshold(risk_bands, "watch")
    if probability is None or health is None or at_risk is None:
        return None
    band = risk.get("health_band")
    components = risk.get("health_breakdown") or []
    chance = _percent(probability)
    if band == "healthy" and probability >= at_risk:
        model_reason = _first_reason(risk.get("reasons") or [])
        because = f", mainly because {model_reason}" if model_reason else ""
        return (
            f"The health rule calls this account healthy ({health:.0f}, strongest on "
            f"{_strongest(components)}), but the churn model puts its risk at {chance}, "
            f"in the at-risk band{because}."
        )
    below_watch = probability < (watch if watch is not None else at_risk)
    if band == "at_risk" and below_watch:
        return (
            f"The health rule calls this account at risk ({health:.0f}, weakest on "
            f"{_weakest(components)}), but the churn model puts its risk at only {chance}: "
            "customers with a record like this one rarely left in its backtest."
        )
    return None


def _threshold(bands: Mapping[str, Any] | None, name: str) -> float | None:
    value = bands.get(name) if bands else None
    return float(value) if isinstance(value, int | float) else None


def _percent(probability: float) -> str:
    share = probability * 100
    return f"{share:.0f} %" if share >= 1 else "under 1 %"


def _first_reason(reasons: Sequence[Any]) -> str | None:
    for reason in reasons:
        sentence = reason.get("sentence") if isinstance(reason, Mapping) else reason
        if isinstance(sentence, str) and sentence:
            return sentence
    return None


def _scored(components: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in components if c.get("score") is not None and c.get("name")]


def _strongest(components: Sequence[Mapping[str, Any]]) -> str:
    """The component adding most to the score: weight times score."""
    scored = _scored(components)
    if not scored:
        return "too little data"
    best = max(scored, key=lambda c: float(c["weight"]) * float(c["score"]))
    return f"{_name(best)} ({float(best['score']):.0f} of 100)"


def _weakest(components: Sequence[Mapping[str, Any]]) -> str:
    """The component taking most from the score: weight times the points it misses."""
    scored = _scored(components)
    if not scored:
        return "too little data"
    worst = max(scored, key=lambda c: float(c["weight"]) * (100.0 - float(c["score"])))
    return f"{_name(worst)} ({float(worst['score']):.0f} of 100)"


def _name(component: Mapping[str, Any]) -> str:
    """The component's name to stand mid-sentence ("ordering rhythm", "NPS" kept)."""
    name = str(component["name"])
    return name[0].lower() + name[1:] if name[1:2].islower() else name
