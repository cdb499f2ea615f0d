"""A small in-process cache for page parts that are costly to read and change rarely.

Keys name the database (its URL) and what the value depends on (a scoring run's id, the
filters); entries expire after ``ttl`` seconds, so a change reaches the pages within it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_ENTRIES = 256


class TtlCache:
    """Values by key for ``ttl`` seconds, at most MAX_ENTRIES of them (oldest dropped)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key``, or ``compute()`` stored under it."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                value: T = entry[1]
                return value
        value = compute()
        with self._lock:
            self._entries[key] = (now + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def database_key(session: Session) -> str:
    """The session's database, as part of a cache key."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


page_parts = TtlCache(ttl=60.0)
"""Filter choices, score trends and movers of the portfolio."""
