"""Saved mappings: the mapping of each source, kept for its next import.

A saved mapping is an ordinary mapping file (docs/mapping.md), stored as
``<mappings dir>/<kind>/<source>.yaml``. The next file of the same kind whose columns
include every column a saved mapping names is mapped with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from keepwell.intake.errors import MappingError
from keepwell.intake.fields import kind_spec
from keepwell.intake.mapping import Mapping, load_mapping

SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_source(source: str) -> str:
    """The source name, stripped; ``MappingError`` unless it is a short plain name."""
    name = source.strip()
    if not SOURCE_NAME.match(name):
        raise MappingError(
            f"the source name {name!r} must start with a letter or digit and hold only "
            "letters, digits, '.', '_' and '-' (at most 64)"
        )
    return name


def source_name(filename: str) -> str:
    """A source name made from a file's name (``CRM Export.csv`` -> ``CRM-Export``)."""
    stem = Path(filename).name.rsplit(".", 1)[0]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    return cleaned[:64] or "file"


def mapping_yaml(mapping: Mapping) -> str:
    """The mapping as a mapping file's text (sections left out when empty)."""
    data: dict[str, Any] = {"source": mapping.source}
    data.update(mapping.model_dump(exclude_defaults=True, exclude={"source"}))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def save_mapping(folder: Path, kind: str, mapping: Mapping) -> Path:
    """Store ``mapping`` as the saved mapping of its source for ``kind``; the file's path."""
    kind_spec(kind)
    source = check_source(mapping.source)
    target = folder / kind / f"{source}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = mapping_yaml(mapping.model_copy(update={"kind": kind}))
    temporary = target.with_suffix(".yaml.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
    return target


def saved_mappings(folder: Path, kind: str) -> list[Mapping]:
    """The readable saved mappings for ``kind``, by source name."""
    directory = folder / kind
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            found.append(load_mapping(path))
        except MappingError:
            continue
    return found


def used_columns(mapping: Mapping) -> set[str]:
    """Every source column the mapping reads."""
    return {*mapping.columns.values(), *mapping.attributes, *mapping.external_ids.values()}


def match_saved(folder: Path, kind: str, columns: tuple[str, ...]) -> Mapping | None:
    """The saved mapping whose columns are all in ``columns`` and that reads most of them."""
    present = set(columns)
    fitting = [
        m for m in saved_mappings(folder, kind) if used_columns(m) and used_columns(m) <= present
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda m: len(used_columns(m)))
