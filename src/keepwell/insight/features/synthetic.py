"""A synthetic snapshot made directly with NumPy, for benchmarks and engine-parity tests.

Events (orders, tickets and interactions) are spread over accounts with a skew, so that
a few accounts are busy and many are quiet; smaller side tables (contacts, team, quotes,
surveys, assets and telemetry) scale with the number of accounts.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

START = date(2020, 1, 1)
END = date(2025, 1, 1)
EPOCH = date(1970, 1, 1)
US_PER_DAY = 86_400_000_000

Ints = npt.NDArray[np.int64]


class _Dice:
    """Vectorised random columns over the synthetic period."""

    def __init__(self, seed: int, accounts: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.accounts = accounts
        self.first = (START - EPOCH).days
        self.days = (END - START).days

    def accounts_for(self, n: int) -> Ints:
        """Account ids 1..accounts, skewed towards the low ids."""
        skewed = self.rng.power(0.5, n) * self.accounts
        return np.minimum(skewed.astype(np.int64), self.accounts - 1) + 1

    def days_for(self, n: int) -> Ints:
        return self.first + self.rng.integers(0, self.days, n)

    def date(self, days: Ints, missing: float = 0.0) -> pa.Array:
        mask = self.rng.random(len(days)) < missing if missing else None
        return pa.array(days.astype(np.int32), pa.date32(), mask=mask)

    def time(self, days: Ints, missing: float = 0.0) -> pa.Array:
        seconds = self.rng.integers(0, 86_400, len(days))
        micros = days * US_PER_DAY + seconds * 1_000_000
        mask = self.rng.random(len(days)) < missing if missing else None
        return pa.array(micros, pa.timestamp("us"), mask=mask)

    def pick(self, choices: tuple[str, ...], n: int) -> pa.Array:
        return pa.array(np.asarray(choices, dtype=object)[self.rng.integers(0, len(choices), n)])


def synthetic_tables(accounts: int, events: int, seed: int = 0) -> dict[str, pa.Table]:
    """Snapshot tables with ``accounts`` accounts and about ``events`` events."""
    dice = _Dice(seed, accounts)
    n_orders, n_tickets = int(events * 0.4), int(events * 0.15)
    return {
        "accounts": _accounts(dice),
        "orders": _orders(dice, n_orders),
        "tickets": _tickets(dice, n_tickets),
        "interactions": _interactions(dice, events - n_orders - n_tickets),
        "quotes": _quotes(dice, accounts * 2),
        "survey_responses": _surveys(dice, accounts),
        "contacts": _contacts(dice, accounts * 3),
        "employees": _employees(dice, max(5, accounts // 20)),
        "account_team_members": _team(dice, accounts * 2, max(5, accounts // 20)),
        "assets": _assets(dice),
        "telemetry_events": _telemetry(dice, accounts * 5),
    }


def _ids(n: int) -> pa.Array:
    return pa.array(np.arange(1, n + 1, dtype=np.int64))


def _accounts(dice: _Dice) -> pa.Table:
    n = dice.accounts
    return pa.table({"id": _ids(n), "started_on": dice.date(dice.days_for(n), missing=0.1)})


def _orders(dice: _Dice, n: int) -> pa.Table:
    ordered = dice.days_for(n)
    due = ordered + 30
    paid = due + dice.rng.integers(-20, 60, n)
    return pa.table(
        {
            "id": _ids(n),
            "account_id": dice.accounts_for(n),
            "ordered_at": dice.date(ordered),
            "amount": np.round(dice.rng.lognormal(7.0, 1.2, n), 2),
            "status": dice.pick(("paid", "paid", "paid", "invoiced", "open", "cancelled"), n),
            "due_at": dice.date(due, missing=0.2),
            "paid_at": dice.date(paid, missing=0.2),
        }
    )


def _tickets(dice: _Dice, n: int) -> pa.Table:
    opened = dice.days_for(n)
    closed = opened + dice.rng.integers(0, 120, n)
    return pa.table(
        {
            "id": _ids(n),
            "account_id": dice.accounts_for(n),
            "asset_id": pa.array(dice.accounts_for(n), mask=dice.rng.random(n) < 0.5),
            "kind": dice.pick(("support", "support", "complaint", "ncr", "rma", "warranty"), n),
            "severity": dice.pick(("low", "medium", "high", "critical"), n),
            "status": dice.pick(("open", "pending", "resolved", "closed"), n),
            "product_line": dice.pick(("Pumps", "Valves", "Seals", ""), n),
            "opened_at": dice.time(opened),
            "closed_at": dice.time(closed, missing=0.3),
        }
    )


def _interactions(dice: _Dice, n: int) -> pa.Table:
    contacts = dice.accounts * 3
    return pa.table(
        {
            "id": _ids(n),
            "account_id": dice.accounts_for(n),
            "contact_id": pa.array(
                dice.rng.integers(1, contacts + 1, n), mask=dice.rng.random(n) < 0.3
            ),
            "kind": dice.pick(("call", "visit", "meeting", "email", "note"), n),
            "occurred_at": dice.time(dice.days_for(n)),
        }
    )


def _quotes(dice: _Dice, n: int) -> pa.Table:
    received = dice.days_for(n)
    return pa.table(
        {
            "id": _ids(n),
            "account_id": dice.accounts_for(n),
            "received_at": dice.date(received),
            "decided_at": dice.date(received + dice.rng.integers(5, 60, n), missing=0.3),
            "outcome": dice.pick(("won", "lost", "open", "no_bid"), n),
        }
    )


def _surveys(dice: _Dice, n: int) -> pa.Table:
    return pa.table(
        {
            "id": _ids(n),
            "account_id": dice.accounts_for(n),
            "kind": dice.pick(("nps", "csat", "ces"), n),
            "score": dice.rng.integers(0, 11, n).astype(np.float64),
            "responded_at": dice.time(dice.days_for(n)),
        }
    )


def _contacts(dice: _Dice, n: int) -> pa.Table:
    return pa.table(
        {
            "id": _ids(n),
            "account_id": (np.arange(n) % dice.accounts + 1).astype(np.int64),
            "active": dice.rng.random(n) < 0.8,
            "left_at": dice.date(dice.days_for(n), missing=0.7),
        }
    )


def _employees(dice: _Dice, n: int) -> pa.Table:
    return pa.table(
        {
            "id": _ids(n),
            "active": dice.rng.random(n) < 0.9,
            "hired_at": dice.date(dice.days_for(n) - 1500),
            "left_at": dice.date(dice.days_for(n), missing=0.7),
        }
    )


def _team(dice: _Dice, n: int, employees: int) -> pa.Table:
    since = dice.days_for(n) - 700
    return pa.table(
        {
            "id": _ids(n),
            "account_id": (np.arange(n) % dice.accounts + 1).astype(np.int64),
            "employee_id": dice.rng.integers(1, employees + 1, n),
            "role_id": dice.rng.integers(1, 6, n),
            "since": dice.date(since, missing=0.1),
            "until": dice.date(since + dice.rng.integers(100, 2000, n), missing=0.6),
        }
    )


def _assets(dice: _Dice) -> pa.Table:
    n = dice.accounts
    return pa.table(
        {
            "id": _ids(n),
            "account_id": _ids(n),
            "product_line": dice.pick(("Pumps", "Valves", "Seals"), n),
        }
    )


def _telemetry(dice: _Dice, n: int) -> pa.Table:
    alarm = dice.rng.random(n) < 0.2
    metric = np.where(alarm, "", np.where(dice.rng.random(n) < 0.8, "run_hours", "temp"))
    return pa.table(
        {
            "id": _ids(n),
            "asset_id": dice.accounts_for(n),
            "ts": dice.time(dice.days_for(n)),
            "metric": pa.array(metric),
            "value": pa.array(np.round(dice.rng.random(n) * 24, 2), mask=alarm),
            "alarm_code": pa.array(np.where(alarm, "E1", "")),
        }
    )
