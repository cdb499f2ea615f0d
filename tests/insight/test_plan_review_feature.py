"""Days since the success plan was last reviewed: point in time, neutral without a plan."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, select
from tests.intake.helpers import write_rows

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.insight.churn.sentences import plans
from keepwell.insight.features import compute_features, connect, write_snapshot
from keepwell.insight.wording import feature_label, feature_value
from keepwell.intake.service import import_file
from keepwell.plans.models import SuccessPlan
from keepwell.record.models import Account

CUTOFF = date(2024, 7, 1)
LATER = date(2024, 9, 1)
ACCOUNTS = [
    {"external_id": "A1", "name": "Reviewed Pumps", "started_on": "2020-01-01"},
    {"external_id": "A2", "name": "Never Reviewed", "started_on": "2020-01-01"},
    {"external_id": "A3", "name": "No Plan", "started_on": "2020-01-01"},
    {"external_id": "A4", "name": "Plan Later", "started_on": "2020-01-01"},
]


def _ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(Account.external_id, Account.id)).all()
    return {str(row[0]): int(row[1]) for row in rows}


def _plan(engine: Engine, account: int, created: datetime, reviews: list[datetime]) -> None:
    """A plan created on ``created`` and reviewed (audited) at each of ``reviews``."""
    with session_scope(engine) as session:
        plan = SuccessPlan(
            account_id=account,
            title="Plan",
            review_on=date(2025, 1, 1),
            reviewed_at=max(reviews, default=None),
            created_at=created,
            created_by="lead",
        )
        session.add(plan)
        session.flush()
        session.add_all(_review(plan.id, at) for at in reviews)


def _review(plan_id: int, at: datetime) -> AuditLog:
    return AuditLog(
        at=at, actor="lead", action="plan.reviewed", entity="success_plans", entity_id=plan_id
    )


def _review_again(engine: Engine, account: int, at: datetime) -> None:
    """What ``mark_reviewed`` does, on ``at``: the plan's time moves on, the log grows."""
    with session_scope(engine) as session:
        plan = session.scalars(select(SuccessPlan).where(SuccessPlan.account_id == account)).one()
        plan.reviewed_at = at
        session.add(_review(plan.id, at))


def _features(engine: Engine, folder: Path, cutoffs: list[date]) -> dict[Any, dict[str, Any]]:
    write_snapshot(engine, folder)
    con = connect("duckdb", folder)
    try:
        table: pa.Table = compute_features(con, cutoffs)
    finally:
        con.disconnect()
    return {
        (row["account_id"], row["cutoff"]): (row["days_since_plan_review"], row["has_success_plan"])
        for row in table.to_pylist()
    }


def test_plan_review_counts_only_reviews_before_the_cutoff(engine: Engine, tmp_path: Path) -> None:
    assert import_file(engine, "accounts", write_rows(tmp_path / "accounts.csv", ACCOUNTS)).ok
    ids = _ids(engine)
    _plan(engine, ids["A1"], datetime(2024, 1, 1, 9), [datetime(2024, 5, 2, 15)])  # 60 ago
    _plan(engine, ids["A2"], datetime(2024, 2, 1, 9), [])  # created 151 ago, never reviewed
    _plan(engine, ids["A4"], datetime(2024, 8, 1, 9), [])  # after the cutoff
    before = _features(engine, tmp_path / "before", [CUTOFF])
    assert before[(ids["A1"], CUTOFF)] == (60, True)
    assert before[(ids["A2"], CUTOFF)] == (151, True)
    assert before[(ids["A3"], CUTOFF)] == (None, False)  # no plan: neutral, with the flag
    assert before[(ids["A4"], CUTOFF)] == (None, False)

    _review_again(engine, ids["A1"], datetime(2024, 7, 15, 10))  # after the cutoff
    _review_again(engine, ids["A2"], datetime(2024, 6, 30, 23))  # the day before it
    after = _features(engine, tmp_path / "after", [CUTOFF, LATER])
    assert after[(ids["A1"], CUTOFF)] == (60, True)  # the later review is not seen
    assert after[(ids["A1"], LATER)] == (48, True)
    assert after[(ids["A2"], CUTOFF)] == (1, True)
    assert after[(ids["A4"], LATER)] == (31, True)
    unchanged = {key: value for key, value in after.items() if key[1] == CUTOFF}
    assert unchanged == {**before, (ids["A2"], CUTOFF): (1, True)}


def test_plan_review_has_a_label_and_a_sentence() -> None:
    assert feature_label("days_since_plan_review") == (
        "Days since the success plan was last reviewed with the customer"
    )
    assert feature_value("days_since_plan_review", 213.0) == "213 days"
    assert plans({"days_since_plan_review": 213.0, "has_success_plan": 1.0}) == (
        "the success plan was last reviewed 7 months ago"
    )
    assert plans({"days_since_plan_review": 40.0, "has_success_plan": 1.0}) is None
    assert plans({"days_since_plan_review": None, "has_success_plan": 0.0}) is None
