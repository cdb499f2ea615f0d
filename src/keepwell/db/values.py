"""Input value types that every layer can hold: days and moments within the range that
the databases and date arithmetic handle, moments as naive UTC (how they are stored).

An out-of-range day (``0001-01-01``) or a moment with or without an offset is thus a
validation error or a stored value, never an overflow or a naive-against-aware
comparison deep inside a service.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)
RANGE = f"between {MIN_DAY} and {MAX_DAY}"


def naive_utc(moment: datetime) -> datetime:
    """``moment`` in UTC without its offset (one without an offset is taken as UTC);
    ``ValueError`` outside the days the record holds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not MIN_DAY <= moment.date() <= MAX_DAY:
        raise ValueError(f"a moment {RANGE}")
    return moment


Day = Annotated[date, Field(ge=MIN_DAY, le=MAX_DAY, description=f"A day {RANGE}.")]
"""A day in a query or a body."""
Moment = Annotated[
    datetime,
    AfterValidator(naive_utc),
    Field(description=f"A moment {RANGE}; without an offset it is taken as UTC."),
]
"""A moment in a query or a body, converted to naive UTC."""


def utc_text(moment: datetime) -> str:
    """``moment`` as RFC 3339 text with its offset (a stored naive moment is UTC: ``Z``)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.isoformat().replace("+00:00", "Z")


UtcDateTime = Annotated[
    datetime,
    PlainSerializer(utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
"""A stored moment in an answer: JSON text with its offset, as ``date-time`` promises."""
