"""Success-plan feature: how long ago the customer's success plan was last reviewed.

A plan counts from its creation day, a review from its day; both only when dated before
the cutoff. The reviews are every ``plan.reviewed`` entry of the audit log and the plan's
own last review time (a review recorded without an audit entry), so a later review never
hides an earlier one. A plan never reviewed before the cutoff counts from its creation,
as the plans page does. Accounts without a plan before the cutoff have no value and
``has_success_plan`` false (the models impute a neutral value and see the indicator).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import KEYS, Frame, keyed


def plan_review_features(frame: Frame) -> ir.Table:
    """Days since the latest success-plan review (or plan creation) before the cutoff."""
    plans, audited = frame.table("success_plans"), frame.table("plan_reviews")
    owners = plans.select(plan_key=plans.id, account_id=plans.account_id)
    logged = audited.join(owners, audited.plan_id == owners.plan_key)
    events = ibis.union(
        plans.select(plans.account_id, at=plans.created_at),
        plans.filter(plans.reviewed_at.notnull()).select(plans.account_id, at=plans.reviewed_at),
        logged.select(logged.account_id, at=logged.at),
        distinct=False,
    )
    h = frame.history(events, "at")
    agg = keyed(h, days_since_plan_review=h.ago.min())
    return agg.select(*KEYS, agg.days_since_plan_review, has_success_plan=ibis.literal(True))
