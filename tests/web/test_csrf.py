"""CSRF: every state-changing request made with the session cookie needs the session's token."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from tests.web.conftest import SQLITE_ONLY, Browser, bearer, calls, email

from keepwell.db import session_scope
from keepwell.record.models import Interaction

pytestmark = SQLITE_ONLY
CSRF_VALUES = re.compile(r'name="csrf_token" value="([^"]*)"')


def notes(engine: Engine) -> int:
    with session_scope(engine) as session:
        return (
            session.scalar(
                select(func.count(Interaction.id)).where(Interaction.source == "keepwell")
            )
            or 0
        )


def test_every_state_changing_route_refuses_a_missing_or_forged_token(
    app: FastAPI, browser: Callable[[str], Browser]
) -> None:
    admin = browser("admin")
    checked = 0
    for route, method, path in calls(app):
        if route.public or method == "GET":
            continue
        for headers in ({}, {"X-CSRF-Token": "forged" + admin.csrf[6:]}):
            response = admin.client.request(method, path, headers=headers)
            assert response.status_code == 403, (method, path, headers)
        checked += 1
    assert checked >= 10


def test_note_form_needs_the_sessions_token(
    engine: Engine, browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    form = {"text": "Called about the seal", "kind": "call"}
    assert member.post(f"/accounts/{acme}/notes", form, csrf=False).status_code == 403
    forged = {**form, "csrf_token": "A" * len(member.csrf)}
    assert member.post(f"/accounts/{acme}/notes", forged, csrf=False).status_code == 403
    other = browser("leader")
    stolen = {**form, "csrf_token": other.csrf}
    assert member.post(f"/accounts/{acme}/notes", stolen, csrf=False).status_code == 403
    assert notes(engine) == 0
    done = member.post(f"/accounts/{acme}/notes", form)
    assert (done.status_code, done.headers["location"]) == (303, f"/accounts/{acme}?tab=timeline")
    by_header = member.client.post(
        f"/accounts/{acme}/notes",
        data=form,
        headers={"X-CSRF-Token": member.csrf, "HX-Request": "true", "HX-Target": "activity"},
    )
    assert by_header.status_code == 200 and "Called about the seal" in by_header.text
    assert notes(engine) == 2


def test_api_with_cookie_needs_the_header_and_tokens_need_none(
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
    anonymous: TestClient,
    record: dict[str, int],
) -> None:
    member = browser("member")
    note = {"account_id": record["C-1"], "text": "From a script"}
    refused = member.client.post("/api/v1/interactions", json=note)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    ok = member.client.post(
        "/api/v1/interactions", json=note, headers={"X-CSRF-Token": member.csrf}
    )
    assert ok.status_code == 201
    with_token = anonymous.post(
        "/api/v1/interactions", json=note, headers=bearer(token("member", "write"))
    )
    assert with_token.status_code == 201


def test_sign_in_form_has_its_own_token(app: FastAPI, people: dict[str, int]) -> None:
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    data = {"email": email("admin"), "password": "correct horse battery"}
    assert client.post("/login", data={**data, "csrf_token": "guess"}).status_code == 403
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    fresh = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert fresh.post("/login", data={**data, "csrf_token": token.group(1)}).status_code == 403
    assert client.post("/login", data={**data, "csrf_token": token.group(1)}).status_code == 303


def test_every_form_carries_the_sessions_token(
    browser: Callable[[str], Browser], people: dict[str, int], record: dict[str, int]
) -> None:
    """Forms built with the ``csrf()`` macro hold the session's token, not an empty one."""
    admin = browser("admin")
    pages = [
        "/imports",
        "/password",
        "/admin/users",
        "/admin/tokens",
        f"/admin/users/{people['member']}",
        f"/accounts/{record['C-1']}",
    ]
    for path in pages:
        tokens = CSRF_VALUES.findall(admin.get(path).text)
        assert len(tokens) >= 2, path
        assert set(tokens) == {admin.csrf}, path
