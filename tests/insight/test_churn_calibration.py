"""Calibration on synthetic data with known probabilities, and the metrics around it."""

from __future__ import annotations

import numpy as np
import pytest

from keepwell.insight.churn import (
    Calibrator,
    brier,
    calibration_table,
    evaluate,
    top_decile_lift,
)

SEED = 20240601


def known_probabilities(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True probabilities, outcomes drawn from them, and an overconfident score."""
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 8.0, n)
    y = (rng.random(n) < p).astype(np.int64)
    score = 2.5 * np.log(p / (1 - p)) + 1.5
    return p, y, score


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_calibrated_deciles_match_the_observed_rates(method: str) -> None:
    _, y_fit, s_fit = known_probabilities(20_000, SEED)
    _, y, score = known_probabilities(20_000, SEED + 1)
    calibrator = Calibrator(method).fit(s_fit, y_fit)  # type: ignore[arg-type]
    predicted = calibrator.predict(score)
    for row in calibration_table(y, predicted):
        assert abs(row.mean_predicted - row.observed) < 0.03, (SEED, method, row)


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_calibration_lowers_the_brier_score_on_held_out_data(method: str) -> None:
    _, y_fit, s_fit = known_probabilities(5_000, SEED + 2)
    _, y, score = known_probabilities(5_000, SEED + 3)
    raw = 1 / (1 + np.exp(-score))
    calibrated = Calibrator(method).fit(s_fit, y_fit).predict(score)  # type: ignore[arg-type]
    assert brier(y, calibrated) <= brier(y, raw), SEED
    assert brier(y, raw) - brier(y, calibrated) > 0.005, SEED


def test_calibrator_needs_both_outcomes_and_a_known_method() -> None:
    with pytest.raises(ValueError, match="churned and retained"):
        Calibrator().fit(np.array([0.1, 0.2]), np.array([0, 0]))
    with pytest.raises(ValueError, match="unknown calibration method"):
        Calibrator("magic").fit(np.array([0.1, 0.2]), np.array([0, 1]))  # type: ignore[arg-type]


def test_metrics_of_a_perfect_and_an_uninformed_ranking() -> None:
    y = np.array([0] * 90 + [1] * 10)
    perfect = np.linspace(0, 1, 100)
    metrics = evaluate(y, perfect)
    assert metrics.roc_auc == 1.0
    assert metrics.pr_auc == pytest.approx(1.0)
    assert metrics.top_decile_lift == pytest.approx(10.0)
    assert [b.n for b in metrics.calibration] == [10] * 10
    assert metrics.calibration[-1].observed == 1.0
    flat = evaluate(y, np.full(100, 0.1))
    assert flat.roc_auc == 0.5
    assert flat.brier == pytest.approx(0.09)
    one_class = evaluate(np.zeros(5, dtype=np.int64), np.full(5, 0.2))
    assert one_class.roc_auc is None and one_class.pr_auc is None
    assert top_decile_lift(np.zeros(5, dtype=np.int64), np.full(5, 0.2)) is None
