"""Telemetry tables: ingest batches, dead letters and daily rollups per asset and metric.

Readings and alarms themselves live in ``telemetry_events`` (``keepwell.record``), keyed by
their natural key ``(asset, ts, metric, alarm_code)``. Days whose raw rows were pruned keep
their natural keys, hashed, in ``telemetry_pruned_keys`` (see ``keepwell.telemetry.pruned``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class TelemetryBatch(Base):
    """One delivery of telemetry: an HTTP batch, a flush of MQTT messages or a replay.

    ``key`` is the sender's idempotency key (HTTP): a batch sent again with the same key
    is answered from this row and stored nothing.
    """

    __tablename__ = "telemetry_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    actor: Mapped[str] = mapped_column(String(255), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    items: Mapped[int] = mapped_column(Integer, default=0)
    readings: Mapped[int] = mapped_column(Integer, default=0)
    alarms: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    dead_letters: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)


class DeadLetter(Base):
    """A message or item that could not be stored, kept with the reason until replayed."""

    __tablename__ = "telemetry_dead_letters"
    __table_args__ = (Index("ix_telemetry_dead_letters_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str | None] = mapped_column(String(128), index=True)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("telemetry_batches.id"))


class TelemetryDaily(Base):
    """Readings of one metric (or the alarms, metric ``""``) of one asset on one day."""

    __tablename__ = "telemetry_daily"
    __table_args__ = (UniqueConstraint("asset_id", "day", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    metric: Mapped[str] = mapped_column(String(64))
    readings: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    alarms: Mapped[int] = mapped_column(Integer, default=0)
    critical_alarms: Mapped[int] = mapped_column(Integer, default=0)


class PrunedDay(Base):
    """A day whose raw readings and alarms left ``telemetry_events`` (retention)."""

    __tablename__ = "telemetry_pruned_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
    pruned_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class PrunedKeys(Base):
    """The natural keys one asset had on one pruned day: sorted 8-byte hashes, packed."""

    __tablename__ = "telemetry_pruned_keys"

    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)
