"""Score runs and the per-account scores they produced, kept over time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class ScoreRun(Base):
    """One scoring run: which model, on which data window, with which backtested accuracy."""

    __tablename__ = "score_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    as_of: Mapped[date] = mapped_column(Date, index=True)
    data_start: Mapped[date | None] = mapped_column(Date)
    data_end: Mapped[date | None] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(32))
    n_accounts: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    health_config: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AccountScore(Base):
    """An account's scores in one run, with the reasons and the features behind them."""

    __tablename__ = "account_scores"
    __table_args__ = (
        UniqueConstraint("run_id", "account_id"),
        # The portfolio's orders by score read a run's accounts along these.
        Index("ix_account_scores_run_risk", "run_id", "churn_probability", "account_id"),
        Index("ix_account_scores_run_health", "run_id", "health_score", "account_id"),
        Index("ix_account_scores_run_at_risk", "run_id", "revenue_at_risk", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    churn_probability: Mapped[float | None] = mapped_column(Float)
    health_score: Mapped[float | None] = mapped_column(Float)
    health_band: Mapped[str] = mapped_column(String(16))
    p_alive: Mapped[float | None] = mapped_column(Float)
    expected_orders_365d: Mapped[float | None] = mapped_column(Float)
    expected_value_12m: Mapped[float | None] = mapped_column(Float)
    annual_revenue: Mapped[float | None] = mapped_column(Float)
    revenue_at_risk: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    health_breakdown: Mapped[list[Any]] = mapped_column(default=list)
    growth: Mapped[list[Any]] = mapped_column(default=list)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    contributions: Mapped[dict[str, Any]] = mapped_column(default=dict)
