"""The ``keepwell`` command line."""

from keepwell.cli import account, clv, demo, importing, web
from keepwell.cli.app import app

__all__ = ["account", "app", "clv", "demo", "importing", "web"]
