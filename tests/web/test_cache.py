"""The in-process cache of page parts: values by key until they expire, bounded in size."""

from __future__ import annotations

from keepwell.web.cache import MAX_ENTRIES, TtlCache


def test_values_are_kept_until_they_expire() -> None:
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    kept = TtlCache(ttl=3600)
    assert kept.get("a", lambda: compute("first")) == "first"
    assert kept.get("a", lambda: compute("second")) == "first"
    assert kept.get("b", lambda: compute("other")) == "other"
    kept.clear()
    assert kept.get("a", lambda: compute("third")) == "third"
    expired = TtlCache(ttl=0)
    assert expired.get("a", lambda: compute("x")) == "x"
    assert expired.get("a", lambda: compute("y")) == "y"
    assert calls == ["first", "other", "third", "x", "y"]


def test_the_oldest_entries_go_first() -> None:
    cache = TtlCache(ttl=3600)
    for key in range(MAX_ENTRIES + 1):
        cache.get(key, lambda key=key: key)
    assert cache.get(0, lambda: "again") == "again"
    assert cache.get(MAX_ENTRIES, lambda: "again") == MAX_ENTRIES
