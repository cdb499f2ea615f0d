"""Rules in YAML: validation errors naming the line and field; built-ins and company rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepwell.playbooks.rules import RuleError, parse_rule
from keepwell.playbooks.service import BUILTIN_DIR, load_rules

GOOD = """\
name: quiet_a
title: Quiet A accounts
signal: order_gap
params:
  min_ratio: 3
conditions:
  - {field: account.tier, op: in, value: [A]}
actions:
  - type: create_task
    title: "Call {account}"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RuleError) as caught:
        parse_rule(text, origin="company", source="x.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_rule_resolves_its_signal_and_actions() -> None:
    rule = parse_rule(GOOD, origin="company", source="x.yaml")
    assert rule.name == "quiet_a" and rule.signal.name == "order_gap"
    assert rule.signal_params.model_dump()["min_ratio"] == 3
    assert [a.name for a, _ in rule.actions] == ["create_task"]
    assert rule.spec.cooldown_days == 14 and rule.spec.enabled


def test_errors_name_the_line_and_field() -> None:
    assert problems(GOOD.replace("min_ratio: 3", "min_ratio: many")) == [
        "line 5, params.min_ratio: Input should be a valid number, "
        "unable to parse string as a number"
    ]
    assert problems(GOOD.replace("min_ratio: 3", "min_ration: 3")) == [
        "line 5, params.min_ration: Extra inputs are not permitted"
    ]
    assert problems(GOOD.replace("signal: order_gap", "signal: order_gaps"))[0].startswith(
        "line 3, signal: unknown signal 'order_gaps'; known: alarm_spike, broken_promise"
    )
    assert problems(GOOD.replace("type: create_task", "type: create_tasks"))[0].startswith(
        "line 9, actions[0].type: unknown action 'create_tasks'; known: create_task, escalate"
    )
    assert problems(GOOD + "    due_in_days: -1\n") == [
        "line 11, actions[0].due_in_days: Input should be greater than or equal to 0"
    ]
    assert problems(GOOD.replace("op: in", "op: within")) == [
        "line 7, conditions[0].op: Input should be 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', "
        "'in' or 'not_in'"
    ]
    assert problems(GOOD.replace("name: quiet_a", "name: Quiet A")) == [
        "line 1, name: String should match pattern '^[a-z0-9][a-z0-9_-]{0,63}$'"
    ]
    assert problems("name: [unclosed\n")[0].startswith("line 2, not valid YAML")
    assert problems("- just a list\n") == ["line 1, a rule is a YAML mapping (name: ..., ...)"]


def test_builtins_load_and_company_rules_override_them(tmp_path: Path) -> None:
    builtin = load_rules(tmp_path / "none").rules
    scenarios = {
        "going_quiet",
        "repeat_problems",
        "single_threaded",
        "unheard_detractor",
        "broken_promise",
        "departure_handover",
    }
    assert scenarios <= {name for name, rule in builtin.items() if rule.spec.enabled}
    assert all(rule.origin == "builtin" for rule in builtin.values())
    assert len(list(BUILTIN_DIR.glob("*.yaml"))) == len(builtin)
    own = (BUILTIN_DIR / "going_quiet.yaml").read_text().replace("enabled: true", "")
    (tmp_path / "going_quiet.yaml").write_text(own + "enabled: false\n")
    (tmp_path / "broken.yaml").write_text(GOOD.replace("order_gap", "nothing"))
    loaded = load_rules(tmp_path)
    assert loaded.rules["going_quiet"].origin == "company"
    assert loaded.rules["going_quiet"].overrides == ["going_quiet"]
    assert not loaded.rules["going_quiet"].spec.enabled
    assert [e.source for e in loaded.broken] == ["broken.yaml"]
