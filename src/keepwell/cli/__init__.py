"""The ``keepwell`` command line."""

from keepwell.cli import clv, importing
from keepwell.cli.app import app

__all__ = ["app", "clv", "importing"]
