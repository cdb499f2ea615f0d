"""Pruned days: the natural keys that outlive the raw rows, so a late resend stays a duplicate.

When retention removes a day's rows from ``telemetry_events``, each asset's natural keys
of that day are kept as sorted 8-byte hashes (blake2b of time, metric and alarm code) in
one ``telemetry_pruned_keys`` row, and the day in ``telemetry_pruned_days``. Ingest looks
an item up there only when it falls on a pruned day, which is rare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from hashlib import blake2b

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.models import PrunedDay, PrunedKeys

Key = tuple[int, datetime, str, str]
HASH_BYTES = 8
CHUNK = 500


def key_hash(ts: datetime, metric: str, alarm_code: str) -> int:
    """The 64-bit hash of one natural key within its asset."""
    text = f"{ts.isoformat(timespec='microseconds')}\x1f{metric}\x1f{alarm_code}"
    return int.from_bytes(blake2b(text.encode(), digest_size=HASH_BYTES).digest())


def pack(hashes: Iterable[int]) -> bytes:
    """Hashes as one sorted byte string."""
    return b"".join(h.to_bytes(HASH_BYTES) for h in sorted(set(hashes)))


def unpack(blob: bytes) -> set[int]:
    """The hashes of a packed byte string."""
    if len(blob) % HASH_BYTES:
        raise ValueError(f"a packed key set has a multiple of {HASH_BYTES} bytes, not {len(blob)}")
    return {int.from_bytes(blob[i : i + HASH_BYTES]) for i in range(0, len(blob), HASH_BYTES)}


def pruned_days(session: Session, days: Iterable[date]) -> set[date]:
    """Which of ``days`` were pruned."""
    wanted = sorted(set(days))
    found: set[date] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(session.scalars(select(PrunedDay.day).where(PrunedDay.day.in_(chunk))))
    return found


def last_pruned_day(session: Session) -> date | None:
    """The latest pruned day, if any."""
    return session.scalar(select(func.max(PrunedDay.day)))


def pruned_duplicates(session: Session, keys: Sequence[Key]) -> set[Key]:
    """The keys (all on pruned days) that were stored before their day was pruned."""
    by_slot: dict[tuple[int, date], list[Key]] = defaultdict(list)
    for key in keys:
        by_slot[(key[0], key[1].date())].append(key)
    slots = list(by_slot)
    found: set[Key] = set()
    for start in range(0, len(slots), CHUNK):
        chunk = slots[start : start + CHUNK]
        query = select(PrunedKeys.asset_id, PrunedKeys.day, PrunedKeys.hashes).where(
            tuple_(PrunedKeys.asset_id, PrunedKeys.day).in_(chunk)
        )
        for asset_id, day, blob in session.execute(query):
            stored = unpack(blob)
            found.update(k for k in by_slot[(asset_id, day)] if key_hash(*k[1:]) in stored)
    return found


def prune_day(session: Session, day: date) -> int:
    """Remove the day's raw rows, keep their keys, record the day; return the rows removed.

    The rows are deleted with ``RETURNING`` and exactly those are hashed, so a row a
    concurrent writer adds meanwhile stays in ``telemetry_events`` for the next prune.
    Runs in the caller's transaction.
    """
    e = TelemetryEvent
    start = datetime.combine(day, time())
    removed = session.execute(
        delete(e)
        .where(e.ts >= start, e.ts < start + timedelta(days=1))
        .returning(e.asset_id, e.ts, e.metric, e.alarm_code)
    ).all()
    by_asset: dict[int, set[int]] = defaultdict(set)
    for asset_id, ts, metric, alarm_code in removed:
        by_asset[asset_id].add(key_hash(ts, metric, alarm_code))
    for asset_id, hashes in by_asset.items():
        _merge_keys(session, asset_id, day, hashes)
    _record_day(session, day, len(removed))
    return len(removed)


def days_with_rows_again(session: Session) -> list[date]:
    """Pruned days that hold raw rows again (late readings replayed with ``--allow-late``)."""
    last = last_pruned_day(session)
    if last is None:
        return []
    boundary = datetime.combine(last + timedelta(days=1), time())
    times = session.scalars(select(TelemetryEvent.ts).where(TelemetryEvent.ts < boundary))
    return sorted(pruned_days(session, {ts.date() for ts in times}))


def _merge_keys(session: Session, asset_id: int, day: date, hashes: set[int]) -> None:
    row = session.get(PrunedKeys, (asset_id, day))
    if row is None:
        session.add(PrunedKeys(asset_id=asset_id, day=day, hashes=pack(hashes)))
    else:
        row.hashes = pack(unpack(row.hashes) | hashes)
    session.flush()


def _record_day(session: Session, day: date, events: int) -> None:
    row = session.get(PrunedDay, day)
    if row is None:
        session.add(PrunedDay(day=day, events=events))
    else:
        row.events += events
    session.flush()
