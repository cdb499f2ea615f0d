"""The plugin manager: built-in signals and actions first, then the company's plugins."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pluggy

from keepwell.playbooks import hookspecs
from keepwell.playbooks.core import Action, Signal

ENTRY_POINT_GROUP = "keepwell.playbooks"


class PluginError(RuntimeError):
    """Two plugins claim the same signal or action name, or a plugin returns something else."""


@dataclass(frozen=True)
class Registry:
    """Every known signal and action by name."""

    signals: dict[str, Signal[Any]]
    actions: dict[str, Action[Any]]
    plugins: list[str]


def make_manager(*extra: object, entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, ``extra`` plugins and the entry-point plugins."""
    from keepwell.playbooks import actions
    from keepwell.playbooks.signals import builtin

    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(builtin, name="keepwell-signals")
    manager.register(actions, name="keepwell-actions")
    for plugin in extra:
        manager.register(plugin)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


def collect(manager: pluggy.PluginManager) -> Registry:
    """The signals and actions the manager's plugins provide; names must be unique."""
    signals: dict[str, Signal[Any]] = {}
    actions: dict[str, Action[Any]] = {}
    for found in manager.hook.keepwell_playbook_signals():
        _add(signals, found, Signal, "signal")
    for found in manager.hook.keepwell_playbook_actions():
        _add(actions, found, Action, "action")
    names = [name or "?" for name, _plugin in manager.list_name_plugin()]
    return Registry(signals, actions, names)


def _add(into: dict[str, Any], found: list[Any], kind: type[Any], label: str) -> None:
    for item in found:
        if not isinstance(item, kind):
            raise PluginError(f"a plugin returned {item!r}, not a {label}")
        name: str = getattr(item, "name", "")
        if name in into:
            raise PluginError(f"two plugins provide the {label} {name!r}")
        into[name] = item


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The process-wide registry (built-ins and installed plugins)."""
    return collect(make_manager())
