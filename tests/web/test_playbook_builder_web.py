"""The playbook rule builder over HTTP: options, dry run before saving, round trip, access."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml
from fastapi import FastAPI
from tests.web.conftest import Browser

from keepwell.web.state import WebState

FORM = {
    "title": "Thin accounts",
    "name": "",
    "description": "One person holds the relationship.",
    "enabled": "true",
    "signal": "single_threaded",
    "param_min_orders_365d": "1",
    "param_include_uncovered": "true",
    "cond_0_field": "account.tier",
    "cond_0_op": "ne",
    "cond_0_value": "Z",
    "owner": "account_owner",
    "action_0_type": "create_task",
    "action_0__title": "Widen {account}",
    "action_0__due_in_days": "5",
    "action_1_type": "notify",
    "cooldown_days": "30",
}


def folder(app: FastAPI) -> Path:
    state = app.state.keepwell
    assert isinstance(state, WebState)
    return state.settings.resolved_playbooks_dir()


def test_a_rule_is_built_dry_run_saved_and_loads_back_into_the_form(
    app: FastAPI, browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    leader = browser("leader")
    start = leader.get("/playbooks/new/build")
    assert start.status_code == 200
    assert "Orders have stopped (order gap)" in start.text and "order_gap<" not in start.text
    refreshed = leader.post("/playbooks/build", {**FORM, "do": "refresh"}).text
    assert "Include accounts with nobody on them" in refreshed  # the new signal's settings
    assert 'value="save"' not in refreshed  # saving comes after a dry run
    dry = leader.post("/playbooks/build", {**FORM, "do": "preview"})
    assert dry.status_code == 200
    assert "would fire on <strong>2</strong> accounts now" in dry.text
    assert "Acme Pumps" in dry.text and 'value="save"' in dry.text
    assert not (folder(app) / "thin_accounts.yaml").exists()
    bad = leader.post(
        "/playbooks/build", {**FORM, "param_min_orders_365d": "lots", "do": "preview"}
    )
    assert bad.status_code == 422 and "&#39;lots&#39; is not a number" in bad.text
    saved = leader.post("/playbooks/build", {**FORM, "do": "save"})
    assert (
        saved.status_code == 303 and saved.headers["location"] == "/playbooks?saved=thin_accounts"
    )
    listing = leader.get(saved.headers["location"]).text
    assert (
        "Saved the playbook “Thin accounts”." in listing and "<code>thin_accounts</code>" in listing
    )
    document = yaml.safe_load((folder(app) / "thin_accounts.yaml").read_text())
    assert document["conditions"] == [{"field": "account.tier", "op": "ne", "value": "Z"}]
    assert document["actions"][0] == {
        "type": "create_task",
        "role": "account_owner",
        "title": "Widen {account}",
        "due_in_days": 5,
    }
    again = leader.get("/playbooks/thin_accounts/build").text
    assert (
        'value="Widen {account}"' in again
        and 'name="cond_0_value" id="cond-0-value" value="Z"' in again
    )
    assert re.search(r'<option value="single_threaded" selected>', again)
    assert "Edit in the form" in leader.get("/playbooks/thin_accounts").text


def test_rules_the_form_cannot_show_open_in_the_yaml_editor(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    admin = browser("admin")
    moved = admin.get("/playbooks/complaint_sla/build")
    assert (
        moved.status_code == 303
        and moved.headers["location"] == "/playbooks/complaint_sla?advanced=1"
    )
    assert "the form cannot show" in admin.get(moved.headers["location"]).text
    assert admin.get("/playbooks/going_quiet/build").status_code == 200
    assert admin.get("/playbooks/nothing/build").status_code == 404
    for role in ("member", "auditor"):
        other = browser(role)
        assert other.get("/playbooks/new/build").status_code == 403, role
        assert other.get("/playbooks/going_quiet/build").status_code == 403, role
        assert other.post("/playbooks/build", {**FORM, "do": "save"}).status_code == 403, role
