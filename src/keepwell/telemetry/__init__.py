"""Connected equipment: telemetry ingest (HTTP, MQTT), dead letters, rollups, asset health."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "deadletters",
    "health",
    "ingest",
    "models",
    "mqtt",
    "parse",
    "rawstore",
    "rollups",
    "service",
]
