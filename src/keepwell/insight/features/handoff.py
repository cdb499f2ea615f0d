"""RFQ hand-off features: quote turnaround and broken delivery promises.

A quote's turnaround counts once it was answered before the cutoff (days from receiving
the RFQ to answering it), for RFQs received in the last 365 days. An order placed on a
quote breaks the quote's promise when it was delivered later than the promised lead
time after ordering, or after the order's own promised day; it counts in the window of
its delivery day. Specification checks live in the operational record only.

The features are in the registry (``HANDOFF_FEATURES`` names them) and the blocks in the
pipeline's ``BLOCKS``.
"""

from __future__ import annotations

import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed
from keepwell.insight.features.registry import FEATURES, Feature

HANDOFF_FEATURES: dict[str, Feature] = {
    name: FEATURES[name]
    for name in ("quote_turnaround_days_365d", "quotes_answered_365d", "broken_promises_365d")
}
"""The hand-off features by name."""


def turnaround_features(frame: Frame) -> ir.Table:
    """Mean turnaround and count of the last 365 days' RFQs answered before the cutoff."""
    h = frame.history(frame.table("quotes"), "received_at", horizon=365)
    answered = h.cutoff.delta(h.responded_at, unit="day") >= 1
    took = h.responded_at.delta(h.received_at, unit="day").cast("float64")
    agg = keyed(
        h,
        quote_turnaround_days_365d=took.mean(where=answered),
        quotes_answered_365d=h.ago.count(where=answered),
    )
    return agg.mutate(quotes_answered_365d=agg.quotes_answered_365d.cast("int64"))


def promise_features(frame: Frame) -> ir.Table:
    """Orders on a quote delivered in the last 365 days later than promised."""
    orders, quotes = frame.table("orders"), frame.table("quotes")
    promised = quotes.select(promise_quote=quotes.id, lead_days=quotes.promised_lead_time_days)
    linked = orders.filter(
        orders.quote_id.notnull(), orders.delivered_at.notnull(), orders.status != "cancelled"
    )
    joined = linked.join(promised, linked.quote_id == promised.promise_quote)
    took = joined.delivered_at.delta(joined.ordered_at, unit="day")
    late_lead = (took > joined.lead_days).fill_null(False)
    late_day = (joined.delivered_at > joined.promised_at).fill_null(False)
    marked = joined.mutate(broken=late_lead | late_day)
    h = frame.history(marked, "delivered_at", horizon=365)
    agg = keyed(h, broken_promises_365d=h.ago.count(where=h.broken))
    return agg.mutate(broken_promises_365d=agg.broken_promises_365d.cast("int64"))


HANDOFF_BLOCKS = (turnaround_features, promise_features)
"""The blocks that compute ``HANDOFF_FEATURES`` (part of the pipeline's ``BLOCKS``)."""
