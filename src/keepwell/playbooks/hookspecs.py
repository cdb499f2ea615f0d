"""Extension points of playbooks, as pluggy hook specifications.

A plugin is a module or object with functions marked ``@hookimpl`` and named like the
specifications below. Register it through the ``keepwell.playbooks`` entry point group::

    [project.entry-points."keepwell.playbooks"]
    acme = "acme_keepwell.playbooks"
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "keepwell"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def keepwell_playbook_signals() -> list[Any]:  # type: ignore[empty-body]
    """Signals this plugin adds: instances of :class:`keepwell.playbooks.core.Signal`."""


@hookspec
def keepwell_playbook_actions() -> list[Any]:  # type: ignore[empty-body]
    """Actions this plugin adds: instances of :class:`keepwell.playbooks.core.Action`."""
