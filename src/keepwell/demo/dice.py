"""Seeded randomness and calendar helpers shared by every part of the demo generator.

Every random stream is derived from the demo seed and a stable name (and index), so the
generated company is identical for a given seed whatever order the parts run in.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def _stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Dice:
    """A seeded random stream with typed helpers returning plain Python values."""

    def __init__(self, seed: int, name: str, *index: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng([seed, _stream_key(name), *index])

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)

    def uniform(self, low: float, high: float) -> float:
        """A float in [low, high)."""
        return float(self.rng.uniform(low, high))

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high] (both included)."""
        return int(self.rng.integers(low, high + 1))

    def normal(self, mean: float, sd: float) -> float:
        """A normally distributed float."""
        return float(self.rng.normal(mean, sd))

    def lognormal(self, median: float, sigma: float) -> float:
        """A log-normal float with the given median."""
        return float(median * np.exp(self.rng.normal(0.0, sigma)))

    def exponential(self, mean: float) -> float:
        """An exponentially distributed float."""
        return float(self.rng.exponential(mean))

    def poisson(self, lam: float) -> int:
        """A Poisson count."""
        return int(self.rng.poisson(max(lam, 0.0)))

    def pick(self, items: Sequence[T]) -> T:
        """One element, uniformly."""
        return items[int(self.rng.integers(len(items)))]

    def weighted(self, items: Sequence[T], weights: Sequence[float]) -> T:
        """One element, with probability proportional to its weight."""
        p = np.asarray(weights, dtype=float)
        return items[int(self.rng.choice(len(items), p=p / p.sum()))]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct elements (all of them if there are fewer), in random order."""
        k = min(k, len(items))
        return [items[int(i)] for i in self.rng.choice(len(items), size=k, replace=False)]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A shuffled copy."""
        return self.sample(items, len(items))

    def token(self, alphabet: str, length: int) -> str:
        """A random string over ``alphabet``."""
        return "".join(alphabet[int(i)] for i in self.rng.integers(len(alphabet), size=length))


@dataclass(frozen=True)
class Period:
    """The three years of history the demo covers, ending at ``as_of``."""

    start: date
    as_of: date

    @classmethod
    def ending(cls, as_of: date, years: int = 3) -> Period:
        """The period of ``years`` years up to ``as_of``."""
        return cls(as_of - timedelta(days=365 * years + years // 4), as_of)

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.as_of - self.start).days

    def day(self, offset: float) -> date:
        """The day ``offset`` days after the start."""
        return self.start + timedelta(days=int(offset))

    def fraction(self, day: date) -> float:
        """Where ``day`` falls in the period (0 at the start, 1 at ``as_of``)."""
        return (day - self.start).days / self.days


def plus(day: date, days: float) -> date:
    """``day`` moved by a (possibly fractional, possibly negative) number of days."""
    return day + timedelta(days=round(days))


def workday(day: date) -> date:
    """``day``, or the Monday after it if it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def office_time(dice: Dice, day: date) -> datetime:
    """A moment during office hours on the working day on or after ``day``."""
    minutes = dice.integer(7 * 60 + 30, 17 * 60 + 30)
    return datetime.combine(workday(day), time(minutes // 60, minutes % 60))


def later(moment: datetime, hours: float) -> datetime:
    """``moment`` plus ``hours``, to the minute."""
    return moment + timedelta(minutes=round(hours * 60))
