"""Ingesting one delivery: idempotency key, natural-key de-duplication, dead letters.

Everything a delivery brings is either stored, recognised as a duplicate, or kept as a
dead letter with its reason, in one transaction: nothing is silently dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from keepwell.telemetry.models import DeadLetter, TelemetryBatch
from keepwell.telemetry.parse import Item, Rejection
from keepwell.telemetry.store import split_known, store_items

MAX_KEY = 200


@dataclass
class IngestResult:
    """What one delivery did; ``repeated`` when its idempotency key was seen before."""

    batch_id: int
    items: int
    readings: int
    alarms: int
    duplicates: int
    dead_letters: int
    repeated: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data."""
        return asdict(self)


class BadKey(ValueError):
    """The idempotency key is empty or too long."""


def ingest(
    session: Session,
    items: Sequence[Item | Rejection],
    *,
    channel: str,
    key: str | None = None,
    actor: str = "",
) -> IngestResult:
    """Store a delivery and commit; a known ``key`` returns the first delivery's result."""
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise BadKey(f"the idempotency key must have 1 to {MAX_KEY} characters")
    if key is not None and (seen := _seen(session, key)) is not None:
        return seen
    try:
        with settled_heap():
            result = _store(session, items, channel=channel, key=key, actor=actor)
        session.commit()
    except IntegrityError:
        session.rollback()
        seen = _seen(session, key) if key is not None else None
        if seen is None:
            raise
        return seen
    return result


@contextmanager
def settled_heap() -> Iterator[None]:
    """Keep the long-lived objects out of the collections a large batch sets off."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _store(
    session: Session,
    items: Sequence[Item | Rejection],
    *,
    channel: str,
    key: str | None,
    actor: str,
) -> IngestResult:
    batch = TelemetryBatch(channel=channel, key=key, actor=actor, items=len(items))
    session.add(batch)
    session.flush()
    known, rejected = split_known(session, items)
    stored = store_items(session, known, channel)
    rejected.extend(stored.late)
    keep_dead_letters(session, rejected, channel, batch.id)
    batch.readings, batch.alarms = stored.readings, stored.alarms
    batch.duplicates, batch.dead_letters = stored.duplicates, len(rejected)
    return _result(batch)


def keep_dead_letters(
    session: Session, rejected: Sequence[Rejection], channel: str, batch_id: int | None
) -> None:
    """Keep every rejection as a pending dead letter."""
    if not rejected:
        return
    session.execute(
        insert(DeadLetter),
        [
            {
                "channel": channel,
                "reason": r.reason,
                "detail": r.detail[:500],
                "serial": (r.serial or None) and r.serial[:128],
                "payload": r.payload,
                "status": "pending",
                "batch_id": batch_id,
            }
            for r in rejected
        ],
    )


def _seen(session: Session, key: str) -> IngestResult | None:
    batch = session.scalars(select(TelemetryBatch).where(TelemetryBatch.key == key)).first()
    if batch is None:
        return None
    batch.retries += 1
    session.commit()
    return _result(batch, repeated=True)


def _result(batch: TelemetryBatch, repeated: bool = False) -> IngestResult:
    return IngestResult(
        batch_id=batch.id,
        items=batch.items,
        readings=batch.readings,
        alarms=batch.alarms,
        duplicates=batch.duplicates,
        dead_letters=batch.dead_letters,
        repeated=repeated,
    )
