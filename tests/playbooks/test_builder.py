"""The rule builder's form: every rule it can show round-trips exactly; the rest stays YAML."""

from __future__ import annotations

import pytest

from keepwell.playbooks.builder import (
    ActionRow,
    BuilderError,
    ConditionRow,
    RuleForm,
    condition_fields,
    condition_value,
    expressible,
    form_from_spec,
    form_yaml,
    param_fields,
)
from keepwell.playbooks.plugins import registry
from keepwell.playbooks.rules import RuleSpec, parse_rule
from keepwell.playbooks.service import load_rules

FORM = RuleForm(
    name="quiet_a_accounts",
    title="Quiet A accounts",
    description="A customers who stopped ordering.",
    signal="order_gap",
    params={"min_ratio": "3", "max_days_since": "400"},
    conditions=[
        ConditionRow("account.tier", "in", "A, B"),
        ConditionRow("score.health_score", "lte", "55.5"),
        ConditionRow("days_since", "gte", "60"),
    ],
    cooldown_days="21",
    owner="service_lead",
    actions=[
        ActionRow(
            "create_task", {"title": "Call {account}", "due_in_days": "5", "priority": "high"}
        ),
        ActionRow("notify", {"channel": "email", "to": "owner"}),
        ActionRow("leadership_review", {}),
    ],
)


def test_a_rule_from_the_form_loads_back_into_the_same_form() -> None:
    known = registry()
    text = form_yaml(FORM, known)
    rule = parse_rule(text, origin="company", source="form")
    assert rule.spec.params == {"min_ratio": 3, "max_days_since": 400}
    assert rule.spec.conditions[0].value == ["A", "B"]
    assert rule.spec.conditions[1].value == 55.5
    assert rule.spec.actions[0] == {
        "type": "create_task",
        "role": "service_lead",
        "title": "Call {account}",
        "due_in_days": 5,
        "priority": "high",
    }
    assert form_from_spec(rule.spec) == FORM
    assert form_yaml(form_from_spec(rule.spec), known) == text
    assert expressible(rule.spec, known)


def test_every_built_in_rule_the_form_can_show_round_trips() -> None:
    known = registry()
    rules = load_rules(None).rules.values()
    shown = [rule for rule in rules if expressible(rule.spec, known)]
    assert len(shown) >= len(rules) - 2
    for rule in shown:
        again = parse_rule(form_yaml(form_from_spec(rule.spec), known), origin="x", source="x")
        assert form_from_spec(again.spec) == form_from_spec(rule.spec), rule.name


def test_rules_the_form_cannot_show_stay_in_yaml() -> None:
    known = registry()
    base = {
        "name": "x",
        "title": "X",
        "signal": "order_gap",
        "actions": [{"type": "create_task"}],
    }
    assert expressible(RuleSpec.model_validate(base), known)
    cases = [
        {**base, "signal": "complaint_sla", "params": {"kinds": ["complaint"]}},
        {**base, "conditions": [{"field": "account.attributes.fleet", "value": 3}]},
        {
            **base,
            "conditions": [{"field": "account.tier", "value": "5"}],
        },  # text that reads as a number
        {
            **base,
            "actions": [
                {"type": "create_task", "role": "account_owner"},
                {"type": "create_task", "role": "service_lead"},
            ],
        },
    ]
    for case in cases:
        assert not expressible(RuleSpec.model_validate(case), known), case


def test_values_and_fields_offered() -> None:
    known = registry()
    assert condition_value("A, B ,", "in") == ["A", "B"]
    assert condition_value("true", "eq") is True
    assert condition_value("0.25", "gte") == 0.25
    invoices = known.signals["overdue_invoice"]
    offered = condition_fields(invoices, frozenset())
    assert offered["amount"] == "Signal: Overdue amount"
    assert offered["account.tier"] == "Account: tier"
    hidden = condition_fields(invoices, frozenset({"order.amount", "account.contract_value"}))
    assert "amount" not in hidden and "account.contract_value" not in hidden
    kinds = {f.name: f.kind for f in param_fields(known.actions["create_task"].params)}
    assert kinds == {
        "role": "text",
        "title": "text",
        "description": "text",
        "due_in_days": "int",
        "priority": "choice",
    }
    assert [f.name for f in param_fields(known.signals["complaint_sla"].params)] == [
        "lookback_days"
    ]


def test_values_of_the_wrong_type_are_refused_by_field() -> None:
    bad = RuleForm(
        name="x",
        title="X",
        signal="order_gap",
        params={"min_ratio": "often"},
        cooldown_days="soon",
        actions=[],
    )
    with pytest.raises(BuilderError) as caught:
        form_yaml(bad, registry())
    assert caught.value.problems == [
        "Signal At least this many times the usual: 'often' is not a number",
        "Actions: choose at least one",
        "Cooldown: 'soon' is not a whole number of days",
    ]
