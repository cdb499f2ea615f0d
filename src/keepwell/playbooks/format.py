"""Filling rule texts (task titles, notes) with an account's name and a hit's facts."""

from __future__ import annotations

from typing import Any

from keepwell.playbooks.core import Firing


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, firing: Firing) -> str:
    """``template`` with ``{account}``, ``{summary}`` and the hit's facts filled in."""
    values = _Blank(firing.hit.facts)
    values.update(account=firing.account.name, summary=firing.hit.summary, rule=firing.rule.name)
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return template
