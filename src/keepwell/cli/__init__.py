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
    problems,
    report,
    retention,
    score,
    tasks,
    telemetry,
    voice,
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
    "problems",
    "report",
    "retention",
    "score",
    "tasks",
    "telemetry",
    "voice",
    "web",
]
