"""Evaluating one rule: signal hits, conditions, de-duplication, cooldown, actions, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from keepwell.audit.service import record
from keepwell.playbooks.conditions import all_hold
from keepwell.playbooks.core import Context, Firing, Hit
from keepwell.playbooks.models import PlaybookFiring, ReviewItem
from keepwell.playbooks.rules import Rule
from keepwell.tasks.models import Task
from keepwell.tasks.service import open_key


@dataclass
class RuleOutcome:
    """What a rule found and did in one evaluation."""

    rule: str
    title: str
    dry_run: bool
    hits: int = 0
    fired: int = 0
    duplicates: int = 0
    cooling: int = 0
    tasks: int = 0
    swept: int = 0
    accounts: list[dict[str, Any]] = field(default_factory=list)

    def summary(self, *, with_accounts: bool = False) -> dict[str, Any]:
        """JSON-ready counts (and the accounts, for a dry run)."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "title": self.title,
            "hits": self.hits,
            "fired": self.fired,
            "duplicates": self.duplicates,
            "cooling": self.cooling,
            "tasks_created": self.tasks,
        }
        if with_accounts:
            data["accounts"] = self.accounts
        return data


def evaluate(ctx: Context, rule: Rule, *, dry_run: bool = False, now: datetime) -> RuleOutcome:
    """Run ``rule`` once: every hit passing its conditions fires unless it has an open task
    (or review item) already or fired within the cooldown. A dry run writes nothing."""
    outcome = RuleOutcome(rule.name, rule.spec.title, dry_run)
    hits = [h for h in rule.signal.find(ctx, rule.signal_params) if h.account_id in ctx.accounts]
    hits = [h for h in hits if all_hold(ctx, h, rule.spec.conditions)]
    open_keys = _open_keys(ctx, rule)
    last = _last_firings(ctx, rule)
    cutoff = now - timedelta(days=rule.spec.cooldown_days)
    for hit in sorted(hits, key=lambda h: (h.account_id, h.reason_key)):
        outcome.hits += 1
        state = _state(hit, rule, open_keys, last, cutoff)
        outcome.accounts.append(_shown(ctx, hit, state))
        if state == "duplicate":
            outcome.duplicates += 1
        elif state == "cooling":
            outcome.cooling += 1
        else:
            outcome.fired += 1
            if not dry_run:
                outcome.tasks += _fire(ctx, rule, hit, now)
    if not dry_run:
        outcome.swept = sum(action.sweep(ctx, rule, params) for action, params in rule.actions)
    return outcome


def _state(
    hit: Hit,
    rule: Rule,
    open_keys: set[str],
    last: dict[tuple[int, str], datetime],
    cutoff: datetime,
) -> str:
    if open_key(hit.account_id, rule.name, hit.reason_key) in open_keys:
        return "duplicate"
    fired = last.get((hit.account_id, hit.reason_key))
    if fired is not None and fired > cutoff:
        return "cooling"
    return "fires"


def _fire(ctx: Context, rule: Rule, hit: Hit, now: datetime) -> int:
    firing = Firing(rule, hit, ctx.accounts[hit.account_id])
    for action, params in rule.actions:
        action.apply(ctx, firing, params)
    row = PlaybookFiring(
        rule=rule.name,
        account_id=hit.account_id,
        reason_key=hit.reason_key[:255],
        fired_at=now,
        summary=hit.summary[:512],
        facts=_jsonable(hit.facts),
        outcomes=firing.outcomes,
        task_id=firing.task.id if firing.task else None,
        actor=ctx.actor,
    )
    ctx.session.add(row)
    ctx.session.flush()
    record(
        ctx.session,
        actor=ctx.actor,
        action="playbook.fired",
        entity="playbook_firings",
        entity_id=row.id,
        changes={
            "rule": rule.name,
            "account_id": hit.account_id,
            "reason_key": hit.reason_key,
            "outcomes": firing.outcomes,
        },
    )
    return 1 if firing.task is not None else 0


def _open_keys(ctx: Context, rule: Rule) -> set[str]:
    tasks = select(Task.open_key).where(Task.rule == rule.name, Task.open_key.is_not(None))
    reviews = select(ReviewItem.open_key).where(
        ReviewItem.rule == rule.name, ReviewItem.open_key.is_not(None)
    )
    has_task = any(action.name == "create_task" for action, _ in rule.actions)
    keys = set(ctx.session.scalars(tasks if has_task else reviews))
    return {k for k in keys if k}


def _last_firings(ctx: Context, rule: Rule) -> dict[tuple[int, str], datetime]:
    f = PlaybookFiring
    query = (
        select(f.account_id, f.reason_key, func.max(f.fired_at))
        .where(f.rule == rule.name)
        .group_by(f.account_id, f.reason_key)
    )
    return {(a, r): at for a, r, at in ctx.session.execute(query)}


def _shown(ctx: Context, hit: Hit, state: str) -> dict[str, Any]:
    account = ctx.accounts[hit.account_id]
    return {
        "account_id": hit.account_id,
        "account": account.name,
        "reason_key": hit.reason_key,
        "summary": hit.summary,
        "state": state,
    }


def _jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in facts.items()
    }
