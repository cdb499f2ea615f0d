"""Hiding money from roles that may not see it (order, invoice, contract and quote values).

Money travels as data, never inside text: timeline events carry ``amount`` and ``currency``
beside their title, and templates, the API and exports format it. For such roles the
money fields are nulled; no text is edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from keepwell.auth.visibility import MONEY_FIELDS
from keepwell.insight.wording import AMOUNT_HIDDEN
from keepwell.record.schemas import Account360, AccountSummary, TimelineEvent
from keepwell.web.schemas import Account360Public, AccountSummaryPublic

MARK = AMOUNT_HIDDEN
"""What a sentence says in place of an amount its reader may not see."""


def redact_event(event: TimelineEvent) -> TimelineEvent:
    """The event without its amount (events without one are returned as they are)."""
    if event.amount is None:
        return event
    return event.model_copy(update={"amount": None, "currency": None})


def visible_events(events: Iterable[TimelineEvent], sees_money: bool) -> list[TimelineEvent]:
    """The events as a viewer who does (or does not) see money may read them."""
    return list(events) if sees_money else [redact_event(e) for e in events]


def public_summary(summary: AccountSummary, sees_money: bool) -> AccountSummaryPublic:
    """An account-list row for the API, its revenue hidden when money is."""
    data = summary.model_dump()
    if not sees_money:
        data["revenue_12m"] = None
    return AccountSummaryPublic.model_validate(data)


def public_360(view: Account360, sees_money: bool) -> Account360Public:
    """The account 360 for the API: contract value, revenues and amounts hidden as needed."""
    data = view.model_dump()
    data["timeline"] = [e.model_dump() for e in visible_events(view.timeline, sees_money)]
    if not sees_money:
        data["account"]["contract_value"] = None
        orders = data["orders"]
        for quarter in orders["quarters"]:
            quarter["revenue"] = None
        orders["last_12_months"]["revenue"] = None
        orders["previous_12_months"]["revenue"] = None
        orders["revenue_change"] = None
    return Account360Public.model_validate(data)


AUDIT_MONEY_KEYS = frozenset({"revenue", *(f.partition(".")[2] for f in MONEY_FIELDS)})
"""Keys of audit entries' changes that hold the declared money fields' values."""


def visible_changes(changes: dict[str, Any] | None, sees_money: bool) -> dict[str, Any]:
    """An audit entry's changes with the values of money fields hidden as needed."""
    if not changes:
        return {}
    if sees_money:
        return dict(changes)
    return {k: (MARK if k in AUDIT_MONEY_KEYS else v) for k, v in changes.items()}
