"""A notice: one line for a person's (or a webhook's) digest, from whatever raised it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Notice"]


@dataclass(frozen=True)
class Notice:
    """One line for a person's (or a webhook's) digest of this run."""

    channel: str
    recipient: str
    line: str
    account_id: int | None = None
    rule: str | None = None
