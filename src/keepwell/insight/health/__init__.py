"""The health score: transparent, configurable components over point-in-time features."""

from keepwell.insight.health.config import (
    Component,
    HealthConfig,
    HealthConfigError,
    load_health_config,
)
from keepwell.insight.health.score import ComponentScore, HealthScore, band, health_score

__all__ = [
    "Component",
    "ComponentScore",
    "HealthConfig",
    "HealthConfigError",
    "HealthScore",
    "band",
    "health_score",
    "load_health_config",
]
