"""Authentication worth its name: lockouts that forwarded headers cannot dodge, a rate-limited
current-password check, the password policy, tokens revoked by password changes, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine, select, update
from starlette.testclient import TestClient
from tests.web.conftest import PASSWORD, Browser, bearer, email, make_settings

from keepwell.auth.models import ApiToken, LoginAttempt, User
from keepwell.auth.service import find_user
from keepwell.auth.tokens import create_token
from keepwell.days import utcnow
from keepwell.db import session_scope
from keepwell.web import create_app

PROBLEM = "application/problem+json"


def wrong_sign_ins(client: Browser, count: int, forwarded: bool) -> list[int]:
    """Statuses of ``count`` wrong passwords, each with another ``X-Forwarded-For``."""
    statuses = []
    for n in range(count):
        if forwarded:
            client.client.headers["X-Forwarded-For"] = f"203.0.113.{n + 1}"
        statuses.append(client.sign_in(email("member"), "Wrong-password-4711").status_code)
    return statuses


def test_rotating_x_forwarded_for_does_not_dodge_the_lockout(
    app: FastAPI, people: dict[str, int], engine: Engine
) -> None:
    statuses = wrong_sign_ins(Browser(app), 40, forwarded=True)
    assert statuses[:4] == [401] * 4 and set(statuses[5:]) == {429}
    with session_scope(engine) as session:
        addresses = set(session.scalars(select(LoginAttempt.ip)))
    assert addresses == {"testclient"}, "forwarded headers are ignored without a trusted proxy"


def test_forwarded_addresses_count_only_from_trusted_proxies_and_the_account_locks(
    engine: Engine, people: dict[str, int], tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, trusted_proxies="testclient", login_account_max_failures=8)
    client = Browser(create_app(settings, engine))
    statuses = wrong_sign_ins(client, 9, forwarded=True)
    assert statuses[:7] == [401] * 7 and statuses[8] == 429
    client.client.headers["X-Forwarded-For"] = "198.51.100.7"
    right = client.sign_in(email("member"))
    assert right.status_code == 429, "the account is locked from every address"
    assert client.sign_in(email("leader")).status_code == 303, "other accounts are not"
    with session_scope(engine) as session:
        addresses = set(session.scalars(select(LoginAttempt.ip)))
    assert {"203.0.113.1", "203.0.113.8", "198.51.100.7"} <= addresses


def test_one_address_guessing_many_accounts_is_locked(
    engine: Engine, people: dict[str, int], tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, login_address_max_failures=6)
    client = Browser(create_app(settings, engine))
    for n in range(6):
        assert client.sign_in(f"guess{n}@maker.test", "Wrong-password-4711").status_code in (
            401,
            429,
        )
    assert client.sign_in(email("leader")).status_code == 429


def test_guessing_the_current_password_is_rate_limited(
    browser: Callable[[str], Browser], engine: Engine
) -> None:
    member = browser("member")
    form = {"new": "a fresh long secret", "confirm": "a fresh long secret"}
    statuses = [
        member.post("/password", {**form, "current": f"guess number {n}"}).status_code
        for n in range(6)
    ]
    assert statuses[:4] == [422] * 4 and statuses[5] == 429
    locked = member.post("/password", {**form, "current": PASSWORD})
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text
    with session_scope(engine) as session:
        user = find_user(session, email("member"))
        assert user is not None
        assert user.password_changed_at is not None
        still = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert still == user.password_hash


def test_the_policy_refuses_short_repetitive_and_common_passwords(
    browser: Callable[[str], Browser],
) -> None:
    member, admin = browser("member"), browser("admin")
    for weak, why in (
        ("password12", "at least 12 characters"),
        ("aaaaaaaaaaaa", "4 different characters"),
        ("password1234", "commonly used"),
        ("Qwertyuiop123!", "commonly used"),
    ):
        changed = member.post("/password", {"current": PASSWORD, "new": weak, "confirm": weak})
        assert changed.status_code == 422 and why in changed.text, weak
        created = admin.post(
            "/admin/users", {"email": "weak@maker.test", "role": "member", "password": weak}
        )
        assert created.status_code == 422 and why in created.text, weak


def test_changing_or_resetting_a_password_revokes_the_users_tokens(
    browser: Callable[[str], Browser],
    anonymous: TestClient,
    token: Callable[[str, str], str],
    people: dict[str, int],
) -> None:
    before = bearer(token("member", "write"))
    assert anonymous.get("/api/v1/me", headers=before).status_code == 200
    member = browser("member")
    page = member.get("/password")
    assert "revokes your API tokens" in page.text
    new = "a fresh long secret"
    changed = member.post("/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 200 and "API tokens were revoked" in changed.text
    assert anonymous.get("/api/v1/me", headers=before).status_code == 401
    again = bearer(token("member", "read"))
    assert anonymous.get("/api/v1/me", headers=again).status_code == 200
    reset = browser("admin").post(
        f"/admin/users/{people['member']}/password", {"password": "another long secret"}
    )
    assert reset.status_code == 200 and "API tokens were revoked" in reset.text
    assert anonymous.get("/api/v1/me", headers=again).status_code == 401


def test_an_expired_token_is_refused_with_a_clear_401(
    engine: Engine, anonymous: TestClient, people: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        user = find_user(session, email("leader"))
        assert user is not None
        raw, row = create_token(session, user, "brief", "read", actor="test", expires_in_days=2)
        token_id = row.id
    me = anonymous.get("/api/v1/me", headers=bearer(raw))
    assert me.status_code == 200 and me.json()["token_expires_at"].endswith("Z")
    with session_scope(engine) as session:
        past = utcnow() - timedelta(minutes=1)
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(expires_at=past))
    refused = anonymous.get("/api/v1/me", headers=bearer(raw))
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert "expired on" in refused.json()["detail"]
    unknown = anonymous.get("/api/v1/me", headers=bearer("kw_" + "x" * 43))
    assert unknown.status_code == 401 and "expired" not in unknown.json()["detail"]
