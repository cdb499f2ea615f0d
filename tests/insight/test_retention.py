"""Kaplan-Meier and revenue retention against hand-computed values."""

from __future__ import annotations

import pytest

from keepwell.insight.retention import kaplan_meier, revenue_retention, survival_by_group


def test_kaplan_meier_textbook_example() -> None:
    # Six customers: churn at 3, 5, 5, 8; still customers (censored) at 4 and 9.
    curve = kaplan_meier([3, 4, 5, 5, 8, 9], [1, 0, 1, 1, 1, 0])
    assert curve.times == (3.0, 5.0, 8.0)
    assert curve.at_risk == (6, 4, 2)
    assert curve.events == (1, 2, 1)
    assert curve.survival == pytest.approx((5 / 6, 5 / 6 * 2 / 4, 5 / 6 * 2 / 4 * 1 / 2))
    assert curve.at(0) == 1.0 and curve.at(4.9) == pytest.approx(5 / 6)
    assert curve.median() == 5.0


def test_no_churn_means_flat_survival() -> None:
    curve = kaplan_meier([1, 2, 3], [0, 0, 0])
    assert (curve.times, curve.at(10), curve.median()) == ((), 1.0, None)


@pytest.mark.parametrize(
    ("durations", "observed", "message"),
    [([], [], "no customers"), ([1, -1], [1, 0], "non-negative"), ([1], [1, 0], "same length")],
)
def test_kaplan_meier_rejects_bad_input(
    durations: list[float], observed: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(durations, observed)


def test_curves_per_group() -> None:
    curves = survival_by_group(
        [1, 2, 3, 4], [True, False, True, True], ["2023", "2023", "2024", "2024"]
    )
    assert sorted(curves) == ["2023", "2024"]
    assert curves["2024"].survival == pytest.approx((0.5, 0.0))


def test_gross_and_net_revenue_retention() -> None:
    rows = [
        ("a", "2024-Q1", 100.0),
        ("a", "2024-Q2", 150.0),  # expansion
        ("b", "2024-Q1", 100.0),
        ("b", "2024-Q2", 50.0),  # contraction
        ("c", "2024-Q1", 100.0),  # churn
        ("d", "2024-Q2", 500.0),  # new: not in the base
    ]
    accounts, periods, amounts = zip(*rows, strict=True)
    (q2,) = revenue_retention(accounts, periods, amounts)
    assert (q2.period, q2.starting_revenue, q2.revenue) == ("2024-Q2", 300.0, 200.0)
    assert q2.gross == pytest.approx(150 / 300)
    assert q2.net == pytest.approx(200 / 300)
