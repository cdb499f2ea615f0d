"""Quote features: RFQ volume and win rate.

A quote counts as decided at the cutoff when its decision day is before the cutoff and
its outcome is won or lost; quotes without a decision day are open at every cutoff.
"""

from __future__ import annotations

import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed, ratio


def quote_features(frame: Frame) -> ir.Table:
    """RFQs of the last 365 days and the share of the decided ones that were won."""
    h = frame.history(frame.table("quotes"), "received_at", horizon=365)
    decided_before = h.cutoff.delta(h.decided_at, unit="day") >= 1
    decided = decided_before & h.outcome.isin(["won", "lost"])
    agg = keyed(
        h,
        quotes_365d=h.ago.count(),
        quotes_won=h.ago.count(where=decided & (h.outcome == "won")),
        quotes_decided=h.ago.count(where=decided),
    )
    return agg.mutate(quote_win_rate_365d=ratio(agg.quotes_won, agg.quotes_decided))
