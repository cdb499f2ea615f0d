"""Survey rules in YAML beside the playbooks: which event asks which survey.

The built-in file is ``keepwell/playbooks/surveys.yaml``; a company's own
``<data_dir>/surveys.yaml`` replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from keepwell.errors import Invalid
from keepwell.surveys.scales import SCALES

BUILTIN = Path(__file__).resolve().parent.parent / "playbooks" / "surveys.yaml"
TRIGGERS = ("order_delivered", "ticket_closed", "relationship")
NAME_LENGTH = 64


class SurveyRuleError(Invalid):
    """A survey rule file that cannot be used, with the reason."""


@dataclass(frozen=True)
class SurveyRule:
    """One rule: on ``trigger`` ask ``kind``."""

    name: str
    title: str
    trigger: str
    kind: str
    enabled: bool = True
    within_days: int = 14
    every_days: int | None = None


def rules_file(data_dir: Path) -> Path:
    """The company's rule file when it exists, else the built-in one."""
    own = data_dir / "surveys.yaml"
    return own if own.is_file() else BUILTIN


def load_survey_rules(path: Path) -> list[SurveyRule]:
    """The rules in ``path``; ``SurveyRuleError`` says what is wrong and where."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SurveyRuleError(f"{path}: cannot read the survey rules: {exc}") from None
    items = document.get("surveys") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise SurveyRuleError(f"{path}: expected a list under 'surveys'")
    rules = [_rule(path, position, item) for position, item in enumerate(items, 1)]
    names = [r.name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SurveyRuleError(f"{path}: rule names must be unique: {', '.join(duplicates)}")
    return rules


def _rule(path: Path, position: int, item: Any) -> SurveyRule:
    where = f"{path}: rule {position}"
    if not isinstance(item, dict):
        raise SurveyRuleError(f"{where}: expected a mapping")
    known = {"name", "title", "trigger", "kind", "enabled", "within_days", "every_days"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise SurveyRuleError(f"{where}: unknown keys {', '.join(map(str, unknown))}")
    name = item.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= NAME_LENGTH:
        raise SurveyRuleError(f"{where}: 'name' must be text of 1 to {NAME_LENGTH} characters")
    trigger, kind = item.get("trigger"), item.get("kind")
    if trigger not in TRIGGERS:
        raise SurveyRuleError(f"{where} ({name}): 'trigger' must be one of {', '.join(TRIGGERS)}")
    if kind not in SCALES:
        raise SurveyRuleError(f"{where} ({name}): 'kind' must be one of {', '.join(SCALES)}")
    days = {}
    for key in ("within_days", "every_days"):
        value = item.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise SurveyRuleError(f"{where} ({name}): '{key}' must be a whole number of days")
        if value is not None and not 1 <= value <= 3650:
            raise SurveyRuleError(f"{where} ({name}): '{key}' must be 1 to 3650 days")
        days[key] = value
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SurveyRuleError(f"{where} ({name}): 'enabled' must be true or false")
    return SurveyRule(
        name=name,
        title=str(item.get("title") or name),
        trigger=str(trigger),
        kind=str(kind),
        enabled=enabled,
        within_days=days["within_days"] or 14,
        every_days=days["every_days"],
    )
