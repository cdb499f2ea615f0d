"""The ``keepwell`` command line."""

from keepwell.cli import account, clv, importing
from keepwell.cli.app import app

__all__ = ["account", "app", "clv", "importing"]
