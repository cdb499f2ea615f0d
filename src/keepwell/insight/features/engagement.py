"""Engagement features: survey answers and interactions.

The latest survey answer of a kind is the one with the latest response time before the
cutoff (ties broken by the later record); its change is measured against the answer
before it.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from keepwell.insight.features.frame import KEYS, Frame, keyed

SURVEY_KINDS = ("nps", "csat")


def survey_features(frame: Frame) -> ir.Table:
    """The latest NPS and CSAT answers and their change against the previous answer."""
    surveys = frame.table("survey_responses")
    h = frame.history(surveys.filter(surveys.kind.isin(SURVEY_KINDS)), "responded_at")
    rank = ibis.row_number().over(
        group_by=[*KEYS, "kind"], order_by=[ibis.desc("responded_at"), ibis.desc("id")]
    )
    h = h.mutate(rank=rank)
    scores = {}
    for kind in SURVEY_KINDS:
        scores[f"last_{kind}"] = h.score.max(where=(h.kind == kind) & (h.rank == 0))
        scores[f"previous_{kind}"] = h.score.max(where=(h.kind == kind) & (h.rank == 1))
    agg = keyed(h, **scores)
    return agg.mutate(
        **{f"{kind}_change": agg[f"last_{kind}"] - agg[f"previous_{kind}"] for kind in SURVEY_KINDS}
    )


def interaction_features(frame: Frame) -> ir.Table:
    """Days since the last interaction and interactions in the last 90 days."""
    h = frame.history(frame.table("interactions"), "occurred_at")
    return keyed(
        h,
        days_since_last_interaction=h.ago.min(),
        interactions_90d=h.ago.count(where=h.ago <= 90),
    )
