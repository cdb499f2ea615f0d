"""The ``keepwell`` command line."""

from keepwell.cli import importing
from keepwell.cli.app import app

__all__ = ["app", "importing"]
