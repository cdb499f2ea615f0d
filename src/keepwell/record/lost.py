"""Why we lose customers: lost accounts counted by their reason from the taxonomy.

The taxonomy is ``Settings.lost_reasons`` (``KEEPWELL_LOST_REASONS``, JSON ``{"key": "Label"}``;
the default list is ``keepwell.settings.DEFAULT_LOST_REASONS``). A lost account without a
reason, or with a key no longer in the taxonomy, counts as "Not given".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.record.models import Account

NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class LostReason:
    """One reason and how many lost accounts give it."""

    key: str | None
    label: str
    accounts: int


def lost_reason_counts(session: Session, reasons: Mapping[str, str]) -> list[LostReason]:
    """Lost accounts per reason, most frequent first; every taxonomy reason is listed."""
    query = (
        select(Account.lost_reason_code, func.count(Account.id))
        .where(Account.status == "lost")
        .group_by(Account.lost_reason_code)
    )
    counts: dict[str | None, int] = dict.fromkeys(reasons, 0)
    for code, n in session.execute(query):
        key = code if code in reasons else None
        counts[key] = counts.get(key, 0) + int(n)
    rows = [LostReason(k, reasons[k] if k else NOT_GIVEN, n) for k, n in counts.items()]
    return sorted(rows, key=lambda r: (-r.accounts, r.key is None, r.label))
