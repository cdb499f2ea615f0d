"""Without history: churn risk from account attributes and lost status, cross-validated."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Engine
from tests.insight.churn_world import write_accounts

from keepwell.insight.churn import encode, load_accounts, train_and_score


def test_attributes_are_encoded_as_numbers_and_common_values(sqlite_engine: Engine) -> None:
    write_accounts(sqlite_engine)
    data = encode(load_accounts(sqlite_engine), ["lost"])
    assert "contract_value" in data.features
    assert "attribute:Fleet Size" in data.features
    assert "segment=Utility" in data.features
    assert "attribute:Contract Type=Parts Only" in data.features
    assert not any(name.startswith("region") for name in data.features), "no values"
    assert data.x.shape == (90, len(data.features))
    assert {g.key for g in data.groups} >= {"segment", "contract_value", "attribute:Fleet Size"}


def test_without_history_the_run_reports_cross_validation(sqlite_engine: Engine) -> None:
    write_accounts(sqlite_engine)
    run = train_and_score(sqlite_engine, as_of=date(2025, 1, 1))
    summary = run.summary()
    assert summary["method"] == "cross-validation"
    assert summary["cutoffs"] == []
    assert summary["n_accounts"] == summary["n_examples"] == 90
    assert summary["roc_auc"] > 0.6
    assert {row["cutoff"] for row in run.backtest_rows()} == {None, "all"}
    lost = int(np.sum(encode(load_accounts(sqlite_engine), ["lost"]).y))
    assert len(run.scores) == 90 - lost, "only live accounts are scored"
    utility = [s for s in run.scores if s.values.get("segment=Utility") == 1.0]
    assert utility and max(s.probability for s in utility) > max(
        s.probability for s in run.scores if s.values.get("segment=Utility") == 0.0
    )
    sentences = [r.sentence for s in utility for r in s.reasons]
    assert any(s.startswith("segment Utility: ") and "of those accounts were lost" in s
               for s in sentences), sentences  # fmt: skip
