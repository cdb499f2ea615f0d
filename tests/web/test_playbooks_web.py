"""Playbook pages: list, editor with validation errors, dry run, history; who may save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine, select
from starlette.testclient import TestClient
from tests.web.conftest import Browser, bearer

from keepwell.audit.models import AuditLog
from keepwell.db import session_scope
from keepwell.playbooks.service import run_playbooks
from keepwell.web.state import WebState

RULE = """\
name: thin_accounts
title: Thin accounts
signal: single_threaded
params:
  min_orders_365d: 1
  include_uncovered: true
cooldown_days: 30
actions:
  - type: create_task
    title: "Widen {account}"
"""


def folder(app: FastAPI) -> Path:
    state = app.state.keepwell
    assert isinstance(state, WebState)
    return state.settings.resolved_playbooks_dir()


def test_everyone_sees_playbooks_and_dry_runs(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    page = member.get("/playbooks")
    assert page.status_code == 200
    for title in (
        "Going quiet",
        "Repeat problems",
        "Single-threaded relationship",
        "Unheard detractor",
        "Broken promise at hand-off",
    ):
        assert title in page.text
    assert 'href="/playbooks"' in page.text and "New playbook" not in page.text
    editor = member.get("/playbooks/going_quiet").text
    assert "signal: order_gap" in editor and "readonly" in editor
    dry = member.get("/playbooks/key_contact_left/dry-run")
    assert dry.status_code == 200 and "would fire on <strong>0</strong> accounts now" in dry.text
    preview = member.post("/playbooks/preview", {"text": RULE})
    assert "would fire on <strong>2</strong> accounts now" in preview.text
    assert "Acme Pumps" in preview.text and "Gamma Mills" in preview.text
    assert member.post("/playbooks/save", {"text": RULE}).status_code == 403
    assert member.get("/playbooks/new").status_code == 403
    assert member.get("/playbooks/nothing").status_code == 404
    assert browser("auditor").post("/playbooks/save", {"text": RULE}).status_code == 403


def test_leader_saves_valid_rules_and_sees_errors_by_line(
    app: FastAPI, browser: Callable[[str], Browser], engine: Engine, record: dict[str, int]
) -> None:
    leader = browser("leader")
    assert "New playbook" in leader.get("/playbooks").text
    assert "name: my_rule" in leader.get("/playbooks/new").text
    bad = leader.post(
        "/playbooks/save", {"text": RULE.replace("min_orders_365d: 1", "min_orders_365d: lots")}
    )
    assert bad.status_code == 422
    assert (
        "Line 5, <code>params.min_orders_365d</code>: Input should be a valid integer" in bad.text
    )
    assert "min_orders_365d: lots" in bad.text
    assert not (folder(app) / "thin_accounts.yaml").exists()
    saved = leader.post("/playbooks/save", {"text": RULE})
    assert saved.status_code == 303 and saved.headers["location"] == "/playbooks/thin_accounts"
    assert (folder(app) / "thin_accounts.yaml").read_text() == RULE
    assert "Rule “thin_accounts” saved." in leader.get(saved.headers["location"]).text
    listing = leader.get("/playbooks").text
    assert "Thin accounts" in listing and "<code>thin_accounts</code> · company" in listing
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "playbook.saved")).one()
        assert entry.actor == "leader@maker.test" and entry.changes["name"] == "thin_accounts"
        run_playbooks(s, folder=folder(app))
    history = leader.get("/playbooks/history?rule=thin_accounts").text
    assert history.count("<tr>") == 3 and "Acme Pumps" in history  # header + 2 firings
    admin = browser("admin")
    assert (
        admin.post("/playbooks/save", {"text": RULE.replace("Thin", "Narrow")}).status_code == 303
    )


def test_api_lists_playbooks_and_dry_runs(
    anonymous: TestClient, token: Callable[[str, str], str], record: dict[str, int]
) -> None:
    auth = bearer(token("member", "read"))
    listed = anonymous.get("/api/v1/playbooks", headers=auth).json()
    names = {p["name"]: p for p in listed["playbooks"]}
    assert names["unheard_detractor"]["actions"] == ["create_task", "escalate", "notify"]
    assert listed["broken"] == []
    preview = anonymous.get("/api/v1/playbooks/single_threaded/dry-run", headers=auth)
    assert preview.status_code == 200 and preview.json()["rule"] == "single_threaded"
    assert {a["state"] for a in preview.json()["accounts"]} <= {"fires"}
    missing = anonymous.get("/api/v1/playbooks/nothing/dry-run", headers=auth)
    assert missing.status_code == 404 and missing.json()["detail"] == "no playbook 'nothing'"
