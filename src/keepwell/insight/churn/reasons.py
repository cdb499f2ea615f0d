"""Why an account is at risk, in sentences, and what changed since the last scoring.

A model gives every feature a push on the log-odds of churn (LightGBM's ``pred_contrib``
or the logistic model's coefficient times standardised value). The pushes of a group's
features are added up; groups that push risk up are turned into their sentence (see
:mod:`keepwell.insight.churn.sentences`), strongest first. Groups pushing risk down are
never given as reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from keepwell.insight.churn.sentences import GROUPS, ReasonGroup

Values = Mapping[str, float | None]


@dataclass(frozen=True)
class Reason:
    """A sentence explaining part of an account's risk, and its push on the log-odds."""

    key: str
    sentence: str
    weight: float


@dataclass(frozen=True)
class AccountScore:
    """An account's churn probability, its reasons, and the inputs behind them."""

    account_id: int
    probability: float
    reasons: list[Reason] = field(default_factory=list)
    values: dict[str, float | None] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)


def explain(
    values: Values,
    contributions: Mapping[str, float],
    groups: Sequence[ReasonGroup] = GROUPS,
    *,
    top: int = 3,
    min_weight: float = 0.05,
) -> list[Reason]:
    """The ``top`` groups pushing risk up by at least ``min_weight``, as sentences."""
    found: list[Reason] = []
    for group in groups:
        weight = sum(contributions.get(name, 0.0) for name in group.features)
        if weight < min_weight:
            continue
        sentence = group.template(values)
        if sentence is not None:
            found.append(Reason(group.key, sentence, weight))
    return sorted(found, key=lambda reason: -reason.weight)[:top]


@dataclass(frozen=True)
class FeatureChange:
    """A feature whose value moved between two scorings, and how its push changed."""

    feature: str
    before: float | None
    after: float | None
    push: float

    @property
    def text(self) -> str:
        """``name: before → after``."""
        return f"{self.feature}: {_show(self.before)} → {_show(self.after)}"


def _show(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


@dataclass(frozen=True)
class RiskChange:
    """An account whose risk moved by more than the threshold, and the features behind it."""

    account_id: int
    before: float
    after: float
    changes: list[FeatureChange]

    @property
    def delta(self) -> float:
        """The change in probability."""
        return self.after - self.before


def what_changed(
    previous: Sequence[AccountScore],
    current: Sequence[AccountScore],
    *,
    threshold: float = 0.1,
    top: int = 3,
) -> list[RiskChange]:
    """Accounts scored both times whose probability moved by more than ``threshold``.

    Each comes with the ``top`` features whose push on the risk changed most, biggest
    moves first.
    """
    before = {score.account_id: score for score in previous}
    moved: list[RiskChange] = []
    for now in current:
        then = before.get(now.account_id)
        if then is None or abs(now.probability - then.probability) <= threshold:
            continue
        moved.append(
            RiskChange(now.account_id, then.probability, now.probability, _moves(then, now, top))
        )
    return sorted(moved, key=lambda change: -abs(change.delta))


def _moves(then: AccountScore, now: AccountScore, top: int) -> list[FeatureChange]:
    names = sorted(set(then.contributions) | set(now.contributions))
    changes = [
        FeatureChange(
            name,
            then.values.get(name),
            now.values.get(name),
            now.contributions.get(name, 0.0) - then.contributions.get(name, 0.0),
        )
        for name in names
    ]
    changes = [c for c in changes if c.push != 0.0]
    return sorted(changes, key=lambda c: -abs(c.push))[:top]
