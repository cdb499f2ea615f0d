"""One rule for hidden fields: every money field, every path, as member and auditor.

A role that may not see a field may not read it, filter or sort on it, or test it in a
playbook condition (preview, dry run of a saved rule, saving): refused with a 403 that
names the field in words, before anything is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.web.conftest import SQLITE_ONLY, Browser, bearer, email
from tests.web.test_playbooks_web import folder

from keepwell.auth.models import User
from keepwell.auth.permissions import Role, role_permissions
from keepwell.auth.service import find_user
from keepwell.auth.visibility import HIDDEN_FIELDS, MONEY_FIELDS, HiddenFieldError
from keepwell.db import session_scope
from keepwell.web.api.listing import ListQuery
from keepwell.web.api.resources import ORDERS, QUOTES, Resource
from keepwell.web.deps import Principal

PROBLEM = "application/problem+json"
BLIND = ("member", "auditor")
SEEING = ("leader", "admin")
CONDITIONS: dict[str, tuple[str, str] | None] = {
    "account.contract_value": ("order_gap", "account.contract_value"),
    "account.revenue_12m": ("order_gap", "account.revenue_12m"),
    "score.annual_revenue": ("health_low", "score.annual_revenue"),
    "score.revenue_at_risk": ("churn_risk", "score.revenue_at_risk"),
    "score.expected_value_12m": ("churn_risk", "score.expected_value_12m"),
    "order.amount": ("overdue_invoice", "amount"),
    "quote.value": None,  # no signal states quote values
}
"""How a playbook condition reaches each money field (signal, condition field)."""
LISTS: dict[str, tuple[str, Resource[Any]]] = {
    "order.amount": ("/api/v1/orders", ORDERS),
    "quote.value": ("/api/v1/quotes", QUOTES),
}
"""The API lists holding a money field."""
PORTFOLIO_SORTS = {"score.revenue_at_risk": "at_risk"}


def rule(name: str, signal: str, field: str) -> str:
    return f"""\
name: {name}
title: Probe {name}
signal: {signal}
conditions:
  - {{field: account.name, op: eq, value: Acme Pumps}}
  - {{field: {field}, op: gt, value: 9200.07}}
actions:
  - {{type: create_task, title: "Look at {{account}}", due_in_days: 7}}
"""


def test_every_money_field_is_declared_hidden_for_members_and_auditors() -> None:
    assert set(CONDITIONS) == set(MONEY_FIELDS)
    for role in Role:
        hidden = HIDDEN_FIELDS[role]
        assert hidden == (set(MONEY_FIELDS) if role.value in BLIND else set()), role


def test_a_condition_on_a_hidden_field_is_refused_not_evaluated(
    app: FastAPI,
    anonymous: TestClient,
    browser: Callable[[str], Browser],
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    browsers = {role: browser(role) for role in (*BLIND, *SEEING)}
    company = folder(app)
    company.mkdir(parents=True, exist_ok=True)
    for index, (field, path) in enumerate(CONDITIONS.items()):
        if path is None:
            continue
        name = f"probe-{index}"
        text = rule(name, *path)
        (company / f"{name}.yaml").write_text(text, encoding="utf-8")
        words = MONEY_FIELDS[field]
        for role in BLIND:
            preview = browsers[role].post("/playbooks/preview", {"text": text})
            assert preview.status_code == 403, (role, field, preview.text[:300])
            assert words in preview.text and "would fire" not in preview.text, (role, field)
            page = browsers[role].get(f"/playbooks/{name}/dry-run")
            assert page.status_code == 403 and words in page.text, (role, field)
            api = anonymous.get(
                f"/api/v1/playbooks/{name}/dry-run", headers=bearer(token(role, "read"))
            )
            assert api.status_code == 403 and api.headers["content-type"] == PROBLEM
            assert words in api.json()["detail"] and api.json()["fields"] == [field]
        for role in SEEING:
            preview = browsers[role].post("/playbooks/preview", {"text": text})
            assert preview.status_code == 200 and "Dry run" in preview.text, (role, field)
            api = anonymous.get(
                f"/api/v1/playbooks/{name}/dry-run", headers=bearer(token(role, "read"))
            )
            assert api.status_code == 200, (role, field)


@SQLITE_ONLY
def test_lists_refuse_filters_and_sorts_on_hidden_fields(
    engine: Engine,
    anonymous: TestClient,
    token: Callable[[str, str], str],
    record: dict[str, int],
) -> None:
    for field, (url, resource) in LISTS.items():
        column = field.partition(".")[2]
        for role in (*BLIND, *SEEING):
            auth = bearer(token(role, "read"))
            for query in (f"sort={column}", f"sort=-{column}", f"{column}=1", f"{column}_since=1"):
                answer = anonymous.get(f"{url}?{query}", headers=auth)
                assert answer.status_code == 422, (role, query)
                assert answer.headers["content-type"] == PROBLEM
        with session_scope(engine) as session:
            for role in BLIND:
                user = find_user(session, email(role))
                assert isinstance(user, User)
                who = Principal(user=user, permissions=role_permissions(role))
                for sort in (column, f"-{column}"):
                    with pytest.raises(HiddenFieldError, match=MONEY_FIELDS[field]):
                        resource.refuse_hidden(ListQuery(sort=sort), who)


@SQLITE_ONLY
def test_the_portfolio_refuses_a_sort_on_a_hidden_field(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    for field, sort in PORTFOLIO_SORTS.items():
        for role in BLIND:
            page = browser(role).get(f"/portfolio?sort={sort}")
            assert page.status_code == 403 and MONEY_FIELDS[field] in page.text, role
        for role in SEEING:
            assert browser(role).get(f"/portfolio?sort={sort}").status_code == 200, role
