"""Churn-specific features added to the registered ones through the pipeline's extra blocks.

Delivery reliability is not in the shared registry, yet late deliveries drive B2B churn:
an order is late at a cutoff when, by the cutoff, it had arrived ``LATE_DAYS`` or more
after its promised day or was still missing that long after it. Team changes say when
the last account-team member left the company and whether anyone joined the team since,
so that a reason can say "left 2 months ago and nobody replaced them". The early signs of
:mod:`keepwell.insight.churn.early_signs` follow. Only data dated before the cutoff is
used, as for every registered feature.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.churn.early_signs import EARLY_SIGN_BLOCKS, EARLY_SIGN_FEATURES, LATE_DAYS
from keepwell.insight.features import KEYS, Block, Feature, Frame

WINDOW_DAYS = 180

EXTRA_FEATURES: dict[str, Feature] = {
    "deliveries_due_180d": Feature(
        "deliveries_due_180d",
        "Orders (not cancelled) promised for one of the last 180 days.",
        "orders",
        "int64",
        "deliveries",
        0,
    ),
    "late_deliveries_180d": Feature(
        "late_deliveries_180d",
        f"Of those, the orders delivered {LATE_DAYS} or more days after the promised day "
        "(or still missing that long after it at the cutoff).",
        "orders",
        "int64",
        "deliveries",
        0,
    ),
    "days_since_team_departure": Feature(
        "days_since_team_departure",
        "Days since the latest account-team member left the company while on the team "
        "(within the last 365 days).",
        "days",
        "int64",
        "team",
    ),
    "team_joins_since_departure": Feature(
        "team_joins_since_departure",
        "Employees who joined the account team after that departure.",
        "people",
        "int64",
        "team",
        0,
    ),
    **EARLY_SIGN_FEATURES,
}
"""The extra features by name, described like the registry's (the early signs last)."""


def delivery_features(frame: Frame) -> ir.Table:
    """Orders promised in the last 180 days and how many of them came late."""
    orders = frame.table("orders")
    orders = orders.filter(orders.promised_at.notnull(), orders.status.fill_null("") != "cancelled")
    h = frame.history(orders, "promised_at", WINDOW_DAYS)
    delivered_ago = h.cutoff.delta(h.delivered_at, unit="day")
    arrived = delivered_ago.fill_null(0) >= 1
    delay = ibis.ifelse(arrived, h.ago - delivered_ago, h.ago)
    return h.group_by(list(KEYS)).aggregate(
        deliveries_due_180d=h.ago.count(),
        late_deliveries_180d=h.ago.count(where=delay >= LATE_DAYS),
    )


def team_change_features(frame: Frame) -> ir.Table:
    """The latest team departure within a year, and how many joined the team after it."""
    members, employees = frame.table("account_team_members"), frame.table("employees")
    staff = employees.select(staff_id=employees.id, left_at=employees.left_at)
    joined = members.join(staff, members.employee_id == staff.staff_id)
    on_team = (joined.since.isnull() | (joined.since <= joined.left_at)) & (
        joined.until.isnull() | (joined.until >= joined.left_at)
    )
    departures = frame.history(joined.filter(on_team), "left_at", 365)
    latest = departures.group_by(list(KEYS)).aggregate(
        days_since_team_departure=departures.ago.min()
    )
    starts = frame.history(members.filter(members.since.notnull()), "since", 365)
    pairs = starts.join(latest, [starts[k] == latest[k] for k in KEYS])
    joins = pairs.filter(pairs.ago < pairs.days_since_team_departure)
    counted = joins.group_by(list(KEYS)).aggregate(
        team_joins_since_departure=joins.employee_id.nunique()
    )
    return latest.left_join(counted, [latest[k] == counted[k] for k in KEYS]).select(
        *(latest[k] for k in KEYS),
        latest.days_since_team_departure,
        team_joins_since_departure=counted.team_joins_since_departure.fill_null(0),
    )


EXTRA_BLOCKS: tuple[Block, ...] = (delivery_features, team_change_features, *EARLY_SIGN_BLOCKS)
