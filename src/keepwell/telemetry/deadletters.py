"""The dead-letter store: what could not be stored, why, and replaying it later."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.days import utcnow
from keepwell.telemetry.models import DeadLetter, TelemetryBatch
from keepwell.telemetry.parse import Item, Rejection, decode_payload
from keepwell.telemetry.store import split_known, store_items

REASONS = ("unknown_asset", "bad_timestamp", "bad_value", "oversize", "malformed", "late")
REPLAY_CHUNK = 500


@dataclass
class ReplayResult:
    """What a replay did with the pending dead letters."""

    replayed: int = 0
    still_pending: int = 0
    readings: int = 0
    alarms: int = 0
    duplicates: int = 0


def list_dead_letters(
    session: Session,
    *,
    status: str | None = "pending",
    reason: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DeadLetter]:
    """Dead letters, newest first, optionally of one status and reason."""
    query = select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit).offset(offset)
    if status:
        query = query.where(DeadLetter.status == status)
    if reason:
        query = query.where(DeadLetter.reason == reason)
    return list(session.scalars(query))


def count_dead_letters(session: Session, status: str | None = "pending") -> dict[str, int]:
    """Dead letters by reason."""
    query = select(DeadLetter.reason, func.count()).group_by(DeadLetter.reason)
    if status:
        query = query.where(DeadLetter.status == status)
    return {str(row[0]): int(row[1]) for row in session.execute(query).all()}


def replay_dead_letters(
    session: Session,
    *,
    reason: str | None = None,
    actor: str = "",
    max_item_bytes: int = 65536,
    allow_late: bool = False,
) -> ReplayResult:
    """Try every pending dead letter again (e.g. after its asset was registered) and commit.

    A dead letter whose payload now stores completely is marked ``replayed``; one still
    failing stays pending with its current reason. Items on pruned days are stored only
    with ``allow_late`` (still never twice: the pruned days' keys are checked).
    """
    result = ReplayResult()
    last_id = 0
    batch = TelemetryBatch(channel="replay", actor=actor)
    session.add(batch)
    session.flush()
    while letters := _pending_after(session, last_id, reason):
        for letter in letters:
            _replay_one(session, letter, result, max_item_bytes, batch.id, allow_late)
        last_id = letters[-1].id
        session.flush()
    batch.items = result.replayed + result.still_pending
    batch.readings, batch.alarms = result.readings, result.alarms
    batch.duplicates, batch.dead_letters = result.duplicates, result.still_pending
    session.commit()
    return result


def _pending_after(session: Session, last_id: int, reason: str | None) -> list[DeadLetter]:
    query = (
        select(DeadLetter)
        .where(DeadLetter.status == "pending", DeadLetter.id > last_id)
        .order_by(DeadLetter.id)
        .limit(REPLAY_CHUNK)
    )
    if reason:
        query = query.where(DeadLetter.reason == reason)
    return list(session.scalars(query))


def _replay_one(
    session: Session,
    letter: DeadLetter,
    result: ReplayResult,
    limit: int,
    batch_id: int,
    allow_late: bool,
) -> None:
    if letter.reason == "oversize":
        result.still_pending += 1
        return
    items: list[Item | Rejection] = decode_payload(letter.payload.encode(), limit)
    known, rejected = split_known(session, items)
    stored = store_items(session, known, "replay", allow_late=allow_late)
    rejected.extend(stored.late)
    result.readings += stored.readings
    result.alarms += stored.alarms
    result.duplicates += stored.duplicates
    if rejected:
        letter.reason, letter.detail = rejected[0].reason, rejected[0].detail[:500]
        result.still_pending += 1
        return
    letter.status, letter.replayed_at, letter.batch_id = (
        "replayed",
        utcnow(),
        batch_id,
    )
    result.replayed += 1
