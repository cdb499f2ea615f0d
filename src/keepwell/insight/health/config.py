"""The health-score configuration: components, thresholds, weights, bands, segments."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from keepwell.errors import Invalid


class HealthConfigError(Invalid):
    """The health-score configuration is invalid."""


class Component(BaseModel):
    """One part of the health score: a metric scored between ``bad`` (0) and ``good`` (100)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    metric: str
    good: float
    bad: float
    weight: float = Field(gt=0)

    @model_validator(mode="after")
    def _distinct_thresholds(self) -> Component:
        if self.good == self.bad:
            raise ValueError(f"component {self.name!r}: good and bad thresholds must differ")
        return self


class Bands(BaseModel):
    """Score thresholds of the healthy and watch bands (below watch: at risk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    healthy: float = 70
    watch: float = 40


class HealthConfig(BaseModel):
    """The whole configuration; ``segments`` maps a segment to its own component weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bands: Bands = Bands()
    components: list[Component] = Field(min_length=1)
    segments: dict[str, dict[str, float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _segment_weights_name_components(self) -> HealthConfig:
        names = {c.name for c in self.components}
        for segment, weights in self.segments.items():
            unknown = set(weights) - names
            if unknown:
                raise ValueError(
                    f"segment {segment!r} weights unknown components {sorted(unknown)}"
                )
        return self

    def components_for(self, segment: str | None) -> list[Component]:
        """The components with the segment's weights applied."""
        weights = self.segments.get(segment or "", {})
        return [
            c.model_copy(update={"weight": weights[c.name]}) if c.name in weights else c
            for c in self.components
        ]


def default_config_text() -> str:
    """The shipped configuration file's text."""
    return resources.files("keepwell.insight.health").joinpath("health.yaml").read_text()


def load_health_config(path: Path | None = None) -> HealthConfig:
    """Read a configuration file (the shipped default without ``path``)."""
    text = default_config_text() if path is None else _read(path)
    try:
        return HealthConfig.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise HealthConfigError(f"{path or 'health.yaml'}: {exc}") from exc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HealthConfigError(f"{path}: cannot read: {exc.strerror}") from exc
