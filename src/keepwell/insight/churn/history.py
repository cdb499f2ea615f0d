"""What the churn rules read from the shared customer record, one account at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from keepwell.record.models import (
    Account,
    Asset,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)


@dataclass(frozen=True)
class AccountHistory:
    """One account's status, contract dates, order days and service-contract ends."""

    account_id: int
    status: str = "active"
    ended_on: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    order_days: tuple[date, ...] = ()
    """Distinct days with an order that was not cancelled, oldest first."""
    service_ends: tuple[date, ...] = ()
    """The service-contract end of every asset that has one."""

    def ordered_after(self, day: date, data_end: date) -> bool:
        """Whether an order day falls after ``day`` and no later than ``data_end``."""
        return any(day < ordered <= data_end for ordered in self.order_days)


def load_histories(engine: Engine) -> dict[int, AccountHistory]:
    """Every account's history, by account id."""
    with engine.connect() as conn:
        orders: dict[int, set[date]] = defaultdict(set)
        live = Order.status != "cancelled"
        for account_id, day in conn.execute(select(Order.account_id, Order.ordered_at).where(live)):
            orders[account_id].add(day)
        services: dict[int, list[date]] = defaultdict(list)
        query = select(Asset.account_id, Asset.service_contract_end)
        for account_id, end in conn.execute(query):
            if end is not None:
                services[account_id].append(end)
        accounts = conn.execute(
            select(
                Account.id,
                Account.status,
                Account.ended_on,
                Account.contract_end,
                Account.renewal_date,
            )
        ).all()
    return {
        row.id: AccountHistory(
            account_id=row.id,
            status=row.status or "",
            ended_on=row.ended_on,
            contract_end=row.contract_end,
            renewal_date=row.renewal_date,
            order_days=tuple(sorted(orders.get(row.id, ()))),
            service_ends=tuple(sorted(services.get(row.id, ()))),
        )
        for row in accounts
    }


_DATED: tuple[Any, ...] = (
    Order.ordered_at,
    Quote.received_at,
    Ticket.opened_at,
    SurveyResponse.responded_at,
    Interaction.occurred_at,
    TelemetryEvent.ts,
)


def record_span(engine: Engine) -> tuple[date, date] | None:
    """The first and the last day with an order, quote, ticket, survey, interaction or reading."""
    firsts: list[date] = []
    lasts: list[date] = []
    with engine.connect() as conn:
        for column in _DATED:
            first, last = conn.execute(select(func.min(column), func.max(column))).one()
            if first is not None:
                firsts.append(_day(first))
                lasts.append(_day(last))
    if not firsts:
        return None
    return min(firsts), max(lasts)


def _day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
