"""Playbooks as pages, API and CLI use them: the rule set, dry runs, runs, saving rules.

Built-in rules ship in ``keepwell/playbooks/builtin``; the company's rules live in the
playbooks folder of the data directory, and a company rule with a built-in's name
replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.days import utcnow
from keepwell.notify.inbox import wants_email
from keepwell.notify.notice import Notice
from keepwell.people.models import Employee
from keepwell.playbooks.conditions import refuse_hidden_conditions
from keepwell.playbooks.core import Context
from keepwell.playbooks.engine import RuleOutcome, evaluate
from keepwell.playbooks.rules import Rule, RuleError, parse_rule
from keepwell.settings import get_settings
from keepwell.tasks.escalation import escalate_overdue

BUILTIN_DIR = Path(__file__).parent / "builtin"


@dataclass
class RuleSet:
    """The rules in force, and the company files that failed to load."""

    rules: dict[str, Rule]
    broken: list[RuleError] = field(default_factory=list)


@dataclass
class RunReport:
    """One evaluation of every enabled rule."""

    today: date
    dry_run: bool
    outcomes: list[RuleOutcome]
    escalated: int = 0
    notices: list[Notice] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """JSON-ready counts per playbook."""
        return {
            "as_of": self.today.isoformat(),
            "dry_run": self.dry_run,
            "playbooks": [o.summary() for o in self.outcomes],
            "tasks_created": sum(o.tasks for o in self.outcomes),
            "escalated": self.escalated,
            "notices": len(self.notices),
            "broken_rules": self.broken,
        }


def company_dir() -> Path:
    """The folder of the company's rules."""
    return get_settings().resolved_playbooks_dir()


def rule_titles(folder: Path | None = None) -> dict[str, str]:
    """Each playbook's title by its name (what people read instead of the name).

    Read again only when a company rule file changed (by its names and modification times).
    """
    where = folder or company_dir()
    files = sorted(where.glob("*.yaml")) if where.is_dir() else []
    return dict(_titles(where, tuple((p.name, p.stat().st_mtime_ns) for p in files)))


@lru_cache(maxsize=8)
def _titles(folder: Path, stamp: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, rule.spec.title) for name, rule in load_rules(folder).rules.items())


def rule_title(name: str) -> str:
    """A playbook's title, or its name in words when no rule has that name (any more)."""
    return rule_titles().get(name) or name.replace("_", " ").capitalize()


def load_rules(folder: Path | None = None) -> RuleSet:
    """The built-in rules, overridden by the company's; broken company files are reported."""
    rules = {r.name: r for r in _read(BUILTIN_DIR, "builtin", strict=True)[0]}
    own, broken = _read(folder or company_dir(), "company", strict=False)
    for rule in own:
        rule.overrides = [rule.name] if rule.name in rules else []
        rules[rule.name] = rule
    return RuleSet(dict(sorted(rules.items())), broken)


def _read(folder: Path, origin: str, *, strict: bool) -> tuple[list[Rule], list[RuleError]]:
    rules, broken = [], []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            rule = parse_rule(path.read_text(encoding="utf-8"), origin=origin, source=path.name)
        except RuleError as exc:
            if strict:
                raise
            broken.append(exc)
            continue
        rule.path = path
        rules.append(rule)
    return rules, broken


def find_rule(name: str, folder: Path | None = None) -> Rule:
    """The rule ``name``; ``KeyError`` naming the known rules otherwise."""
    rules = load_rules(folder).rules
    if name not in rules:
        raise KeyError(f"no playbook {name!r}; known: {', '.join(rules)}")
    return rules[name]


def dry_run(
    session: Session,
    rule: Rule,
    today: date | None = None,
    *,
    hidden: frozenset[str] = frozenset(),
) -> RuleOutcome:
    """What ``rule`` would do now, without writing anything; ``HiddenFieldError`` (before
    anything is evaluated) when a condition tests a field in ``hidden``."""
    refuse_hidden_conditions(rule, hidden)
    ctx = Context(session, today or date.today())
    return evaluate(ctx, rule, dry_run=True, now=_now(ctx.today))


def run_playbooks(
    session: Session,
    *,
    today: date | None = None,
    folder: Path | None = None,
    actor: str = "playbooks",
) -> RunReport:
    """Evaluate every enabled rule once, then escalate overdue tasks (not committed)."""
    ctx = Context(session, today or date.today(), actor=actor)
    rule_set = load_rules(folder)
    now = _now(ctx.today)
    outcomes = [
        evaluate(ctx, rule, now=now) for rule in rule_set.rules.values() if rule.spec.enabled
    ]
    escalated = escalate_overdue(session, ctx.today, actor=actor)
    for task in escalated:
        target = session.get(Employee, task.escalated_to_id) if task.escalated_to_id else None
        if (
            target is not None
            and target.email
            and wants_email(session, "escalation", employee_id=target.id)
        ):
            line = f"Escalated: {task.title} (due {task.due_on})"
            ctx.notices.append(Notice("email", target.email, line, task.account_id, task.rule))
    broken = [str(b) for b in rule_set.broken]
    return RunReport(ctx.today, False, outcomes, len(escalated), ctx.notices, broken)


def save_rule(
    text: str,
    *,
    actor: str,
    session: Session,
    folder: Path | None = None,
    hidden: frozenset[str] = frozenset(),
) -> Rule:
    """Validate ``text`` and save it as the company's rule ``<name>.yaml`` (audited);
    ``HiddenFieldError`` when a condition tests a field in ``hidden``."""
    rule = parse_rule(text, origin="company", source="rule")
    refuse_hidden_conditions(rule, hidden)
    target = folder or company_dir()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{rule.name}.yaml"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    rule.path = path
    record(
        session,
        actor=actor,
        action="playbook.saved",
        entity="playbooks",
        changes={"name": rule.name, "enabled": rule.spec.enabled, "file": path.name},
    )
    return rule


def _now(today: date) -> datetime:
    """The run's clock: today's date at the current time of day (so ``--as-of`` works)."""
    return datetime.combine(today, utcnow().time())
