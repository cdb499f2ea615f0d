"""Writing a scoring run with chosen health bands, for tests of the model's read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun


def score(engine: Engine, bands: dict[int, tuple[str, float]], as_of: date) -> int:
    """Store a run where each account has ``(health band, churn probability)``; its id."""
    with session_scope(engine) as session:
        run = ScoreRun(as_of=as_of, engine="duckdb", model="test", model_version="1", method="test")
        session.add(run)
        session.flush()
        for account_id, (band, probability) in bands.items():
            session.add(
                AccountScore(
                    run_id=run.id,
                    account_id=account_id,
                    health_band=band,
                    churn_probability=probability,
                )
            )
        return run.id
