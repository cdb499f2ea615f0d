"""The column mapper's model: a file's columns with samples, and the choices made for them.

The web page reads a file's first rows (``read_columns``), starts from a saved mapping or
from suggestions (``suggested_choices``), lets a person correct the choices and turns them
into an ordinary ``Mapping`` (``build_mapping``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from itertools import islice
from pathlib import Path

from keepwell.intake.errors import MappingError
from keepwell.intake.fields import KindSpec
from keepwell.intake.limits import ReadLimits
from keepwell.intake.mapping import Mapping
from keepwell.intake.readers import open_source
from keepwell.intake.saved import check_source
from keepwell.intake.suggest import (
    date_formats,
    distinct_values,
    suggest_fields,
    suggest_translation,
    texts,
    translation_targets,
)

SAMPLE_ROWS = 200
SHOWN_SAMPLES = 3
ATTRIBUTE = "@attribute"
"""The choice that keeps an accounts column as a custom attribute."""


@dataclass(frozen=True)
class Column:
    """One column of the file: a few sample values, its distinct values (if few) and the
    date formats all its samples parse with."""

    name: str
    samples: list[str]
    values: list[str] | None
    formats: list[tuple[str, str]]


@dataclass
class Choice:
    """What a person chose for one column."""

    field: str | None = None
    date_format: str = ""
    translations: dict[str, str] = default(default_factory=dict)
    reason: str = default(default="", compare=False)
    """Why the field was suggested: ``name``, ``values``, ``saved`` or nothing."""


def read_columns(path: Path, limits: ReadLimits | None = None) -> list[Column]:
    """The file's columns with their samples from its first ``SAMPLE_ROWS`` rows."""
    source = open_source(path, limits)
    values: dict[str, list[object]] = {name: [] for name in source.columns}
    for _number, row in islice(source.rows(), SAMPLE_ROWS):
        for name in source.columns:
            values[name].append(row.get(name))
    return [
        Column(name, texts(found)[:SHOWN_SAMPLES], distinct_values(found), date_formats(found))
        for name, found in values.items()
    ]


def suggested_choices(spec: KindSpec, columns: list[Column]) -> dict[str, Choice]:
    """The suggested field, date format and value translations for every column."""
    samples: dict[str, list[object]] = {c.name: list(c.values or c.samples) for c in columns}
    suggested = {s.column: s for s in suggest_fields(spec, samples)}
    choices = {}
    for column in columns:
        name, reason = suggested[column.name].field, suggested[column.name].reason
        choice = Choice(name, column.formats[0][0] if column.formats else "", reason=reason)
        if name is not None and column.values:
            targets = translation_targets(spec.by_name[name])
            for value in column.values:
                meant = suggest_translation(value, targets)
                if meant is not None and meant != value:
                    choice.translations[value] = meant
        choices[column.name] = choice
    return choices


def choices_from_mapping(mapping: Mapping, columns: list[Column]) -> dict[str, Choice]:
    """The choices a saved mapping makes for the file's columns."""
    field_of = {column: name for name, column in mapping.columns.items()}
    choices = {}
    for column in columns:
        name = field_of.get(column.name)
        if name is None and column.name in mapping.attributes:
            name = ATTRIBUTE
        fmt = ""
        if name is not None:
            fmt = mapping.date_formats.get(name, mapping.date_formats.get("default", ""))
        translations = {str(k): str(v) for k, v in mapping.values.get(name or "", {}).items()}
        choices[column.name] = Choice(name, fmt, translations, "saved" if name else "")
    return choices


def build_mapping(
    spec: KindSpec, source: str, choices: dict[str, Choice], base: Mapping | None = None
) -> Mapping:
    """The mapping the choices make (keeping ``base``'s constants and references);
    ``MappingError`` naming the problem (a field chosen twice, a bad source name)."""
    columns: dict[str, str] = {}
    formats: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    attributes: list[str] = []
    for column, choice in choices.items():
        if choice.field is None:
            continue
        if choice.field == ATTRIBUTE:
            attributes.append(column)
            continue
        if choice.field in columns:
            raise MappingError(
                f"the columns {columns[choice.field]!r} and {column!r} are both mapped to "
                f"{choice.field.replace('_', ' ')}; choose one"
            )
        columns[choice.field] = column
        target = spec.by_name.get(choice.field)
        if target is not None and target.type in ("date", "datetime") and choice.date_format:
            formats[choice.field] = choice.date_format
        kept = {value: meant for value, meant in choice.translations.items() if meant}
        if kept:
            values[choice.field] = kept
    mapping = Mapping(
        source=check_source(source),
        kind=spec.name,
        columns=columns,
        date_formats=formats,
        values=values,
        constants=base.constants if base else {},
        references=base.references if base else {},
        attributes=attributes,
        external_ids=base.external_ids if base else {},
    )
    mapping.check_against(spec)
    return mapping
