"""A company plugin found through the ``keepwell.playbooks`` entry point adds a signal and
an action that rules can use; names must be unique."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.tasks.world import small_world

from keepwell.db import session_scope
from keepwell.playbooks import actions
from keepwell.playbooks.core import Context
from keepwell.playbooks.engine import evaluate
from keepwell.playbooks.hookspecs import hookimpl
from keepwell.playbooks.models import PlaybookFiring
from keepwell.playbooks.plugins import PluginError, collect, make_manager
from keepwell.playbooks.rules import parse_rule

PLUGIN = """
from keepwell.playbooks.core import Action, Hit, Params, Signal
from keepwell.playbooks.hookspecs import hookimpl


class NameParams(Params):
    contains: str = "a"


class NameContains(Signal[NameParams]):
    name = "name_contains"
    description = "Accounts whose name contains a text."
    params = NameParams

    def find(self, ctx, params):
        return [Hit(a.id, "name", f"{a.name} matches") for a in ctx.accounts.values()
                if params.contains in a.name]


class StampParams(Params):
    mark: str


class Stamp(Action[StampParams]):
    name = "stamp"
    description = "Note a mark in the firing's outcomes."
    params = StampParams

    def apply(self, ctx, firing, params):
        firing.outcomes.append(f"stamped {params.mark}")


@hookimpl
def keepwell_playbook_signals():
    return [NameContains()]


@hookimpl
def keepwell_playbook_actions():
    return [Stamp()]
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A distribution ``acme-keepwell`` on sys.path declaring the entry point."""
    (tmp_path / "acme_keepwell_plugin.py").write_text(PLUGIN)
    info = tmp_path / "acme_keepwell-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-keepwell\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[keepwell.playbooks]\nacme = acme_keepwell_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("acme_keepwell_plugin", None)


def test_entry_point_plugin_adds_a_signal_and_an_action(installed: Path, engine: Engine) -> None:
    manager = make_manager()
    assert "acme" in {name for name, _ in manager.list_name_plugin()}
    found = collect(manager)
    assert "name_contains" in found.signals and "stamp" in found.actions
    assert "order_gap" in found.signals and "create_task" in found.actions
    text = (
        "name: acme_rule\ntitle: A\nsignal: name_contains\nparams: {contains: cm}\n"
        "actions:\n  - {type: stamp, mark: X}\n"
    )
    rule = parse_rule(text, origin="company", source="a.yaml", plugins=found)
    with session_scope(engine) as s:
        w = small_world(s)
        outcome = evaluate(Context(s, date(2026, 1, 1)), rule, now=datetime(2026, 1, 1))
        assert (outcome.fired, outcome.tasks) == (1, 0)
        firing = s.scalars(select(PlaybookFiring)).one()
        assert firing.account_id == w.accounts["acme"] and firing.outcomes == ["stamped X"]


def test_two_plugins_cannot_claim_one_name() -> None:
    with pytest.raises(PluginError, match="two plugins provide the action 'create_task'"):
        collect(make_manager(_Twice(), entry_points=False))


class _Twice:
    """A plugin claiming a built-in action's name."""

    @hookimpl
    def keepwell_playbook_actions(self) -> list[object]:
        return [actions.CreateTask()]
