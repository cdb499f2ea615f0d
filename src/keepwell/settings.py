"""One typed settings object for the whole application (environment prefix ``KEEPWELL_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_LOST_REASONS: dict[str, str] = {
    "price": "Price",
    "quality": "Quality problems",
    "service": "Service and support",
    "delivery": "Delivery and lead times",
    "competitor": "Went to a competitor",
    "relationship": "Lost the relationship",
    "no_longer_needed": "No longer needs what we sell",
    "closed": "Closed, merged or acquired",
    "other": "Other",
}
"""Why customers are lost, by key: the taxonomy a lost account's reason is chosen from."""


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
    login_account_max_failures: int = Field(default=20, ge=1)
    """Failed sign-ins per email from any address before that account is locked."""
    login_address_max_failures: int = Field(default=50, ge=1)
    """Failed sign-ins from one address for any emails before that address is locked."""
    login_window_minutes: int = Field(default=15, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    plan_link_max_requests: int = Field(default=60, ge=1)
    """Requests to one shared plan link within ``plan_link_window_minutes`` (then 429)."""
    plan_link_address_max_requests: int = Field(default=120, ge=1)
    """Requests to shared plan links from one address within the window (then 429)."""
    plan_link_window_minutes: int = Field(default=10, ge=1)
    survey_throttle_days: int = Field(default=30, ge=0)
    """No contact is asked for a survey more than once within this many days."""
    survey_relationship_days: int = Field(default=180, ge=1)
    """The relationship NPS is asked of each active contact at most once in this many days."""
    company_name: str = ""
    """The company's name as customers know it, used in survey e-mails (empty: "us")."""
    survey_link_days: int = Field(default=30, ge=1, le=365)
    """How long a survey answer link works."""
    trusted_proxies: str = ""
    """Comma-separated addresses or networks of reverse proxies whose ``X-Forwarded-For``
    and ``X-Forwarded-Proto`` are believed; empty: the headers are ignored."""
    import_max_rows: int = Field(default=2_000_000, ge=1)
    """Most data rows one imported file may hold; a larger file is refused."""
    import_max_expanded_mib: int = Field(default=1024, ge=1)
    """Most MiB one imported file may unpack to (an .xlsx is a zip archive)."""
    database_busy_seconds: float = Field(default=120.0, gt=0)
    """SQLite: how long a write waits for another one (such as an import) to finish."""
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

    embedding_model: Path | None = None
    """A sentence-transformers model directory of your own for problem detection
    (needs the ``embeddings`` extra); the bundled multilingual model otherwise."""
    playbooks_dir: Path | None = None
    """The company's playbook rules (default: ``<data_dir>/playbooks``)."""
    mappings_dir: Path | None = None
    """Import mappings saved from the column mapper (default: ``<data_dir>/mappings``)."""
    run_every_minutes: int = Field(default=0, ge=0)
    """``keepwell serve`` runs scoring and playbooks this often in-process (0: never)."""
    web_slots: int = Field(default=2, ge=1, le=15)
    """Requests one web server process works on at once; the rest wait their turn
    (at most the database connection pool's 15)."""
    currency: str = Field(default="EUR", pattern="^[A-Z]{3}$")
    """The company's currency (ISO 4217 code): every amount is shown with it."""
    public_url: str = "http://127.0.0.1:8000"
    """Where people open Keepwell; used for links in notifications."""
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "keepwell@localhost"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    webhooks: dict[str, str] = Field(default_factory=dict)
    """Webhook URLs by name, as JSON: ``{"default": "https://hooks.slack.com/..."}``."""
    webhook_formats: dict[str, str] = Field(default_factory=dict)
    """Body format by webhook name: ``slack`` (default) or ``teams``."""
    webhook_secret: SecretStr | None = None
    """Key of the ``X-Keepwell-Signature`` HMAC-SHA256 header on webhook requests."""
    lost_reasons: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_LOST_REASONS))
    """Why customers are lost, as JSON ``{"key": "Label"}``; a lost account takes one key."""
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    notify_backoff_seconds: float = Field(default=60.0, ge=0)
    """Wait before the first retry; doubled for each further one."""

    def resolved_playbooks_dir(self) -> Path:
        """The folder of the company's own playbook rules."""
        return self.playbooks_dir or self.data_dir / "playbooks"

    def resolved_mappings_dir(self) -> Path:
        """The folder of the saved import mappings, one sub-folder per kind."""
        return self.mappings_dir or self.data_dir / "mappings"

    def resolved_database_url(self) -> str:
        """The configured database URL, or an SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'keepwell.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached)."""
    return Settings()
