"""Mapping files: how one source system's export becomes Keepwell records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from keepwell.intake.errors import MappingError
from keepwell.intake.fields import KindSpec

ACCOUNT_NAME = "account_name"
"""Pseudo-field naming the account created by ``--create-missing-accounts``."""


class Mapping(BaseModel):
    """A parsed mapping file (see docs/mapping.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(default="file", min_length=1, max_length=64)
    kind: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    date_formats: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    constants: dict[str, Any] = Field(default_factory=dict)
    references: dict[str, str] = Field(default_factory=dict)
    attributes: list[str] = Field(default_factory=list)
    external_ids: dict[str, str] = Field(default_factory=dict)

    def check_against(self, spec: KindSpec) -> None:
        """Raise ``MappingError`` if the mapping names fields ``spec`` does not have."""
        allowed = set(spec.by_name)
        if spec.belongs_to_account:
            allowed.add(ACCOUNT_NAME)
        problems: list[str] = []
        if self.kind is not None and self.kind != spec.name:
            problems.append(f"mapping is for kind {self.kind!r}, not {spec.name!r}")
        for section in ("columns", "date_formats", "values", "constants"):
            for name in getattr(self, section):
                is_default_format = section == "date_formats" and name == "default"
                if not is_default_format and name not in allowed:
                    problems.append(f"{section}: unknown field {name!r} for {spec.name}")
        refs = {f.name for f in spec.fields if f.ref}
        problems += [
            f"references: {n!r} is not a reference" for n in self.references if n not in refs
        ]
        if spec.name != "accounts" and (self.attributes or self.external_ids):
            problems.append("attributes and external_ids apply to accounts only")
        if problems:
            raise MappingError("; ".join(problems))


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; errors name the file and the offending key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read mapping file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping file must be a YAML mapping of sections")
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise MappingError(f"{path}: {details}") from exc
