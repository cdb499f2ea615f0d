"""From a file's header and a mapping to a per-row plan: which cell feeds which field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, inspect

from keepwell.intake.cells import SKIP, CellProblem, CellReader, cell_reader, missing_handler
from keepwell.intake.convert import Converter, converter, is_missing, to_text
from keepwell.intake.errors import RowError
from keepwell.intake.fields import FieldSpec, KindSpec
from keepwell.intake.mapping import ACCOUNT_NAME, Mapping
from keepwell.intake.readers import EXTRA_VALUES
from keepwell.intake.tables import MODELS

Key = str | tuple[Any, ...]
"""A record's identity within its kind: its external id, or telemetry's natural key."""


@dataclass(frozen=True)
class FieldPlan:
    """How one field gets its value: from a column or a constant, translated and converted."""

    spec: FieldSpec
    column: str | None
    constant: Any
    translate: dict[str, Any]
    convert: Converter
    nullable: bool

    def reader(self) -> CellReader:
        """The precomputed function giving this field's value (or SKIP) from a raw row."""
        spec = self.spec
        store_none = self.nullable and not spec.ref
        missing = missing_handler(spec.name, spec.required, store_none)
        return cell_reader(self.column, self.constant, self.translate, self.convert, missing)


@dataclass(slots=True)
class ParsedRow:
    """A row after conversion: field values, raw reference ids and account extras."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    external_ids: dict[str, str] = field(default_factory=dict)
    account_name: str | None = None
    key: Key = ""
    """The record's identity, set once the row is checked (see ``Upserter.check``)."""


_Cell = tuple[str, str, bool, CellReader]
"""A field's column (for errors), where its value goes (``refs`` or ``values`` under that
name) and its reader; a plain tuple, unpacked for every cell of every row."""


@dataclass(frozen=True)
class RowPlan:
    """The plan for every row of one file."""

    file: str
    spec: KindSpec
    mapping: Mapping
    fields: tuple[FieldPlan, ...]
    attribute_columns: tuple[str, ...]
    external_id_columns: dict[str, str]
    account_name_column: str | None
    cells: tuple[_Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cells = tuple(
            (
                plan.column or plan.spec.name,
                plan.spec.name if plan.spec.ref else plan.spec.target,
                plan.spec.ref is not None,
                plan.reader(),
            )
            for plan in self.fields
        )
        object.__setattr__(self, "cells", cells)

    def parse(self, number: int, row: dict[str, Any]) -> tuple[ParsedRow, list[RowError]]:
        """Convert one raw row; every problem in it is reported, not just the first."""
        values: dict[str, Any] = {}
        refs: dict[str, Any] = {}
        errors: list[RowError] = []
        if EXTRA_VALUES in row:
            errors.append(
                self._error(number, None, row[EXTRA_VALUES], "more values than header columns")
            )
        for column, target, is_ref, read in self.cells:
            try:
                value = read(row)
            except CellProblem as problem:
                errors.append(self._error(number, column, problem.value, problem.reason))
                continue
            if value is not SKIP:
                (refs if is_ref else values)[target] = value
        parsed = ParsedRow(number, values, refs)
        if self.attribute_columns or self.external_id_columns or self.account_name_column:
            self._extras(row, parsed)
        return parsed, errors

    def _extras(self, row: dict[str, Any], parsed: ParsedRow) -> None:
        for column in self.attribute_columns:
            if not is_missing(row.get(column)):
                parsed.attributes[column] = _plain(row[column])
        for source, column in self.external_id_columns.items():
            if not is_missing(row.get(column)):
                parsed.external_ids[source] = to_text(row[column])
        if self.account_name_column and not is_missing(row.get(self.account_name_column)):
            parsed.account_name = to_text(row[self.account_name_column])

    def _error(self, row: int | None, column: str | None, value: Any, reason: str) -> RowError:
        return RowError(
            self.file, row, column, _plain(value) if value is not None else None, reason
        )


def build_plan(
    file: str, spec: KindSpec, mapping: Mapping, header: tuple[str, ...]
) -> tuple[RowPlan | None, list[RowError]]:
    """Match the mapping to the file's header; report every column that cannot be found."""
    present = set(header)
    errors: list[RowError] = []
    plans: list[FieldPlan] = []
    for spec_field in spec.fields:
        plan = _field_plan(spec, spec_field, mapping, present)
        if isinstance(plan, str):
            errors.append(RowError(file, None, mapping.columns.get(spec_field.name), None, plan))
        elif plan is not None:
            plans.append(plan)
    missing = [
        c for c in mapping.attributes + list(mapping.external_ids.values()) if c not in present
    ]
    errors += [
        RowError(file, None, c, None, "column named in the mapping is not in the file")
        for c in missing
    ]
    name_column = mapping.columns.get(
        ACCOUNT_NAME, ACCOUNT_NAME if ACCOUNT_NAME in present else None
    )
    if name_column is not None and name_column not in present:
        errors.append(
            RowError(
                file, None, name_column, None, "column named in the mapping is not in the file"
            )
        )
    if errors:
        return None, errors
    attributes = tuple(mapping.attributes) or _implicit_attributes(spec, mapping, header)
    return RowPlan(
        file, spec, mapping, tuple(plans), attributes, dict(mapping.external_ids), name_column
    ), []


def _field_plan(
    spec: KindSpec, spec_field: FieldSpec, mapping: Mapping, present: set[str]
) -> FieldPlan | str | None:
    name = spec_field.name
    column = mapping.columns.get(name)
    if column is not None and column not in present:
        return f"column {column!r} (mapped to {name}) is not in the file"
    if column is None and name in present:
        column = name
    constant = mapping.constants.get(name)
    if column is None and constant is None:
        if spec_field.required:
            return f"required field {name!r} has no column in the file and no constant"
        return None
    fmt = mapping.date_formats.get(name, mapping.date_formats.get("default"))
    model_column = inspect(MODELS[spec.name]).columns.get(spec_field.target)
    nullable = model_column is None or bool(model_column.nullable)
    return FieldPlan(
        spec_field,
        column,
        constant,
        mapping.values.get(name, {}),
        converter(spec_field, fmt, _max_length(spec, spec_field)),
        nullable,
    )


def _max_length(spec: KindSpec, spec_field: FieldSpec) -> int | None:
    if spec_field.ref:
        return 128
    columns = inspect(MODELS[spec.name]).columns
    column = columns.get(spec_field.target)
    if column is not None and isinstance(column.type, String):
        return column.type.length
    return None


def _implicit_attributes(
    spec: KindSpec, mapping: Mapping, header: tuple[str, ...]
) -> tuple[str, ...]:
    """Without a mapping, unknown columns of an accounts file become custom attributes."""
    if spec.name != "accounts" or mapping.columns:
        return ()
    known = set(spec.by_name) | set(mapping.external_ids.values())
    return tuple(c for c in header if c and c not in known)


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a cell value."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
