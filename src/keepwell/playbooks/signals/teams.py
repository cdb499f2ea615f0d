"""Signals from the team's own reads of its accounts."""

from __future__ import annotations

from keepwell.insight.human_reads import disagreements
from keepwell.playbooks.core import Context, Hit, Params, Signal


class DisagreementParams(Params):
    only_more_worried: bool = False
    """Only where the person is more worried than the model."""


class ModelHumanDisagreement(Signal[DisagreementParams]):
    """The owner's latest read of the account differs from the model's health band."""

    name = "model_human_disagreement"
    description = "The latest human read of the account differs from the model's read."
    params = DisagreementParams

    def find(self, ctx: Context, params: DisagreementParams) -> list[Hit]:
        hits = []
        for item in disagreements(ctx.session):
            if item.account_id not in ctx.accounts:
                continue
            if params.only_more_worried and not item.human_more_worried:
                continue
            who = item.owner or "the team"
            summary = f"{who} reads it {item.human_read}, the model {item.model_read}"
            facts = {
                "human_read": item.human_read,
                "model_read": item.model_read,
                "reason": item.reason,
                "reader": who,
            }
            key = f"read:{item.human_read}:{item.model_read}"
            hits.append(Hit(item.account_id, key, summary, facts))
        return hits
