"""Labels with a horizon, and no leakage between features, labels and backtest folds."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, update
from tests.insight.churn_world import build_world

from keepwell.insight.churn import (
    ChurnDefinition,
    ChurnEvent,
    TrainingOptions,
    build_examples,
    churn_events,
    churn_features,
    labels,
    load_histories,
    monthly_cutoffs,
    record_span,
    training_cutoffs,
)
from keepwell.insight.churn.backtest import (
    backtest_cutoffs,
    calibration_slice,
    fold_training,
    recency_weights,
)
from keepwell.insight.churn.examples import Examples
from keepwell.insight.churn.service import examples_open_on
from keepwell.record.models import Account, Order, SurveyResponse, Ticket

CUTOFF = date(2024, 1, 1)


def label_of(event: ChurnEvent | None, horizon: int = 90) -> int | None:
    found = labels({1: [event]} if event else {}, [1], [CUTOFF], horizon)
    return None if found.empty else int(found["label"].iloc[0])


def test_label_is_one_when_the_churn_falls_in_the_horizon_after_the_cutoff() -> None:
    def churn(days: int) -> ChurnEvent:
        return ChurnEvent(1, CUTOFF + timedelta(days=days), "order_gap")

    assert label_of(None) == 0
    assert label_of(churn(1)) == 1
    assert label_of(churn(90)) == 1
    assert label_of(churn(91)) == 0
    assert label_of(churn(0)) is None, "churned on the cutoff: not alive at it"
    assert label_of(churn(-30)) is None
    assert label_of(ChurnEvent(1, None, "account_lost")) is None


def test_a_won_back_account_is_alive_again_after_its_return() -> None:
    lapse = ChurnEvent(1, date(2023, 6, 1), "order_gap", returned_on=date(2023, 12, 1))
    assert label_of(lapse) == 0
    still_out = ChurnEvent(1, date(2023, 6, 1), "order_gap", returned_on=date(2024, 2, 1))
    assert label_of(still_out) is None


def test_labels_cover_every_alive_account_and_cutoff() -> None:
    events = {2: [ChurnEvent(2, date(2024, 2, 15), "account_lost")]}
    found = labels(events, [1, 2, 3], [date(2024, 1, 1), date(2024, 3, 1)], 60)
    assert found.to_dict("records") == [
        {"account_id": 1, "cutoff": date(2024, 1, 1), "label": 0},
        {"account_id": 1, "cutoff": date(2024, 3, 1), "label": 0},
        {"account_id": 2, "cutoff": date(2024, 1, 1), "label": 1},
        {"account_id": 3, "cutoff": date(2024, 1, 1), "label": 0},
        {"account_id": 3, "cutoff": date(2024, 3, 1), "label": 0},
    ]


def test_training_cutoffs_leave_room_for_warmup_horizon_and_confirmation() -> None:
    days = training_cutoffs(date(2021, 1, 10), date(2024, 12, 31), 270, 180)
    assert days[0] == date(2021, 8, 1)
    assert days[-1] == date(2024, 4, 1)
    assert all(d.day == 1 for d in days)
    assert monthly_cutoffs(date(2024, 1, 1), date(2024, 3, 1)) == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
    ]


def test_features_use_only_data_before_the_cutoff(sqlite_engine: Engine) -> None:
    build_world(sqlite_engine, accounts=30)
    cutoff = date(2023, 3, 1)
    before = churn_features(sqlite_engine, [cutoff])
    moment = pd.Timestamp(cutoff).to_pydatetime()
    with sqlite_engine.begin() as conn:
        conn.execute(delete(Order).where(Order.ordered_at >= cutoff))
        conn.execute(delete(Ticket).where(Ticket.opened_at >= moment))
        conn.execute(delete(SurveyResponse).where(SurveyResponse.responded_at >= moment))
        conn.execute(update(Account).values(status="active", ended_on=None))
    after = churn_features(sqlite_engine, [cutoff])
    pd.testing.assert_frame_equal(before, after)


def test_backtest_folds_never_train_on_a_label_window_reaching_the_test_cutoff(
    sqlite_engine: Engine,
) -> None:
    build_world(sqlite_engine, accounts=60)
    definition = ChurnDefinition()
    first, end = record_span(sqlite_engine) or (date.min, date.min)
    options = TrainingOptions(settle_days=definition.settle_days)
    events = churn_events(definition, load_histories(sqlite_engine).values(), end)
    cutoffs = training_cutoffs(first, end, options.outcome_days, 180)
    examples = build_examples(
        churn_features(sqlite_engine, cutoffs), events, cutoffs, options.horizon_days
    )
    assert examples.y.sum() > 0
    horizon = timedelta(days=options.horizon_days)
    assert all(c + horizon + timedelta(definition.settle_days) <= end for c in examples.cutoffs)
    tests = backtest_cutoffs(examples, options)
    assert len(tests) == options.test_cutoffs
    for test_cutoff in tests:
        train = fold_training(examples, test_cutoff, options)
        assert len(train) > 0
        assert max(train.cutoffs) + horizon + timedelta(definition.settle_days) < test_cutoff
        assert test_cutoff not in train.cutoffs


def test_open_label_windows_are_labelled_only_from_the_data_before_the_test_cutoff(
    sqlite_engine: Engine,
) -> None:
    build_world(sqlite_engine, accounts=60)
    definition = ChurnDefinition()
    first, end = record_span(sqlite_engine) or (date.min, date.min)
    options = TrainingOptions(settle_days=definition.settle_days)
    cutoffs = training_cutoffs(first, end, 0, 180)
    features = churn_features(sqlite_engine, cutoffs)
    test_cutoff = cutoffs[-1] - timedelta(days=options.outcome_days // 2)
    full = examples_open_on(
        features, definition, list(load_histories(sqlite_engine).values()),
        cutoffs, test_cutoff, options,
    )  # fmt: skip
    assert len(full) > 0 and full.y.sum() > 0 and not full.complete.any()
    outcome, seen = timedelta(days=options.outcome_days), timedelta(days=180)
    assert all(test_cutoff <= c + outcome and c + seen <= test_cutoff for c in full.cutoffs)

    with sqlite_engine.begin() as conn:  # forget everything from the test cutoff on
        conn.execute(delete(Order).where(Order.ordered_at >= test_cutoff))
        conn.execute(
            update(Account)
            .where(Account.ended_on >= test_cutoff)
            .values(status="active", ended_on=None)
        )
    cut = examples_open_on(
        features, definition, list(load_histories(sqlite_engine).values()),
        cutoffs, test_cutoff, options,
    )  # fmt: skip
    pd.testing.assert_frame_equal(full.frame, cut.frame)


def test_recent_examples_weigh_more_and_open_ones_never_calibrate() -> None:
    cutoffs = [date(2024, 1, 2), date(2024, 5, 1), date(2024, 8, 29)]
    frame = pd.DataFrame(
        {"account_id": [1, 1, 1], "cutoff": cutoffs, "label": [0, 1, 0],
         "complete": [True, True, False]}
    )  # fmt: skip
    examples = Examples(frame)
    weights = recency_weights(examples, TrainingOptions(half_life_days=120.0))
    # 240, 120 and 0 days before the latest; the open window's example weighs 3 times
    assert np.allclose(weights, [0.25, 0.5, 3.0])
    assert np.allclose(recency_weights(examples, TrainingOptions(half_life_days=None)), [1, 1, 3])
    unsure = Examples(frame.assign(seen=[None, None, 0.6]))  # 60 % of the open window seen
    weighted = recency_weights(unsure, TrainingOptions(half_life_days=None, open_weight=2.0))
    assert np.allclose(weighted, [1.0, 1.0, 2.0 * 0.6])  # an open 0 weighs what was seen
    certain = Examples(unsure.frame.assign(label=[0, 1, 1]))
    weighted = recency_weights(certain, TrainingOptions(half_life_days=None, open_weight=2.0))
    assert np.allclose(weighted, [1.0, 1.0, 2.0])  # an open 1 is certain
    assert calibration_slice(examples, TrainingOptions()).cutoffs == cutoffs[:2]
