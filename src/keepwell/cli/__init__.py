"""The ``keepwell`` command line."""

from keepwell.cli import (
    account,
    churn,
    clv,
    coverage,
    demo,
    features,
    importing,
    kb,
    report,
    retention,
    score,
    telemetry,
    web,
)
from keepwell.cli.app import app

__all__ = [
    "account",
    "app",
    "churn",
    "clv",
    "coverage",
    "demo",
    "features",
    "importing",
    "kb",
    "report",
    "retention",
    "score",
    "telemetry",
    "web",
]
