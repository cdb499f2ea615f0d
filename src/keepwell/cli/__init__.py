"""The ``keepwell`` command line."""

from keepwell.cli import account, churn, clv, demo, features, importing, problems, score, voice, web
from keepwell.cli.app import app

__all__ = [
    "account",
    "app",
    "churn",
    "clv",
    "demo",
    "features",
    "importing",
    "problems",
    "score",
    "voice",
    "web",
]
