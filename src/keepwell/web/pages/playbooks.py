"""Playbook pages: the list, the YAML editor with validation, dry runs, firing history.

Everyone signed in sees playbooks, previews and history; saving a rule needs the admin
or leader role.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.responses import Response

from keepwell.auth.permissions import Permission, Role
from keepwell.auth.visibility import HiddenFieldError
from keepwell.playbooks.builder import expressible
from keepwell.playbooks.history import count_firings, firings_by_rule, list_firings
from keepwell.playbooks.plugins import registry
from keepwell.playbooks.rules import Rule, RuleError, RuleProblem, parse_rule
from keepwell.playbooks.service import dry_run, load_rules, save_rule
from keepwell.web import feedback
from keepwell.web.deps import CsrfDep, CurrentUser, Forbidden, Principal, Requirement, SessionDep
from keepwell.web.deps import StateDep as WebStateDep
from keepwell.web.paging import pager
from keepwell.web.state import WebState
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
EDITORS = frozenset({Role.ADMIN.value, Role.LEADER.value})
NEW_RULE = """\
name: my_rule
title: My rule
description: What this rule watches for and why.
enabled: true
signal: order_gap
params:
  min_ratio: 2.5
cooldown_days: 30
actions:
  - type: create_task
    role: account_owner
    title: "Call {account}: {summary}"
    due_in_days: 7
"""


class EditorRequirement(Requirement):
    """Write permission and the admin or leader role: who may change playbooks."""

    def __call__(
        self, request: Request, db: SessionDep, state: WebStateDep, csrf: CsrfDep
    ) -> Principal:
        principal = super().__call__(request, db, state, csrf)
        if principal.user.role not in EDITORS:
            raise Forbidden("editing playbooks needs the admin or leader role", False)
        return principal


PlaybookEditor = Annotated[Principal, Depends(EditorRequirement(Permission.WRITE, api=False))]


@router.get("/playbooks")
def playbooks_page(
    request: Request, who: CurrentUser, db: SessionDep, state: WebStateDep
) -> Response:
    """Every playbook with its signal, actions, state and how often it fired."""
    rule_set = load_rules(_folder(state))
    saved = rule_set.rules.get(request.query_params.get("saved", ""))
    context = {
        "notice": f"Saved the playbook “{saved.spec.title}”." if saved else None,
        "rules": list(rule_set.rules.values()),
        "broken": rule_set.broken,
        "fired": firings_by_rule(db),
        "can_edit": who.user.role in EDITORS,
    }
    return render(request, "playbooks/list.html", context)


@router.get("/playbooks/new")
def new_playbook(request: Request, who: PlaybookEditor) -> Response:
    """An editor with a starting rule."""
    return render(request, "playbooks/edit.html", _editor(None, NEW_RULE, [], who))


@router.get("/playbooks/history")
def history_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    state: WebStateDep,
    rule: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every firing: which rule, which account, why, and what it did."""
    total = count_firings(db, rule=rule or None)
    paging = pager(request, page, total)
    firings = list_firings(db, rule=rule or None, limit=paging.per_page, offset=paging.offset)
    context = {
        "firings": firings,
        "pager": paging,
        "rule": rule,
        "names": list(load_rules(_folder(state)).rules),
    }
    return render(request, "playbooks/history.html", context)


@router.get("/playbooks/{name}")
def playbook_page(request: Request, name: str, who: CurrentUser, state: WebStateDep) -> Response:
    """The rule's YAML (editable for admins and leaders)."""
    rule = _rule(name, state)
    context = _editor(rule, rule.text, [], who)
    context["in_form"] = expressible(rule.spec, registry())
    return render(request, "playbooks/edit.html", context)


@router.post("/playbooks/save")
def save_playbook(
    request: Request,
    who: PlaybookEditor,
    db: SessionDep,
    state: WebStateDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Validate and save the rule to the company's folder; errors keep the text."""
    try:
        text = text.replace("\r\n", "\n")
        rule = save_rule(
            text, actor=who.actor, session=db, folder=_folder(state), hidden=who.hidden
        )
    except RuleError as exc:
        context = _editor(None, text, exc.problems, who)
        return render(request, "playbooks/edit.html", context, status=422)
    db.commit()
    return feedback.redirect(request, f"/playbooks/{rule.name}", f"Rule “{rule.name}” saved.")


@router.post("/playbooks/preview")
def preview_playbook(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Dry-run the text in the editor without saving it."""
    try:
        rule = parse_rule(text.replace("\r\n", "\n"), origin="company", source="editor")
        return _dry_run_page(request, db, rule, text, who)
    except RuleError as exc:
        return render(
            request, "playbooks/edit.html", _editor(None, text, exc.problems, who), status=422
        )
    except HiddenFieldError as exc:
        problems = [RuleProblem(None, "", str(exc).capitalize() + ".")]
        context = _editor(None, text, problems, who)
        return render(request, "playbooks/edit.html", context, status=403)


@router.get("/playbooks/{name}/dry-run")
def dry_run_page(
    request: Request, name: str, who: CurrentUser, db: SessionDep, state: WebStateDep
) -> Response:
    """This rule would fire on these N accounts now."""
    rule = _rule(name, state)
    return _dry_run_page(request, db, rule, None, who)


def _dry_run_page(
    request: Request, db: SessionDep, rule: Rule, text: str | None, who: Principal
) -> Response:
    outcome = dry_run(db, rule, hidden=who.hidden)
    firing = [a for a in outcome.accounts if a["state"] == "fires"]
    context = {
        "rule": rule,
        "outcome": outcome,
        "firing": firing,
        "accounts": len({a["account_id"] for a in firing}),
        "text": text,
    }
    return render(request, "playbooks/dry_run.html", context)


def _folder(state: WebState) -> Path:
    return state.settings.resolved_playbooks_dir()


def _rule(name: str, state: WebState) -> Rule:
    rules = load_rules(_folder(state)).rules
    if name not in rules:
        raise HTTPException(404, f"There is no playbook {name!r}.")
    return rules[name]


def _editor(
    rule: Rule | None, text: str, problems: list[RuleProblem], who: Principal
) -> dict[str, Any]:
    return {
        "rule": rule,
        "text": text,
        "problems": problems,
        "can_edit": who.user.role in EDITORS,
        "lines": max(18, text.count("\n") + 3),
    }
