"""Invoice features: late payment and overdue invoices at the cutoff.

An invoice is an order (not cancelled) with a due day. It is paid at the cutoff when its
paid day is before the cutoff; invoices marked paid without a paid day are left out,
because when they were paid is unknown.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed, ratio
from keepwell.insight.features.orders import live_orders


def invoice_features(frame: Frame) -> ir.Table:
    """Share paid late and mean days late (invoices due in 365 days), overdue at cutoff."""
    orders = live_orders(frame)
    invoices = orders.filter(
        orders.due_at.notnull(),
        orders.paid_at.notnull() | (orders.status.fill_null("") != "paid"),
    )
    h = frame.history(invoices, "due_at")
    paid_ago = h.cutoff.delta(h.paid_at, unit="day")
    paid = paid_ago.fill_null(0) >= 1
    days_late = ibis.ifelse(paid, ibis.greatest(h.ago - paid_ago, 0), h.ago)
    recent = h.ago <= 365
    agg = keyed(
        h,
        invoices_due_365d=h.ago.count(where=recent),
        invoices_late_365d=h.ago.count(where=recent & (days_late > 0)),
        mean_days_late_365d=days_late.mean(where=recent),
        overdue_invoices=h.ago.count(where=~paid),
        overdue_amount=h.amount.sum(where=~paid),
    )
    return agg.mutate(late_invoice_share_365d=ratio(agg.invoices_late_365d, agg.invoices_due_365d))
