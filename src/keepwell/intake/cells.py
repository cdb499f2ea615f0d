"""One precomputed function per field: fetch its cell, translate, check missing, convert."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from keepwell.intake.convert import ConversionError, Converter, is_missing, to_text


class Skip(Enum):
    """The marker of a field that sets nothing in its row (missing and optional)."""

    SKIP = "skip"


SKIP = Skip.SKIP

CellReader = Callable[[dict[str, Any]], Any]
"""Turns a raw row into the field's value, ``SKIP``, or raises ``CellProblem``."""


class CellProblem(Exception):
    """A cell that cannot become its field's value."""

    def __init__(self, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason


def cell_reader(
    column: str | None,
    constant: Any,
    translate: dict[str, Any],
    convert: Converter,
    missing: Callable[[Any], Any],
) -> CellReader:
    """The reader of one field; ``missing`` answers for an empty cell (value, SKIP or raise).

    A plain string cell takes the short way: it is stripped once and, unless the mapping
    translates it, converted from its text; every other cell goes through ``parse_value``.
    """

    def parse(raw: Any) -> Any:
        return parse_value(raw, translate, convert.value, missing)

    if column is None:
        return lambda _row: parse(constant)
    text_value = convert.text

    def read(row: dict[str, Any]) -> Any:
        raw = row.get(column)
        if type(raw) is not str or translate:
            return parse(raw)
        text = raw.strip()
        if not text:
            return missing(raw)
        if text_value is None:
            return text
        try:
            return text_value(text)
        except ConversionError as exc:
            raise CellProblem(raw, str(exc)) from None

    return read


def parse_value(
    raw: Any,
    translate: dict[str, Any],
    convert: Callable[[Any], Any],
    missing: Callable[[Any], Any],
) -> Any:
    """One cell's value the general way: translate, check missing, convert."""
    if translate and not is_missing(raw):
        raw = translate.get(to_text(raw), raw)
    if is_missing(raw):
        return missing(raw)
    try:
        return convert(raw)
    except ConversionError as exc:
        raise CellProblem(raw, str(exc)) from None


def missing_handler(name: str, required: bool, store_none: bool) -> Callable[[Any], Any]:
    """What an empty cell means: an error when required, else None or nothing at all."""
    if required:

        def refuse(raw: Any) -> Any:
            raise CellProblem(raw, f"{name} is required")

        return refuse
    result: Any = None if store_none else SKIP
    return lambda _raw: result
