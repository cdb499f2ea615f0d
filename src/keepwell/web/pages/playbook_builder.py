"""The playbook rule builder: signal, conditions, actions, owner and cooldown in a form
that writes the same YAML as the editor, with the dry run shown before saving.

Only admins and leaders (who may save playbooks) use it. A rule the form cannot show
exactly is sent to the YAML editor, the advanced option.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.responses import Response

from keepwell.auth.visibility import HiddenFieldError
from keepwell.people.models import RetentionRole
from keepwell.playbooks.builder import (
    OP_LABELS,
    OWNER_ACTION,
    OWNER_PARAM,
    ActionRow,
    BuilderError,
    ConditionRow,
    RuleForm,
    action_label,
    condition_fields,
    expressible,
    form_from_spec,
    form_yaml,
    param_fields,
    signal_label,
)
from keepwell.playbooks.engine import RuleOutcome
from keepwell.playbooks.plugins import registry
from keepwell.playbooks.rules import RuleError, parse_rule
from keepwell.playbooks.service import dry_run, load_rules, save_rule
from keepwell.web.deps import Principal, SessionDep
from keepwell.web.deps import StateDep as WebStateDep
from keepwell.web.pages.playbooks import PlaybookEditor as Editor
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_ROWS = 20
SLUG = re.compile(r"[^a-z0-9]+")
FIELD_WORDS = {
    "name": "Short name",
    "title": "Title",
    "cooldown_days": "Cooldown",
    "signal": "Signal",
    "actions": "Actions",
}
STARTER = RuleForm(
    signal="order_gap",
    params={"min_ratio": "2.5"},
    cooldown_days="30",
    owner="account_owner",
    actions=[ActionRow("create_task", {"title": "Call {account}: {summary}", "due_in_days": "7"})],
)


async def _form(request: Request) -> FormData:
    return await request.form()


@router.get("/playbooks/new/build")
def new_rule_form(request: Request, who: Editor, db: SessionDep) -> Response:
    """The builder with a starting rule."""
    return _page(request, db, who, STARTER)


@router.get("/playbooks/{name}/build")
def rule_form(
    request: Request, name: str, who: Editor, db: SessionDep, state: WebStateDep
) -> Response:
    """The rule in the builder, or the YAML editor when the form cannot show it."""
    rules = load_rules(state.settings.resolved_playbooks_dir()).rules
    if name not in rules:
        raise HTTPException(404, f"There is no playbook {name!r}.")
    rule = rules[name]
    if not expressible(rule.spec, registry()):
        return RedirectResponse(f"/playbooks/{name}?advanced=1", status_code=303)
    return _page(request, db, who, form_from_spec(rule.spec), existing=True)


@router.post("/playbooks/build")
def rule_form_submit(
    request: Request,
    who: Editor,
    db: SessionDep,
    state: WebStateDep,
    form: Annotated[FormData, Depends(_form)],
) -> Response:
    """Update the form's options, dry-run the rule, or save it."""
    values = read_form(form)
    action = form.get("do", "refresh")
    rules = load_rules(state.settings.resolved_playbooks_dir()).rules
    shown = partial(_page, request, db, who, existing=values.name in rules)
    if action == "refresh":
        return shown(values)
    try:
        text = form_yaml(values, registry())
        rule = parse_rule(text, origin="company", source="form")
        if action == "save":
            save_rule(
                text,
                actor=who.actor,
                session=db,
                folder=state.settings.resolved_playbooks_dir(),
                hidden=who.hidden,
            )
            db.commit()
            return RedirectResponse(f"/playbooks?saved={rule.name}", status_code=303)
        outcome = dry_run(db, rule, hidden=who.hidden)
    except BuilderError as exc:
        return shown(values, problems=exc.problems, status=422)
    except RuleError as exc:
        problems = [
            f"{FIELD_WORDS.get(p.field, p.field.replace('_', ' '))}: {p.message}"
            if p.field
            else p.message
            for p in exc.problems
        ]
        return shown(values, problems=problems, status=422)
    except HiddenFieldError as exc:
        return shown(values, problems=[str(exc).capitalize()], status=403)
    return shown(values, outcome=outcome, text=text)


def read_form(form: FormData) -> RuleForm:
    """The builder's values from a submitted form."""

    def get(key: str) -> str:
        value = form.get(key, "")
        return value.replace("\r\n", "\n") if isinstance(value, str) else ""

    signal = get("signal")
    known = registry()
    params = {}
    if signal in known.signals:
        params = {
            f.name: get(f"param_{f.name}") for f in param_fields(known.signals[signal].params)
        }
    conditions = [
        ConditionRow(get(f"cond_{i}_field"), get(f"cond_{i}_op") or "eq", get(f"cond_{i}_value"))
        for i in range(MAX_ROWS)
        if get(f"cond_{i}_field")
    ]
    actions = []
    for i in range(MAX_ROWS):
        kind = get(f"action_{i}_type")
        if kind not in known.actions:
            continue
        fields = param_fields(known.actions[kind].params)
        row = {f.name: get(f"action_{i}__{f.name}") for f in fields if f.name != OWNER_PARAM}
        actions.append(ActionRow(kind, {k: v for k, v in row.items() if v}))
    title = get("title").strip()
    name = get("name").strip() or SLUG.sub("_", title.lower()).strip("_")[:64]
    return RuleForm(
        name=name,
        title=title,
        description=get("description").strip(),
        enabled=get("enabled") == "true",
        signal=signal,
        params={k: v for k, v in params.items() if v},
        conditions=conditions,
        cooldown_days=get("cooldown_days"),
        owner=get("owner"),
        actions=actions,
    )


def _page(
    request: Request,
    db: SessionDep,
    who: Principal,
    values: RuleForm,
    *,
    problems: list[str] | None = None,
    outcome: RuleOutcome | None = None,
    text: str | None = None,
    status: int = 200,
    existing: bool = False,
) -> Response:
    known = registry()
    signal = known.signals.get(values.signal)
    query = select(RetentionRole.key, RetentionRole.name).order_by(RetentionRole.name)
    roles: dict[str, str] = {row.key: row.name for row in db.execute(query)}
    if values.owner and values.owner not in roles:
        roles[values.owner] = values.owner.replace("_", " ")
    actions = [*values.actions, ActionRow()]
    firing = [a for a in outcome.accounts if a["state"] == "fires"] if outcome else []
    context = {
        "form": values,
        "signals": sorted(
            ((name, signal_label(name), s.description) for name, s in known.signals.items()),
            key=lambda item: item[1],
        ),
        "signal": signal,
        "signal_params": param_fields(signal.params) if signal else [],
        "fields": condition_fields(signal, who.hidden) if signal else {},
        "ops": OP_LABELS,
        "conditions": [*values.conditions, ConditionRow(), ConditionRow()],
        "action_types": [(name, action_label(name)) for name in known.actions],
        "actions": [
            (
                row,
                [
                    f
                    for f in param_fields(known.actions[row.type].params)
                    if not (row.type == OWNER_ACTION and f.name == OWNER_PARAM)
                ]
                if row.type in known.actions
                else [],
            )
            for row in actions
        ],
        "roles": roles,
        "problems": problems or [],
        "outcome": outcome,
        "firing": firing,
        "accounts": len({a["account_id"] for a in firing}),
        "text": text,
        "existing": existing,
    }
    return render(request, "playbooks/builder.html", context, status=status)
