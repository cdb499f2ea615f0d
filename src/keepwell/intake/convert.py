"""Turning raw cell values into typed field values, with clear reasons when that fails."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from keepwell.intake.fields import FieldSpec

TRUE = frozenset({"true", "t", "yes", "y", "1", "ja", "x"})
FALSE = frozenset({"false", "f", "no", "n", "0", "nein", ""})


class ConversionError(ValueError):
    """A value that cannot become the field's type; the message is the reason."""


def is_missing(value: Any) -> bool:
    """Empty cells, blank strings and NaN count as missing."""
    if type(value) is str:
        return not value or value.isspace()
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def to_text(value: Any) -> str:
    """A cell as text (numbers from spreadsheets lose a trailing ``.0``)."""
    if type(value) is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_int(value: Any) -> int:
    """An integral number."""
    if isinstance(value, bool):
        raise ConversionError("expected a whole number, got a boolean")
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ConversionError("not a whole number") from None
    if isinstance(number, float) and not number.is_integer():
        raise ConversionError("not a whole number")
    return int(number)


def to_float(value: Any) -> float:
    """A finite number."""
    if isinstance(value, bool):
        raise ConversionError("expected a number, got a boolean")
    if isinstance(value, str):
        return float_text(value.strip())
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConversionError("not a number") from None
    return _finite(number)


def float_text(text: str) -> float:
    """A finite number from stripped text."""
    try:
        number = float(text)
    except ValueError:
        raise ConversionError("not a number") from None
    return _finite(number)


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise ConversionError("not a finite number")
    return number


def to_bool(value: Any) -> bool:
    """A yes/no value."""
    if isinstance(value, bool):
        return value
    return bool_text(to_text(value))


def bool_text(text: str) -> bool:
    """A yes/no value from stripped text."""
    text = text.lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConversionError("not a yes/no value (use true/false, yes/no or 1/0)")


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def to_datetime(value: Any, fmt: str | None) -> datetime:
    """A point in time (stored as naive UTC)."""
    if isinstance(value, datetime):
        return _naive_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime_text(to_text(value), fmt)


def datetime_text(text: str, fmt: str | None) -> datetime:
    """A point in time (naive UTC) from stripped text."""
    try:
        if fmt:
            return _naive_utc(datetime.strptime(text, fmt))
        return _naive_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        expected = (
            describe_format(fmt)
            if fmt
            else "year-month-day, e.g. 2026-12-31 or 2026-12-31T14:30:00"
        )
        raise ConversionError(f"not a date/time as {expected}") from None


def to_date(value: Any, fmt: str | None) -> date:
    """A calendar date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date_text(to_text(value), fmt)


def date_text(text: str, fmt: str | None) -> date:
    """A calendar date from stripped text."""
    try:
        if fmt:
            return datetime.strptime(text, fmt).date()
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        expected = describe_format(fmt) if fmt else "year-month-day, e.g. 2026-12-31"
        raise ConversionError(f"not a date as {expected}") from None


FORMAT_WORDS = {
    "%d": "day",
    "%m": "month",
    "%Y": "year",
    "%y": "two-digit year",
    "%H": "hour",
    "%I": "hour (1-12)",
    "%M": "minute",
    "%S": "second",
    "%f": "fraction of a second",
    "%b": "short month name",
    "%B": "month name",
    "%a": "short weekday",
    "%A": "weekday",
    "%p": "AM/PM",
    "%j": "day of the year",
    "%z": "offset from UTC",
    "%%": "%",
}
"""The date format codes in words, for error messages people read."""
EXAMPLE_MOMENT = datetime(2026, 12, 31, 14, 30, 5)


def describe_format(fmt: str) -> str:
    """A date format in words, with an example.

    ``%d.%m.%Y`` reads ``day.month.year, e.g. 31.12.2026``.
    """
    words = re.sub(r"%.", lambda m: FORMAT_WORDS.get(m.group(0), "?"), fmt)
    try:
        example = EXAMPLE_MOMENT.strftime(fmt)
    except ValueError:
        return words
    return f"{words}, e.g. {example}"


@dataclass(frozen=True)
class Converter:
    """A field's conversion: ``value`` takes any raw non-missing cell; ``text`` takes the
    stripped, non-empty text of a string cell (None: the text itself is the value).
    Both give the same result for the same cell."""

    value: Callable[[Any], Any]
    text: Callable[[str], Any] | None


def converter(spec: FieldSpec, fmt: str | None, max_length: int | None) -> Converter:
    """The conversion of a raw (translated, non-missing) value into ``spec``'s type."""
    text = _text_converter(spec, fmt, max_length)
    if spec.type == "date":
        return Converter(lambda v: to_date(v, fmt), text)
    if spec.type == "datetime":
        return Converter(lambda v: to_datetime(v, fmt), text)
    if spec.type == "int":
        return Converter(to_int, text)
    if spec.type == "float":
        return Converter(to_float, text)
    if spec.type == "bool":
        return Converter(to_bool, text)
    if text is None:
        return Converter(to_text, None)
    return Converter(lambda v: text(to_text(v)), text)


def _text_converter(
    spec: FieldSpec, fmt: str | None, max_length: int | None
) -> Callable[[str], Any] | None:
    if spec.type == "date":
        return lambda t: date_text(t, fmt)
    if spec.type == "datetime":
        return lambda t: datetime_text(t, fmt)
    if spec.type == "int":
        return to_int
    if spec.type == "float":
        return float_text
    if spec.type == "bool":
        return bool_text
    if spec.choices:
        return _choice(spec.choices)
    return _bounded(max_length) if max_length is not None else None


def _choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    canonical = {c.lower(): c for c in choices}

    def convert(text: str) -> str:
        found = canonical.get(text.lower().replace(" ", "_").replace("-", "_"))
        if found is None:
            raise ConversionError(f"not one of {', '.join(choices)}")
        return found

    return convert


def _bounded(max_length: int) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if len(text) > max_length:
            raise ConversionError(f"longer than {max_length} characters ({len(text)})")
        return text

    return convert
