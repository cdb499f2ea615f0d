"""Days and moments, in naive UTC like the database: the one home of Keepwell's date helpers.

A *day* is a :class:`~datetime.date`; a day's moments run from :func:`start_of_day`
(inclusive) to :func:`end_of_day` (exclusive), so a query for "on or before ``day``" reads
``occurred_at < end_of_day(day)``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

__all__ = ["days_before", "end_of_day", "same_day_a_year_earlier", "start_of_day", "utcnow"]


def utcnow() -> datetime:
    """The current time as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day``: its first moment."""
    return datetime.combine(day, time(0))


def end_of_day(day: date) -> datetime:
    """Midnight at the end of ``day``: the first moment after it (compare with ``<``)."""
    return start_of_day(day + timedelta(days=1))


def days_before(day: date, days: int) -> date:
    """The day ``days`` before ``day``."""
    return day - timedelta(days=days)


def same_day_a_year_earlier(day: date) -> date:
    """The same day one year earlier (28 February for 29 February)."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
