"""Reasons in plain language: templates, the model's drivers on crafted accounts, changes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from tests.insight.churn_world import build_world

from keepwell.db import make_engine
from keepwell.insight.churn import (
    FEATURE_NAMES,
    GROUPS,
    AccountScore,
    ChurnRun,
    Reason,
    explain,
    score_frame,
    train_and_score,
    what_changed,
)
from keepwell.insight.snapshots import REASON_TIMELINE
from keepwell.record.timeline import TIMELINE_FAMILIES

TROUBLED = {
    "complaints_90d": 3.0,
    "complaints_365d": 4.0,
    "repeat_complaints_90d": 2.0,
    "days_since_last_order": 100.0,
    "gap_ratio": 2.4,
    "mean_order_gap_days": 42.0,
}


@pytest.fixture(scope="module")
def world_engine(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Engine]:
    """A trained-on record: the synthetic world of planted churn."""
    path = tmp_path_factory.mktemp("churn-world") / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    build_world(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def run(world_engine: Engine) -> ChurnRun:
    return train_and_score(world_engine)


def test_every_feature_has_exactly_one_sentence_group() -> None:
    grouped = [name for group in GROUPS for name in group.features]
    assert sorted(grouped) == sorted(FEATURE_NAMES)


def test_templates_turn_values_into_sentences() -> None:
    pushes = {"complaints_90d": 0.8, "gap_ratio": 0.5, "tenure_days": -0.4, "last_nps": 0.3}
    reasons = explain({**TROUBLED, "last_nps": 9.0, "tenure_days": 100.0}, pushes)
    assert reasons == [
        Reason(
            "complaints",
            "3 complaints in the last 90 days, 2 repeating an earlier one on the same product line",
            0.8,
        ),
        Reason(
            "order_gap", "no order for 2.4× its usual interval (100 days; usually every 42)", 0.5
        ),
    ]


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ({"last_nps": 3.0, "nps_change": -6.0}, "NPS fell from 9 to 3"),
        ({"last_nps": 5.0}, "last NPS answer 5 (a detractor)"),
        ({"usage_trend": 0.55}, "usage down 45% vs the previous 60 days"),
        ({"usage_30d_vs_usual": 0.6, "usage_vs_everyone": 0.58, "usage_trend": 0.9},
         "its machines ran 60% of their usual hours in the last 30 days, well below other "
         "customers' machines"),
        (
            {"days_since_team_departure": 61.0, "team_joins_since_departure": 0.0},
            "an account-team member left the company 2 months ago and nobody replaced them",
        ),
        (
            {"late_invoice_share_365d": 0.4, "mean_days_late_365d": 12.0},
            "40% of the last 12 months' invoices paid late, 12 days on average",
        ),
        (
            {"late_deliveries_180d": 2.0, "deliveries_due_180d": 5.0},
            "2 of 5 deliveries in the last 6 months came a week or more late",
        ),
        ({"orders_90d_vs_last_year": 0.0}, "no order in the last 90 days, though it ordered in "
         "the same quarter last year"),
        ({"revenue_365d_vs_prior_year": 0.7}, "order value down 30% on the previous 12 months"),
        ({"quote_win_rate_365d": 0.25}, "only 25% of the last 12 months' decided quotes were won"),
        ({"open_tickets": 2.0, "oldest_open_ticket_days": 40.0},
         "2 tickets still open, the oldest for 40 days"),
        ({"recurring_problems_90d": 2.0},
         "2 recurring problems hit this customer in the last 90 days"),
        ({"recurring_problems_90d": 1.0},
         "1 recurring problem hit this customer in the last 90 days"),
        ({"orders_180d_vs_usual": 0.4, "revenue_180d_vs_usual": 0.6},
         "orders in the last 6 months at 40% of its usual level"),
        ({"orders_180d_vs_usual": 0.0},
         "no order in the last 6 months, though it used to order regularly"),
        ({"interactions_90d": 2.0, "days_since_last_interaction": 20.0,
          "interactions_90d_vs_usual": 0.25},
         "calls, visits and e-mails in the last 90 days down 75% on the usual level"),
        ({"late_delivery_share_365d": 0.6, "late_share_vs_everyone_365d": 0.45},
         "60% of the last 12 months' deliveries came a week or more late, against 15% for "
         "all customers"),
        ({"overdue_invoices": 2.0, "overdue_amount": 48200.0},
         "2 invoices overdue"),  # no amount: reasons reach every role, money is data
        ({"unanswered_detractors_180d": 2.0},
         "2 unhappy NPS answers in the last 6 months had no call, visit or e-mail within "
         "two weeks"),
        ({"warning_notes_180d": 1.0},
         "1 note by the account team in the last 6 months records a warning sign"),
        ({"warning_notes_180d": 3.0, "warning_notes_180d_competitor": 2.0,
          "warning_notes_180d_volumes": 0.0, "warning_notes_180d_deliveries": 1.0},
         "3 notes by the account team in the last 6 months warn of a competitor's offer and "
         "late deliveries"),
    ],
)  # fmt: skip
def test_each_template(values: dict[str, float], sentence: str) -> None:
    pushes = dict.fromkeys(values, 1.0)
    assert [r.sentence for r in explain(values, pushes)] == [sentence]


def test_drivers_that_lower_risk_or_show_nothing_wrong_are_no_reasons() -> None:
    assert explain(TROUBLED, {"complaints_90d": -1.0, "gap_ratio": -0.2}) == []
    assert explain({"complaints_90d": 0.0, "complaints_365d": 0.0}, {"complaints_90d": 2.0}) == []
    assert explain(TROUBLED, {"complaints_90d": 0.01}) == [], "below the minimum push"


def test_a_crafted_account_with_a_long_gap_and_fewer_orders_gets_those_reasons(
    run: ChurnRun,
) -> None:
    assert run.method == "time-backtest"
    typical = dict(run.scores[-1].values)
    troubled = {**typical, **TROUBLED, "days_since_last_order": 150.0, "gap_ratio": 5.0}
    troubled["mean_order_gap_days"] = 30.0
    troubled["orders_180d_vs_usual"] = troubled["revenue_180d_vs_usual"] = 0.5  # fewer orders
    frame = pd.DataFrame([typical, troubled], dtype="float64")
    frame.insert(0, "account_id", [1, 2])
    calm, worried = sorted(score_frame(run.model, frame), key=lambda s: s.account_id)
    assert worried.probability > 10 * calm.probability
    assert "no order for 5.0× its usual interval (150 days; usually every 30)" in {
        r.sentence for r in worried.reasons
    }
    assert "orders in the last 6 months at 50% of its usual level" in {
        r.sentence for r in worried.reasons
    }


def test_scored_accounts_have_probabilities_and_upward_reasons(run: ChurnRun) -> None:
    assert run.scores
    assert all(0.0 <= s.probability <= 1.0 for s in run.scores)
    assert [s.probability for s in run.scores] == sorted(
        (s.probability for s in run.scores), reverse=True
    )
    for score in run.scores:
        assert all(reason.weight > 0 for reason in score.reasons)
        assert len(score.reasons) <= 3


def test_what_changed_lists_moves_above_the_threshold_with_their_features() -> None:
    before = [
        AccountScore(1, 0.10, values={"complaints_90d": 0.0, "last_nps": 9.0},
                     contributions={"complaints_90d": -0.1, "last_nps": -0.2}),
        AccountScore(2, 0.30, values={"complaints_90d": 1.0},
                     contributions={"complaints_90d": 0.1}),
    ]  # fmt: skip
    after = [
        AccountScore(1, 0.45, values={"complaints_90d": 3.0, "last_nps": 8.0},
                     contributions={"complaints_90d": 0.9, "last_nps": -0.1}),
        AccountScore(2, 0.35, values={"complaints_90d": 1.0},
                     contributions={"complaints_90d": 0.2}),
        AccountScore(3, 0.90),
    ]  # fmt: skip
    (change,) = what_changed(before, after, threshold=0.1)
    assert change.account_id == 1
    assert change.delta == pytest.approx(0.35)
    assert [c.feature for c in change.changes] == ["complaints_90d", "last_nps"]
    assert change.changes[0].text == "complaints_90d: 0 → 3"
    assert change.changes[0].push == pytest.approx(1.0)


def test_every_reason_links_to_a_part_of_the_timeline_that_exists() -> None:
    keys = {group.key for group in GROUPS}
    assert set(REASON_TIMELINE) <= keys
    assert set(REASON_TIMELINE.values()) <= set(TIMELINE_FAMILIES)
    assert REASON_TIMELINE["warning_notes"] == "interaction"
