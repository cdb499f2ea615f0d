"""The playbook rule builder's model: a rule as form fields, and back to the same YAML.

``form_from_spec`` turns a rule into the form's values, ``form_document`` and
``form_yaml`` turn the form's values into the rule document. A rule the form cannot
express exactly (parameters it has no input for, conditions on fields it does not offer,
values whose type text cannot carry) is kept for the YAML editor: ``expressible``.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from keepwell.errors import Invalid
from keepwell.playbooks.conditions import ACCOUNT_FIELDS, SCORE_FIELDS, tested_field
from keepwell.playbooks.core import Signal
from keepwell.playbooks.plugins import Registry
from keepwell.playbooks.rules import RuleSpec

OWNER_ACTION = "create_task"
OWNER_PARAM = "role"
"""The owner of a rule is the role its tasks go to."""

SIGNAL_LABELS = {
    "churn_risk": "Churn risk is high",
    "health_low": "Health score is low",
    "renewal_due": "Renewal is near and at risk",
    "order_gap": "Orders have stopped (order gap)",
    "overdue_invoice": "Invoices are overdue",
    "stalled_rfq": "An RFQ waits for our quote",
    "broken_promise": "A promise to the customer was broken",
    "complaint_sla": "A complaint waits past its response time",
    "repeat_problem": "The same problem keeps coming back",
    "detractor": "An unhappy survey answer was not followed up",
    "key_contact_left": "A key contact left the customer",
    "employee_left": "One of our people on the account left",
    "single_threaded": "The relationship hangs on one person",
    "usage_decline": "Equipment usage is dropping",
    "alarm_spike": "Equipment alarms are spiking",
    "model_human_disagreement": "Our read and the model's read disagree",
}
ACTION_LABELS = {
    "create_task": "Create a task",
    "notify": "Notify by e-mail or webhook",
    "leadership_review": "Put the account on the leadership review",
    "escalate": "Escalate the task when overdue",
}
OP_LABELS = {
    "eq": "is",
    "ne": "is not",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "in": "is one of (comma-separated)",
    "not_in": "is none of (comma-separated)",
}
ACCOUNT_LABELS = {
    "segment": "Account: segment",
    "region": "Account: region",
    "tier": "Account: tier",
    "industry": "Account: industry",
    "country": "Account: country",
    "status": "Account: status",
    "name": "Account: name",
    "contract_value": "Account: contract value",
    "renewal_date": "Account: renewal date",
    "started_on": "Account: customer since",
}
SCORE_LABELS = {
    "churn_probability": "Score: churn risk (0–1)",
    "health_score": "Score: health (0–100)",
    "health_band": "Score: health band",
    "p_alive": "Score: chance still buying (0–1)",
    "revenue_at_risk": "Score: revenue at risk",
    "annual_revenue": "Score: annual revenue",
    "expected_value_12m": "Score: expected value, next 12 months",
}
FACT_LABELS: dict[str, dict[str, str]] = {
    "churn_risk": {"churn_probability": "Churn risk found (0–1)"},
    "health_low": {"health_score": "Health score found"},
    "renewal_due": {"days_to_renewal": "Days to the renewal"},
    "order_gap": {
        "days_since": "Days since the last order",
        "usual_gap": "Usual days between orders",
        "ratio": "Times the usual gap",
    },
    "overdue_invoice": {"invoices": "Overdue invoices", "amount": "Overdue amount"},
    "stalled_rfq": {"days_waiting": "Days the RFQ has waited"},
    "broken_promise": {"days_late": "Days late"},
    "complaint_sla": {"severity": "Severity", "hours_waiting": "Hours waiting"},
    "repeat_problem": {"tickets": "Tickets in the problem", "confidence": "Confidence"},
    "detractor": {"score": "Survey score"},
    "single_threaded": {"contacts": "Contacts involved", "team": "Our people involved"},
    "usage_decline": {"drop": "Usage drop (0–1)", "downtime_days": "Days of downtime"},
    "alarm_spike": {"alarms": "Alarms in 30 days", "rate": "Alarm rate"},
}
PARAM_LABELS = {
    "min_probability": "Churn risk at least (0–1; empty: the model's at-risk band)",
    "max_health": "Health score at most",
    "within_days": "Within days",
    "min_ratio": "At least this many times the usual",
    "min_order_days": "Only customers with at least this many order days",
    "max_days_since": "Ignore silences longer than (days)",
    "grace_days": "Days past the due day",
    "max_days": "Days without a response",
    "lookback_days": "Look back (days)",
    "min_days_late": "Days late at least",
    "sla_days": "Days to answer an RFQ",
    "min_tickets": "Tickets at least",
    "window_days": "Window (days)",
    "nps_max": "NPS score at most",
    "csat_max": "CSAT score at most",
    "only_vacant": "Only roles left vacant",
    "min_orders_365d": "Orders in the last year at least",
    "include_uncovered": "Include accounts with nobody on them",
    "min_drop": "Usage drop at least (0–1)",
    "metric": "Usage metric",
    "min_alarms": "Alarms at least",
    "only_more_worried": "Only when our people are more worried",
    "title": "Task title ({account} and {summary} are filled in)",
    "description": "Task description",
    "due_in_days": "Due in days",
    "priority": "Priority",
    "channel": "Channel",
    "to": "To (owner, role:<key> or an e-mail address)",
    "webhook": "Webhook name",
    "note": "Note on the review",
    "after_days": "Days past due before it goes up",
}
NUMBER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d*\.\d+$")
BLANK_CONDITIONS = 2
BLANK_ACTIONS = 1


class BuilderError(Invalid):
    """The form's values do not make a rule; ``problems`` names each field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParamField:
    """One parameter input: its name, label, kind of input and default."""

    name: str
    label: str
    kind: Literal["int", "float", "bool", "choice", "text"]
    choices: tuple[str, ...] = ()
    default: str = ""


