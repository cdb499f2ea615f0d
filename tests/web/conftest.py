"""Fixtures for the web tests: the app on a fresh database, users of every role, a record.

Argon2 runs with cheap parameters here (the hashing itself is tested in tests/auth).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient

from keepwell.auth import passwords
from keepwell.auth.models import User
from keepwell.auth.service import create_user, find_user
from keepwell.auth.tokens import create_token
from keepwell.db import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.settings import Settings
from keepwell.web import create_app
from keepwell.web.deps import RouteAccess, route_access

PASSWORD = "correct horse battery"
ROLES = ("admin", "leader", "member", "auditor")
PARAM = re.compile(r"\{[^}]+\}")
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
ORDER_AMOUNT = "12,345.67"
QUOTE_VALUE = "54,321.00"
CONTRACT_VALUE = "250,000.50"


def calls(app: FastAPI) -> list[tuple[RouteAccess, str, str]]:
    """Every (route, method, path with each parameter set to 1) of the app, HEAD left out."""
    return [
        (route, method, PARAM.sub("1", route.path))
        for route in route_access(app)
        for method in sorted(route.methods - {"HEAD"})
    ]


def email(role: str) -> str:
    """The email of the test user with ``role``."""
    return f"{role}@maker.test"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with minimal cost, so tests sign in quickly."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hashing", passwords.PasswordHashing(cheap))


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test app: data in ``tmp_path``, HTTPS-only cookies, no ``.env``."""
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "environment": "test", **overrides}
    return Settings(_env_file=None, **values)


@pytest.fixture
def app(engine: Engine, tmp_path: Path) -> FastAPI:
    """The application on the fresh test database."""
    return create_app(make_settings(tmp_path), engine)


@pytest.fixture
def people(engine: Engine) -> dict[str, int]:
    """One user per role (``<role>@maker.test``); their ids by role."""
    ids = {}
    with session_scope(engine) as session:
        for role in ROLES:
            user = create_user(
                session,
                email=email(role),
                name=role.title(),
                role=role,
                password=PASSWORD,
                actor="test",
            )
            ids[role] = user.id
    return ids


class Browser:
    """A test client that signs in through the form and sends the session's CSRF token."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, base_url="https://testserver", follow_redirects=False)
        self.csrf = ""

    def sign_in(self, address: str, password: str = PASSWORD) -> httpx2.Response:
        """Sign in through the login form; remember the session's CSRF token."""
        form = self.client.get("/login")
        token = CSRF_FIELD.search(form.text)
        assert token is not None
        data = {"email": address, "password": password, "csrf_token": token.group(1)}
        response = self.client.post("/login", data=data)
        if response.status_code == 303:
            self.csrf = self.token_on("/password")
        return response

    def token_on(self, path: str) -> str:
        """The CSRF token in the first form of the page at ``path``."""
        match = CSRF_FIELD.search(self.client.get(path).text)
        assert match is not None, path
        return match.group(1)

    def get(self, path: str, **kwargs: Any) -> httpx2.Response:
        return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx2.Response:
        """POST a form, with the CSRF token unless ``csrf`` is false."""
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self.client.post(path, data=form, **kwargs)


@pytest.fixture
def browser(app: FastAPI, people: dict[str, int]) -> Callable[[str], Browser]:
    """Make a browser signed in as the test user of a role."""

    def signed_in(role: str) -> Browser:
        client = Browser(app)
        assert client.sign_in(email(role)).status_code == 303
        return client

    return signed_in


@pytest.fixture
def anonymous(app: FastAPI) -> TestClient:
    """A client that has not signed in."""
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


@pytest.fixture
def token(engine: Engine, people: dict[str, int]) -> Callable[[str, str], str]:
    """Make an API token for the test user of a role with a scope; return it in clear."""
    made = iter(range(1000))

    def make(role: str, scope: str) -> str:
        with session_scope(engine) as session:
            user = find_user(session, email(role))
            assert isinstance(user, User)
            raw, _row = create_token(
                session, user, f"{role}-{scope}-{next(made)}", scope, actor="test"
            )
        return raw

    return make


def bearer(raw: str) -> dict[str, str]:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {raw}"}


def record_files() -> dict[str, tuple[Mapping, str]]:
    """A small customer record; dates relative to today so that this week has events."""
    today = date.today()
    recent, old = today - timedelta(days=20), today - timedelta(days=400)
    this_week = f"{today - timedelta(days=2)}T10:00:00"
    return {
        "accounts": (
            Mapping(source="crm"),
            """external_id,name,segment,region,status,contract_value
C-1,Acme Pumps,OEM,North,active,250000.50
C-2,Beta Works,Utility,South,lost,
C-3,Gamma Mills,OEM,South,active,""",
        ),
        "employees": (
            Mapping(source="crm"),
            """external_id,name,email,department,title
E-1,Mia Member,member@maker.test,Service,Service engineer
E-2,Leo Leader,leader@maker.test,Sales,Sales director
E-3,Sam Seller,sam@maker.test,Sales,Account manager""",
        ),
        "teams": (
            Mapping(source="crm"),
            """account,employee,role
C-1,E-2,account_owner
C-1,E-1,service_lead
C-3,E-3,account_owner
C-3,E-1,technical_lead""",
        ),
        "contacts": (
            Mapping(source="crm"),
            """external_id,account,name,email,is_key
K-1,C-1,Jane Buyer,jane@acme.test,true
K-3,C-3,Gus Gamma,gus@gamma.test,false""",
        ),
        "orders": (
            Mapping(source="erp"),
            f"""external_id,account,ordered_at,amount,currency,status
O-1,C-1,{recent},12345.67,EUR,open
O-2,C-1,{old},1000,EUR,paid
O-3,C-3,{recent},500,EUR,open
O-4,C-3,{old},700,EUR,paid""",
        ),
        "quotes": (
            Mapping(source="crm"),
            f"""external_id,account,received_at,responded_at,value,currency,outcome
Q-1,C-1,{recent},{recent},54321.00,EUR,open""",
        ),
        "tickets": (
            Mapping(source="helpdesk"),
            f"""external_id,account,kind,severity,status,subject,opened_at
T-1,C-1,complaint,high,open,Seal leaking,{this_week}""",
        ),
        "interactions": (
            Mapping(source="crm"),
            f"""external_id,account,occurred_at,kind,subject,text,employee
I-1,C-1,{this_week},visit,Site visit,Checked the pumps,E-1""",
        ),
    }


@pytest.fixture
def record(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Load the small record; return account ids by external id."""
    from sqlalchemy import select

    from keepwell.record.models import Account

    folder = tmp_path / "record"
    folder.mkdir()
    for kind, (mapping, text) in record_files().items():
        path = folder / f"{kind}.csv"
        path.write_text(text + "\n", encoding="utf-8")
        result = import_file(engine, kind, path, mapping)
        assert result.ok, result.errors
    with session_scope(engine) as session:
        rows = session.execute(select(Account.external_id, Account.id)).all()
        return {row.external_id: row.id for row in rows}


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For tests whose subject does not depend on the database."""
