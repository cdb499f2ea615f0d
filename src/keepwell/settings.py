"""One typed settings object for the whole application (environment prefix ``KEEPWELL_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user data directory used when nothing else is configured."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "keepwell"


class Settings(BaseSettings):
    """Runtime configuration, read from the environment and an optional ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="KEEPWELL_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    environment: str = "development"
    cookie_secure: bool = True
    """Send the session cookie over HTTPS only; set false for plain-HTTP local use."""
    session_hours: float = Field(default=12.0, gt=0)
    """How long a browser session lasts after signing in."""
    login_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins per email and address, within ``login_window_minutes``, before lockout."""
    login_window_minutes: int = Field(default=15, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    telemetry_dir: Path | None = None
    """Where the raw telemetry Parquet store lives (default: ``<data_dir>/telemetry``)."""
    telemetry_retention_days: int = Field(default=730, ge=1)
    """Raw readings older than this are removed from the raw store; rollups stay."""
    telemetry_max_item_bytes: int = Field(default=65536, ge=256)
    """Largest single telemetry item or MQTT message; larger ones become dead letters."""
    telemetry_max_batch_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    """Largest HTTP telemetry batch; larger requests are refused with 413."""

    def resolved_telemetry_dir(self) -> Path:
        """The raw telemetry store's directory."""
        return self.telemetry_dir or self.data_dir / "telemetry"

    def resolved_database_url(self) -> str:
        """The configured database URL, or an SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'keepwell.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached)."""
    return Settings()
