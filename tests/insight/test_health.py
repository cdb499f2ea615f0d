"""The health score: interpolation, missing data, segments, bands and configuration errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepwell.insight.health import (
    Component,
    HealthConfig,
    HealthConfigError,
    health_score,
    load_health_config,
)
from keepwell.insight.health.score import component_score

CONFIG = HealthConfig(
    components=[
        Component(name="Rhythm", metric="gap_ratio", good=1.0, bad=3.0, weight=3),
        Component(name="NPS", metric="last_nps", good=9, bad=5, weight=1),
    ],
    segments={"OEM": {"NPS": 3}},
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, 100.0), (1.0, 100.0), (2.0, 50.0), (3.0, 0.0), (9.0, 0.0), (None, None)],
)
def test_lower_is_better_interpolation(value: float | None, expected: float | None) -> None:
    assert component_score(CONFIG.components[0], value) == expected


def test_higher_is_better_interpolation() -> None:
    assert component_score(CONFIG.components[1], 8.0) == pytest.approx(75.0)


def test_weighted_mean_with_breakdown() -> None:
    result = health_score(CONFIG, {"gap_ratio": 2.0, "last_nps": 9})
    assert result.score == pytest.approx((3 * 50 + 1 * 100) / 4)
    assert result.band == "watch"
    assert [(c.name, c.value, c.score) for c in result.components] == [
        ("Rhythm", 2.0, 50.0),
        ("NPS", 9.0, 100.0),
    ]


def test_missing_components_are_left_out_and_weights_renormalised() -> None:
    result = health_score(CONFIG, {"gap_ratio": 1.0, "last_nps": None})
    assert (result.score, result.band) == (100.0, "healthy")
    assert health_score(CONFIG, {"gap_ratio": None, "last_nps": None}).band == "no_data"


def test_segment_weights_override() -> None:
    features = {"gap_ratio": 3.0, "last_nps": 9}
    assert health_score(CONFIG, features).score == pytest.approx(25.0)
    assert health_score(CONFIG, features, segment="OEM").score == pytest.approx(50.0)


def test_a_metric_without_a_value_counts_as_no_data() -> None:
    result = health_score(CONFIG, {"gap_ratio": 1.0})
    assert (result.score, result.components[1].score) == (100.0, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("components: []", "at least 1 item"),
        ("components: [{name: A, metric: m, good: 1, bad: 1, weight: 1}]", "must differ"),
        ("components: [{name: A, metric: m, good: 1, bad: 0, weight: 0}]", "greater than 0"),
        (
            "components: [{name: A, metric: m, good: 1, bad: 0, weight: 1}]\nsegments: {X: {B: 2}}",
            "unknown components",
        ),
        ("components: [", "health.yaml"),
    ],
)
def test_configuration_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "health.yaml"
    path.write_text(text)
    with pytest.raises(HealthConfigError, match=message):
        load_health_config(path)


def test_shipped_configuration_uses_only_known_features() -> None:
    from keepwell.insight.features import FEATURES

    config = load_health_config()
    assert {c.metric for c in config.components} <= set(FEATURES)
