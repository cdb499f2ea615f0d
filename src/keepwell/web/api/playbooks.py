"""Playbooks through the API: the rules in force and their dry runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from keepwell.playbooks.service import dry_run, load_rules
from keepwell.web.deps import ApiReader, SessionDep, StateDep
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["playbooks"], responses=problem_responses(401, 403))


@router.get("/playbooks")
def list_playbooks(who: ApiReader, state: StateDep) -> dict[str, Any]:
    """Built-in and company rules, and the company files that failed to load."""
    rule_set = load_rules(state.settings.resolved_playbooks_dir())
    rules = [
        {
            "name": r.name,
            "title": r.spec.title,
            "enabled": r.spec.enabled,
            "signal": r.spec.signal,
            "actions": [a.name for a, _ in r.actions],
            "cooldown_days": r.spec.cooldown_days,
            "origin": r.origin,
        }
        for r in rule_set.rules.values()
    ]
    return {"playbooks": rules, "broken": [str(b) for b in rule_set.broken]}


@router.get("/playbooks/{name}/dry-run", responses=problem_responses(404))
def dry_run_playbook(name: str, db: SessionDep, who: ApiReader, state: StateDep) -> dict[str, Any]:
    """What the rule would do now, account by account, without writing anything (403 when
    a condition tests a field your role may not see)."""
    rules = load_rules(state.settings.resolved_playbooks_dir()).rules
    if name not in rules:
        raise ApiProblem(404, f"no playbook {name!r}", "not-found")
    return dry_run(db, rules[name], hidden=who.hidden).summary(with_accounts=True)
