"""Is this person still here? One answer for employees and contacts, in SQL and in Python.

A person is present on a day when their leaving day is later than that day, or when no
leaving day is recorded and they are still marked active. A leaving day wins over the flag:
someone whose leaving day is next month is still here today, and someone whose leaving day
has passed is gone even if the flag was never cleared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

__all__ = ["is_present", "still_present"]


def still_present(left_at: Any, active: Any, day: Any) -> ColumnElement[bool]:
    """The SQL condition "present on ``day``" over a leaving-day and an active column.

    ``day`` is a date or a bound parameter; the condition is never NULL.
    """
    return or_(and_(left_at.is_not(None), left_at > day), and_(left_at.is_(None), active.is_(True)))


def is_present(left_at: date | None, active: bool, day: date) -> bool:
    """The Python twin of :func:`still_present` for a loaded row."""
    return left_at > day if left_at is not None else bool(active)
