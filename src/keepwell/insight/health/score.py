"""Scoring accounts' health from their features, with the breakdown that explains each score."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from keepwell.insight.health.config import Component, HealthConfig


@dataclass(frozen=True)
class ComponentScore:
    """One component's contribution: the metric's value, its 0-100 score and its weight."""

    name: str
    metric: str
    value: float | None
    score: float | None
    weight: float


@dataclass(frozen=True)
class HealthScore:
    """An account's health: 0-100, its band, and every component behind it."""

    score: float | None
    band: str
    components: tuple[ComponentScore, ...]


def component_score(component: Component, value: float | None) -> float | None:
    """0 at ``bad``, 100 at ``good``, linear between and clipped; ``None`` without data."""
    if value is None or math.isnan(value):
        return None
    fraction = (value - component.bad) / (component.good - component.bad)
    return 100.0 * min(1.0, max(0.0, fraction))


def band(config: HealthConfig, score: float | None) -> str:
    """healthy, watch, at_risk — or no_data."""
    if score is None:
        return "no_data"
    if score >= config.bands.healthy:
        return "healthy"
    return "watch" if score >= config.bands.watch else "at_risk"


def health_score(
    config: HealthConfig, features: Mapping[str, float | None], segment: str | None = None
) -> HealthScore:
    """The weighted mean of the components that have data (weights renormalised)."""
    parts = tuple(
        ComponentScore(
            c.name,
            c.metric,
            _value(features, c.metric),
            component_score(c, _value(features, c.metric)),
            c.weight,
        )
        for c in config.components_for(segment)
    )
    scored = [p for p in parts if p.score is not None]
    total_weight = sum(p.weight for p in scored)
    score = (
        sum(p.weight * p.score for p in scored if p.score is not None) / total_weight
        if total_weight
        else None
    )
    return HealthScore(score, band(config, score), parts)


def _value(features: Mapping[str, float | None], metric: str) -> float | None:
    value = features.get(metric)
    return None if value is None else float(value)
