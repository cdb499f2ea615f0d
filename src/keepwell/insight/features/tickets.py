"""Ticket features: volume, complaints, severity, open backlog and repeated complaints.

A ticket is open at the cutoff when it was opened before the cutoff and closed on or
after the cutoff day; a ticket without a close time is open while its status is open or
pending. Complaint-type tickets are complaints, NCRs, RMAs and warranty claims. A
repeated complaint shares its kind and product line (the ticket's, else its asset's) with
an earlier complaint-type ticket of the same 90 days.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed

COMPLAINT_KINDS = ("complaint", "ncr", "rma", "warranty")
SEVERITY_SCALE = (("low", 1), ("medium", 2), ("high", 3), ("critical", 4))
OPEN_STATUSES = ("open", "pending")


def _tickets_with_product_line(frame: Frame) -> ir.Table:
    tickets, assets = frame.table("tickets"), frame.table("assets")
    lines = assets.select(asset_key=assets.id, asset_line=assets.product_line)
    joined = tickets.left_join(lines, tickets.asset_id == lines.asset_key)
    return joined.mutate(
        problem_key=joined.kind.concat(":", joined.product_line.coalesce(joined.asset_line, ""))
    ).drop("asset_key", "asset_line")


def ticket_features(frame: Frame) -> ir.Table:
    """Ticket and complaint counts, mean severity, open tickets and their age, repeats."""
    h = frame.history(_tickets_with_product_line(frame), "opened_at")
    ago = h.ago
    complaint = h.kind.isin(COMPLAINT_KINDS)
    closed_ago = h.cutoff.delta(h.closed_at.date(), unit="day")
    is_open = ibis.ifelse(h.closed_at.isnull(), h.status.isin(OPEN_STATUSES), closed_ago <= 0)
    severity = h.severity.cases(*SEVERITY_SCALE)
    recent_complaint = complaint & (ago <= 90)
    agg = keyed(
        h,
        tickets_90d=ago.count(where=ago <= 90),
        tickets_365d=ago.count(where=ago <= 365),
        complaints_90d=ago.count(where=recent_complaint),
        complaints_365d=ago.count(where=complaint & (ago <= 365)),
        mean_ticket_severity_365d=severity.mean(where=ago <= 365),
        open_tickets=ago.count(where=is_open),
        oldest_open_ticket_days=ago.max(where=is_open),
        open_ticket_mean_age_days=ago.mean(where=is_open),
        complaint_problems_90d=h.problem_key.nunique(where=recent_complaint),
    )
    return agg.mutate(repeat_complaints_90d=agg.complaints_90d - agg.complaint_problems_90d)
