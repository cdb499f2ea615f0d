"""Evaluating a rule's conditions on a hit: account fields, latest scores, signal facts."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from keepwell.auth.visibility import refuse_hidden
from keepwell.playbooks.core import Context, Hit, Signal
from keepwell.playbooks.rules import Condition, Rule

ACCOUNT_FIELDS = (
    "segment",
    "region",
    "tier",
    "industry",
    "country",
    "status",
    "name",
    "contract_value",
    "renewal_date",
    "started_on",
)
SCORE_FIELDS = (
    "churn_probability",
    "health_score",
    "health_band",
    "p_alive",
    "revenue_at_risk",
    "annual_revenue",
    "expected_value_12m",
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda a, b: a in (b or ()),
    "not_in": lambda a, b: a not in (b or ()),
}


def value_of(ctx: Context, hit: Hit, name: str) -> Any:
    """The value a condition's ``field`` names for this hit (``None`` when unknown)."""
    head, _, rest = name.partition(".")
    if head == "account" and rest:
        account = ctx.accounts.get(hit.account_id)
        if account is None:
            return None
        if rest.startswith("attributes."):
            return account.attributes.get(rest.removeprefix("attributes."))
        return getattr(account, rest, None) if rest in ACCOUNT_FIELDS else None
    if head == "score" and rest:
        score = ctx.scores.get(hit.account_id)
        return getattr(score, rest, None) if score is not None and rest in SCORE_FIELDS else None
    return hit.facts.get(name)


def tested_field(name: str, signal: Signal[Any]) -> str:
    """The ``record.field`` a condition on ``name`` tests: account and score fields as
    written, a signal's facts as the signal declares them (``fact.<name>`` otherwise)."""
    head, _, rest = name.partition(".")
    if head in ("account", "score") and rest:
        return name
    return signal.fact_fields.get(name, f"fact.{name}")


def refuse_hidden_conditions(rule: Rule, hidden: frozenset[str]) -> None:
    """``HiddenFieldError`` when one of the rule's conditions tests a field in ``hidden``."""
    fields = [tested_field(c.field, rule.signal) for c in rule.spec.conditions]
    refuse_hidden(fields, hidden, "test them in a playbook condition")


def holds(ctx: Context, hit: Hit, condition: Condition) -> bool:
    """True when the condition holds; a missing value only satisfies ``ne`` and ``not_in``."""
    value = value_of(ctx, hit, condition.field)
    if value is None:
        return condition.op in ("ne", "not_in") and condition.value is not None
    try:
        return bool(_COMPARE[condition.op](value, condition.value))
    except TypeError:
        return False


def all_hold(ctx: Context, hit: Hit, conditions: list[Condition]) -> bool:
    """True when every condition holds."""
    return all(holds(ctx, hit, c) for c in conditions)