@dataclass
class ConditionRow:
    """One condition as the form holds it (all text)."""

    field: str = ""
    op: str = "eq"
    value: str = ""


@dataclass
class ActionRow:
    """One action as the form holds it: its type and its parameters as text."""

    type: str = ""
    params: dict[str, str] = default(default_factory=dict)


@dataclass
class RuleForm:
    """Every value of the builder form, as text."""

    name: str = ""
    title: str = ""
    description: str = ""
    enabled: bool = True
    signal: str = ""
    params: dict[str, str] = default(default_factory=dict)
    conditions: list[ConditionRow] = default(default_factory=list)
    cooldown_days: str = "14"
    owner: str = ""
    actions: list[ActionRow] = default(default_factory=list)


def label(name: str) -> str:
    """A parameter's label."""
    return PARAM_LABELS.get(name, name.replace("_", " ").capitalize())


def signal_label(name: str) -> str:
    """A signal's label."""
    return SIGNAL_LABELS.get(name, name.replace("_", " ").capitalize())


def action_label(name: str) -> str:
    """An action's label."""
    return ACTION_LABELS.get(name, name.replace("_", " ").capitalize())


def param_fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[ParamField]:
    """The inputs for a parameters model (lists, mappings and other shapes get none)."""
    found = []
    for name, info in model.model_fields.items():
        kind, choices = _kind(info.annotation)
        if kind is None or name in skip:
            continue
        shown = "" if info.default in (None, PydanticUndefined) else _text(info.default)
        found.append(ParamField(name, label(name), kind, choices, shown))
    return found


def _kind(annotation: Any) -> tuple[Any, tuple[str, ...]]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return _kind(rest[0]) if len(rest) == 1 else (None, ())
    if origin is Literal:
        return "choice", tuple(str(a) for a in get_args(annotation))
    simple = {int: "int", float: "float", bool: "bool", str: "text"}
    return simple.get(annotation), ()


