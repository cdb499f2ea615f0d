"""Small synthetic customer records written straight into the database.

:func:`build_world` plants churn in a history: every account re-orders about monthly. A
churner shows it for 200 days before it leaves: orders slow down, three complaints about
one product line arrive and its NPS falls to 3; then it stops ordering. Half of the
churners are also marked lost with their end date. :func:`write_accounts` writes accounts
without any history, for the snapshot-only path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert

from keepwell.record.models import Account, Order, SurveyResponse, Ticket

START = date(2021, 1, 1)
END = date(2024, 12, 31)
SEGMENTS = ("OEM", "Utility", "Plant")


@dataclass
class World:
    """What was planted: churn days by account id."""

    churn: dict[int, date] = field(default_factory=dict)
    marked_lost: set[int] = field(default_factory=set)


@dataclass
class _Rows:
    accounts: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)


def build_world(engine: Engine, accounts: int = 100, seed: int = 3) -> World:
    """Write ``accounts`` accounts with their orders, complaints and NPS answers."""
    rng = np.random.default_rng(seed)
    world, rows = World(), _Rows()
    for account_id in range(1, accounts + 1):
        churn = _churn_day(rng) if rng.random() < 0.4 else None
        lost = churn is not None and rng.random() < 0.5
        if churn is not None:
            world.churn[account_id] = churn
            if lost:
                world.marked_lost.add(account_id)
        rows.accounts.append(_account(rng, account_id, churn if lost else None))
        _activity(rng, rows, account_id, churn)
    with engine.begin() as conn:
        for table, values in (
            (Account, rows.accounts),
            (Order, rows.orders),
            (Ticket, rows.tickets),
            (SurveyResponse, rows.surveys),
        ):
            if values:
                conn.execute(insert(table), values)
    return world


def _churn_day(rng: np.random.Generator) -> date:
    return START + timedelta(days=int(rng.integers(300, (END - START).days - 330)))


def _account(rng: np.random.Generator, account_id: int, ended: date | None) -> dict[str, Any]:
    return {
        "id": account_id,
        "source": "test",
        "external_id": f"A-{account_id}",
        "name": f"Customer {account_id}",
        "segment": SEGMENTS[account_id % 3],
        "tier": "ABC"[int(rng.integers(0, 3))],
        "status": "lost" if ended else "active",
        "started_on": START - timedelta(days=int(rng.integers(30, 900))),
        "ended_on": ended,
        "attributes": {},
    }


def _activity(rng: np.random.Generator, rows: _Rows, account_id: int, churn: date | None) -> None:
    stop = churn or END
    signals = churn - timedelta(days=200) if churn else None
    day = START + timedelta(days=int(rng.integers(0, 30)))
    while day < stop:
        rows.orders.append(_order(rng, len(rows.orders) + 1, account_id, day))
        slow = signals is not None and day >= signals
        day += timedelta(days=int(rng.integers(45, 75) if slow else rng.integers(20, 40)))
    rows.surveys.append(_survey(len(rows.surveys) + 1, account_id, START + timedelta(days=60), 9))
    if signals is not None:
        for k in range(3):
            opened = signals + timedelta(days=40 + 45 * k)
            rows.tickets.append(_complaint(len(rows.tickets) + 1, account_id, opened))
        rows.surveys.append(
            _survey(len(rows.surveys) + 1, account_id, signals + timedelta(days=90), 3)
        )
    elif rng.random() < 0.2:
        opened = START + timedelta(days=int(rng.integers(100, 1300)))
        rows.tickets.append(_complaint(len(rows.tickets) + 1, account_id, opened))


def _order(rng: np.random.Generator, number: int, account_id: int, day: date) -> dict[str, Any]:
    due = day + timedelta(days=30)
    return {
        "source": "test",
        "external_id": f"O-{number}",
        "account_id": account_id,
        "ordered_at": day,
        "amount": float(rng.integers(500, 5000)),
        "kind": "spare_parts",
        "status": "paid",
        "invoiced_at": day,
        "due_at": due,
        "paid_at": due - timedelta(days=2),
    }


def _complaint(number: int, account_id: int, opened: date) -> dict[str, Any]:
    moment = datetime(opened.year, opened.month, opened.day, 9)
    return {
        "source": "test",
        "external_id": f"T-{number}",
        "account_id": account_id,
        "kind": "complaint",
        "subject": "Seal leaking again",
        "severity": "high",
        "status": "closed",
        "product_line": "Seals",
        "opened_at": moment,
        "closed_at": moment + timedelta(days=5),
    }


def _survey(number: int, account_id: int, day: date, score: float) -> dict[str, Any]:
    return {
        "source": "test",
        "external_id": f"S-{number}",
        "account_id": account_id,
        "kind": "nps",
        "score": score,
        "responded_at": datetime(day.year, day.month, day.day, 12),
    }


def write_accounts(engine: Engine, count: int = 90, seed: int = 5) -> None:
    """Utility customers leave half the time, the others rarely; only attributes are known."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(1, count + 1):
        segment = SEGMENTS[number % 3]
        lost = rng.random() < (0.55 if segment == "Utility" else 0.08)
        rows.append(
            {
                "source": "crm",
                "external_id": f"C-{number}",
                "name": f"Customer {number}",
                "segment": segment,
                "tier": "AB"[number % 2],
                "status": "lost" if lost else "active",
                "contract_value": float(rng.integers(5, 50) * 1000),
                "attributes": {
                    "Fleet Size": str(int(rng.integers(1, 40))),
                    "Contract Type": "Full Service" if number % 4 else "Parts Only",
                },
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(Account), rows)
