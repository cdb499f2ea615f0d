"""Service functions the CLI, the API and the pages share: assets and ingest statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.record.models import Account, Asset, TelemetryEvent
from keepwell.telemetry.models import DeadLetter, TelemetryBatch


@dataclass(frozen=True)
class AssetRow:
    """An installed asset and the account it belongs to."""

    id: int
    serial: str
    model: str | None
    product_line: str | None
    account_id: int
    account: str
    installed_at: date | None
    warranty_end: date | None
    service_contract_end: date | None
    status: str

    def as_dict(self) -> dict[str, Any]:
        """The row as plain data."""
        return asdict(self)


def list_assets(
    session: Session, *, account_id: int | None = None, limit: int | None = None
) -> list[AssetRow]:
    """Assets by serial number, with their account."""
    query = (
        select(Asset, Account.name)
        .join(Account, Account.id == Asset.account_id)
        .order_by(Asset.serial)
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(Asset.account_id == account_id)
    return [
        AssetRow(
            id=a.id,
            serial=a.serial,
            model=a.model,
            product_line=a.product_line,
            account_id=a.account_id,
            account=name,
            installed_at=a.installed_at,
            warranty_end=a.warranty_end,
            service_contract_end=a.service_contract_end,
            status=a.status,
        )
        for a, name in session.execute(query).all()
    ]


@dataclass(frozen=True)
class TelemetryStats:
    """Totals of the telemetry store and of the deliveries that fed it."""

    readings: int
    alarms: int
    batches: int
    duplicates: int
    repeated_batches: int
    dead_letters: int
    dead_letters_replayed: int

    def as_dict(self) -> dict[str, int]:
        """The statistics as plain data."""
        return asdict(self)


def telemetry_stats(session: Session) -> TelemetryStats:
    """Readings and alarms stored, batches, duplicates left out, dead letters pending.

    ``duplicates`` counts items not stored again: those already stored (natural key) and
    every item of a batch sent again with a known idempotency key.
    """
    events = session.execute(
        select(
            func.count().filter(TelemetryEvent.alarm_code == ""),
            func.count().filter(TelemetryEvent.alarm_code != ""),
        )
    ).one()
    batches = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(TelemetryBatch.duplicates), 0),
            func.coalesce(func.sum(TelemetryBatch.retries), 0),
            func.coalesce(func.sum(TelemetryBatch.retries * TelemetryBatch.items), 0),
        ).where(TelemetryBatch.channel != "replay")
    ).one()
    letters = dict(
        session.execute(select(DeadLetter.status, func.count()).group_by(DeadLetter.status)).all()
    )
    return TelemetryStats(
        readings=events[0],
        alarms=events[1],
        batches=batches[0],
        duplicates=int(batches[1]) + int(batches[3]),
        repeated_batches=int(batches[2]),
        dead_letters=letters.get("pending", 0),
        dead_letters_replayed=letters.get("replayed", 0),
    )
