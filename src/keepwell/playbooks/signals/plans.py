"""Signals from success plans: the customer's goals not revisited for too long."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pydantic import Field

from keepwell.plans.service import last_reviewed, unreviewed_plans
from keepwell.playbooks.core import Context, Hit, Params, Signal


class PlanReviewParams(Params):
    days: int = Field(default=180, ge=1, le=3650)
    """How long a plan may go without a review."""


class PlanNotReviewed(Signal[PlanReviewParams]):
    """A success plan not reviewed (or, never reviewed, made) within ``days``."""

    name = "plan_not_reviewed"
    description = "A success plan has not been reviewed with the customer for days days."
    params = PlanReviewParams

    def find(self, ctx: Context, params: PlanReviewParams) -> list[Hit]:
        before = datetime.combine(ctx.today, time(0)) - timedelta(days=params.days)
        hits = []
        for plan in unreviewed_plans(ctx.session, before):
            if plan.account_id not in ctx.accounts:
                continue
            since = (ctx.today - last_reviewed(plan).date()).days
            summary = f"the customer's goals have not been revisited in {_span(since)}"
            facts = {"plan": plan.title, "days_since_review": since, "plan_id": plan.id}
            hits.append(Hit(plan.account_id, f"plan:{plan.id}", summary, facts))
        return hits


def _span(days: int) -> str:
    """``days`` as people say it: "6 months", "45 days"."""
    months = days // 30
    return f"{months} months" if months >= 2 else f"{days} days"
