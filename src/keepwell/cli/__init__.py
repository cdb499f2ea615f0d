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
    playbooks,
    report,
    retention,
    score,
    tasks,
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
    "playbooks",
    "report",
    "retention",
    "score",
    "tasks",
    "telemetry",
    "web",
]
