"""Security headers, cookie flags, and passwords never stored or logged in clear."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from starlette.testclient import TestClient
from tests.web.conftest import PASSWORD, SQLITE_ONLY, Browser, bearer, email, make_settings

from keepwell.auth.models import User
from keepwell.web.security import login_csrf_cookie_name

pytestmark = SQLITE_ONLY


def test_security_headers_on_every_kind_of_response(
    anonymous: TestClient, browser: Callable[[str], Browser], token: Callable[[str, str], str]
) -> None:
    member = browser("member")
    responses = {
        "login page": anonymous.get("/login"),
        "redirect": anonymous.get("/portfolio"),
        "page": member.get("/portfolio"),
        "forbidden page": member.get("/admin/users"),
        "missing page": member.get("/no/such/page"),
        "api": anonymous.get("/api/v1/me", headers=bearer(token("member", "read"))),
        "api problem": anonymous.get("/api/v1/orders"),
        "static": anonymous.get("/static/css/keepwell.css"),
        "health": anonymous.get("/healthz"),
    }
    for name, response in responses.items():
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, name
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, name
        assert headers["x-frame-options"] == "DENY", name
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["referrer-policy"] == "same-origin", name
        assert headers["strict-transport-security"].startswith("max-age="), name
    assert responses["page"].headers["cache-control"] == "no-store"
    assert responses["api"].headers["cache-control"] == "no-store"
    assert "no-store" not in responses["static"].headers.get("cache-control", "")
    assert responses["static"].status_code == responses["health"].status_code == 200
    vendored = anonymous.get("/static/vendor/htmx.min.js")
    assert vendored.status_code == 200 and "htmx" in vendored.text[:200]


def test_session_cookie_flags(app: object, people: dict[str, int]) -> None:
    client = Browser(app)  # type: ignore[arg-type]
    response = client.sign_in(email("member"))
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-keepwell_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/", "Max-Age=43200"):
        assert flag.lower() in cookie.lower(), flag
    assert "domain=" not in cookie.lower()


def test_sign_in_csrf_cookie_is_host_prefixed(anonymous: TestClient, tmp_path: Path) -> None:
    cookie = anonymous.get("/login").headers["set-cookie"]
    assert cookie.startswith("__Host-keepwell_login_csrf=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower(), flag
    assert "domain=" not in cookie.lower()
    plain = make_settings(tmp_path, cookie_secure=False, environment="development")
    assert login_csrf_cookie_name(plain) == "keepwell_login_csrf"


def test_passwords_are_never_stored_or_logged_in_clear(
    engine: Engine,
    browser: Callable[[str], Browser],
    anonymous: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Another-Secret-4711"
    admin = browser("admin")
    admin.post("/admin/users", {"email": "x@maker.test", "role": "member", "password": secret})
    member = browser("member")
    member.post("/password", {"current": PASSWORD, "new": secret, "confirm": secret})
    failing = Browser(anonymous.app)  # type: ignore[arg-type]
    failing.sign_in(email("leader"), "Wrong-" + secret)
    with engine.connect() as connection:
        users = connection.execute(select(User.email, User.password_hash)).all()
        dump = " ".join(
            str(row)
            for table in ("users", "audit_log", "login_attempts", "user_sessions", "api_tokens")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    assert len(users) == 5
    for address, stored in users:
        assert stored.startswith("$argon2id$v=19$"), address
        assert PASSWORD not in stored and secret not in stored
    assert PASSWORD not in dump and secret not in dump
    assert "sign-in refused" in caplog.text and "sign-in succeeded" in caplog.text
    assert PASSWORD not in caplog.text and secret not in caplog.text
