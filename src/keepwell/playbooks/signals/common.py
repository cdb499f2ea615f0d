"""Small helpers shared by the built-in signals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day``."""
    return datetime.combine(day, time(0))


def end_of(day: date) -> datetime:
    """Midnight at the end of ``day``."""
    return start_of(day + timedelta(days=1))


def days_ago(day: date, days: int) -> date:
    """The day ``days`` before ``day``."""
    return day - timedelta(days=days)
