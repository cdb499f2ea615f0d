"""Connected equipment: telemetry ingest (HTTP, MQTT), dead letters, rollups, asset health."""