def condition_fields(signal: Signal[Any], hidden: frozenset[str]) -> dict[str, str]:
    """The fields a condition on ``signal`` may test, with labels; hidden ones left out."""
    offered = {f"account.{k}": ACCOUNT_LABELS.get(k, k) for k in ACCOUNT_FIELDS}
    offered |= {f"score.{k}": SCORE_LABELS.get(k, k) for k in SCORE_FIELDS}
    facts = FACT_LABELS.get(signal.name, {})
    offered |= {k: f"Signal: {text}" for k, text in facts.items()}
    return {k: text for k, text in offered.items() if tested_field(k, signal) not in hidden}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _scalar(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if NUMBER.match(text):
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    return text


def condition_value(text: str, op: str) -> Any:
    """A condition's value from the form's text: a list for ``in``/``not_in``, else a
    number, true/false or text."""
    text = text.strip()
    if op in ("in", "not_in"):
        return [_scalar(part.strip()) for part in text.split(",") if part.strip()]
    return _scalar(text)


def form_from_spec(spec: RuleSpec) -> RuleForm:
    """The form's values for a rule."""
    owner = ""
    actions = []
    for raw in spec.actions:
        params = {k: _text(v) for k, v in raw.items() if k != "type"}
        if raw.get("type") == OWNER_ACTION and OWNER_PARAM in params:
            owner = owner or params[OWNER_PARAM]
            params.pop(OWNER_PARAM)
        actions.append(ActionRow(str(raw.get("type", "")), params))
    return RuleForm(
        name=spec.name,
        title=spec.title,
        description=spec.description.strip(),
        enabled=spec.enabled,
        signal=spec.signal,
        params={k: _text(v) for k, v in spec.params.items()},
        conditions=[ConditionRow(c.field, c.op, _text(c.value)) for c in spec.conditions],
        cooldown_days=str(spec.cooldown_days),
        owner=owner,
        actions=actions,
    )


def _typed(text: str, spec: ParamField, where: str, problems: list[str]) -> Any:
    try:
        if spec.kind == "int":
            return int(text)
        if spec.kind == "float":
            return int(text) if NUMBER.match(text) else float(text)  # "3" stays 3
    except ValueError:
        problems.append(f"{where}: {text!r} is not a number")
        return None
    if spec.kind == "bool":
        return text == "true"
    return text


def _params(
    values: dict[str, str], fields: list[ParamField], where: str, problems: list[str]
) -> dict[str, Any]:
    by_name = {f.name: f for f in fields}
    typed = {}
    for name, text in values.items():
        if text.strip() == "" or name not in by_name:
            continue
        typed[name] = _typed(
            text.strip(), by_name[name], f"{where} {by_name[name].label}", problems
        )
    return typed


def form_document(form: RuleForm, known: Registry) -> dict[str, Any]:
    """The rule document the form's values make (``BuilderError`` for values that are
    not of their field's type); the rules' own validation checks the rest."""
    problems: list[str] = []
    signal = known.signals.get(form.signal)
    if signal is None:
        problems.append("Signal: choose one")
        params: dict[str, Any] = {}
    else:
        params = _params(form.params, param_fields(signal.params), "Signal", problems)
    actions: list[dict[str, Any]] = []
    for row in form.actions:
        action = known.actions.get(row.type)
        if action is None:
            continue
        entry: dict[str, Any] = {"type": row.type}
        if row.type == OWNER_ACTION and form.owner:
            entry[OWNER_PARAM] = form.owner
        fields = param_fields(
            action.params, skip=(OWNER_PARAM,) if row.type == OWNER_ACTION else ()
        )
        entry |= _params(row.params, fields, action_label(row.type) + ":", problems)
        actions.append(entry)
    if not actions:
        problems.append("Actions: choose at least one")
    try:
        cooldown = int(form.cooldown_days.strip() or "14")
    except ValueError:
        problems.append(f"Cooldown: {form.cooldown_days!r} is not a whole number of days")
        cooldown = 0
    if problems:
        raise BuilderError(problems)
    document: dict[str, Any] = {
        "name": form.name.strip(),
        "title": form.title.strip(),
        "description": form.description.strip(),
        "enabled": form.enabled,
        "signal": form.signal,
        "params": params,
        "conditions": [
            {"field": c.field, "op": c.op, "value": condition_value(c.value, c.op)}
            for c in form.conditions
            if c.field
        ],
        "cooldown_days": cooldown,
        "actions": actions,
    }
    if not document["description"]:
        del document["description"]
    if not document["conditions"]:
        del document["conditions"]
    return document


def form_yaml(form: RuleForm, known: Registry) -> str:
    """The rule's YAML text, in the order a person reads it."""
    return yaml.safe_dump(
        form_document(form, known), sort_keys=False, allow_unicode=True, width=100
    )


def expressible(spec: RuleSpec, known: Registry) -> bool:
    """True when the form shows ``spec`` exactly: form to YAML gives the same rule."""
    signal = known.signals.get(spec.signal)
    if signal is None:
        return False
    if not set(spec.params) <= {f.name for f in param_fields(signal.params)}:
        return False
    if not {c.field for c in spec.conditions} <= set(condition_fields(signal, frozenset())):
        return False
    form = form_from_spec(spec)
    if len({a.get(OWNER_PARAM) for a in spec.actions if a.get("type") == OWNER_ACTION}) > 1:
        return False
    try:
        document = form_document(form, known)
    except BuilderError:
        return False
    return _comparable(RuleSpec.model_validate(document)) == _comparable(spec)


def _comparable(spec: RuleSpec) -> dict[str, Any]:
    dumped = spec.model_dump()
    dumped["description"] = spec.description.strip()  # YAML's folded text ends in a newline
    return dumped
