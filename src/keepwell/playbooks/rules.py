"""Playbook rules in YAML: parsing, validation against the known signals and actions, and
errors that name the line and the field.

A rule::

    name: going_quiet
    title: Going quiet
    signal: order_gap
    params: {min_ratio: 2}
    conditions:
      - {field: account.tier, op: in, value: [A, B]}
    cooldown_days: 30
    actions:
      - {type: create_task, role: account_owner, title: "Call {account}", due_in_days: 7}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from keepwell.errors import Invalid
from keepwell.playbooks.core import Action, Signal
from keepwell.playbooks.plugins import Registry, registry

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
Op = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"]


class Condition(BaseModel):
    """A test on the account (``account.tier``), its latest score (``score.health_score``)
    or a fact of the signal (``days_late``)."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=128)
    op: Op = "eq"
    value: Any = None


class RuleSpec(BaseModel):
    """The YAML document of a rule."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    title: str = Field(min_length=1, max_length=255)
    description: str = ""
    enabled: bool = True
    signal: str
    params: dict[str, Any] = Field(default_factory=dict)
    conditions: list[Condition] = Field(default_factory=list)
    cooldown_days: int = Field(default=14, ge=0, le=3650)
    actions: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True)
class RuleProblem:
    """One thing wrong with a rule: where (line, field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


class RuleError(Invalid):
    """A rule does not parse or validate; ``problems`` says where and why."""

    def __init__(self, source: str, problems: list[RuleProblem]) -> None:
        super().__init__(f"{source}: " + "; ".join(str(p) for p in problems))
        self.source = source
        self.problems = problems


@dataclass
class Rule:
    """A validated rule with its signal and actions resolved."""

    spec: RuleSpec
    signal: Signal[Any]
    signal_params: BaseModel
    actions: list[tuple[Action[Any], BaseModel]]
    origin: str
    text: str
    path: Path | None = None
    overrides: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The rule's unique name."""
        return self.spec.name


def parse_rule(text: str, *, origin: str, source: str, plugins: Registry | None = None) -> Rule:
    """Parse and validate one rule; ``RuleError`` with line numbers when it is wrong."""
    known = plugins or registry()
    try:
        document = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RuleError(source, [RuleProblem(line, "", f"not valid YAML ({exc})")]) from None
    if not isinstance(document, dict):
        raise RuleError(source, [RuleProblem(1, "", "a rule is a YAML mapping (name: ..., ...)")])
    try:
        spec = RuleSpec.model_validate(document)
    except ValidationError as exc:
        raise RuleError(source, _problems(exc, tree, ())) from None
    signal, signal_params = _signal(spec, known, tree, source)
    actions = [_action(spec, i, raw, known, tree, source) for i, raw in enumerate(spec.actions)]
    return Rule(spec, signal, signal_params, actions, origin, text)


def _signal(spec: RuleSpec, known: Registry, tree: Any, source: str) -> tuple[Signal[Any], Any]:
    signal = known.signals.get(spec.signal)
    if signal is None:
        names = ", ".join(sorted(known.signals))
        problem = RuleProblem(
            _line(tree, ("signal",)), "signal", f"unknown signal {spec.signal!r}; known: {names}"
        )
        raise RuleError(source, [problem])
    try:
        return signal, signal.params.model_validate(spec.params)
    except ValidationError as exc:
        raise RuleError(source, _problems(exc, tree, ("params",))) from None


def _action(
    spec: RuleSpec, index: int, raw: dict[str, Any], known: Registry, tree: Any, source: str
) -> tuple[Action[Any], BaseModel]:
    at = ("actions", index)
    kind = raw.get("type")
    action = known.actions.get(kind) if isinstance(kind, str) else None
    if action is None:
        names = ", ".join(sorted(known.actions))
        problem = RuleProblem(
            _line(tree, (*at, "type")),
            f"actions[{index}].type",
            f"unknown action {kind!r}; known: {names}",
        )
        raise RuleError(source, [problem])
    try:
        params = action.params.model_validate({k: v for k, v in raw.items() if k != "type"})
    except ValidationError as exc:
        raise RuleError(source, _problems(exc, tree, at)) from None
    return action, params


def _problems(exc: ValidationError, tree: Any, prefix: tuple[Any, ...]) -> list[RuleProblem]:
    problems = []
    for error in exc.errors():
        path = (*prefix, *error["loc"])
        problems.append(RuleProblem(_line(tree, path), _dotted(path), error["msg"]))
    return problems


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line(node: Any, path: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``path`` (or of its nearest parent)."""
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for part in path:
        child = _child(node, part)
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
