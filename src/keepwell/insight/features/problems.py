"""Recurring-problem features: how many recurring problems keep hitting an account.

A ticket's problem comes from ``problem_tickets``, the membership the latest detection
run and people's decisions left (candidate and owned problems; dismissed and merged ones
are not exported). A ticket's text is known at the cutoff, but the grouping it belongs
to was found using later tickets too: see the rules in ``docs/features.md``.
"""

from __future__ import annotations

import ibis.expr.types as ir

from keepwell.insight.features.frame import KEYS, Frame, keyed

RECURRING_DAYS = 90
RECURRING_TICKETS = 2


def problem_features(frame: Frame) -> ir.Table:
    """Distinct problems with at least two of the account's tickets in the last 90 days."""
    tickets, members = frame.table("tickets"), frame.table("problem_tickets")
    joined = tickets.join(members, tickets.id == members.ticket_id).select(
        "account_id", "opened_at", "problem_id"
    )
    h = frame.history(joined, "opened_at", horizon=RECURRING_DAYS)
    per_problem = h.group_by([*KEYS, "problem_id"]).aggregate(tickets=h.count())
    recurring = per_problem.filter(per_problem.tickets >= RECURRING_TICKETS)
    return keyed(recurring, recurring_problems_90d=recurring.problem_id.count())
