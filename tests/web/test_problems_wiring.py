"""The problem page with its lesson learned, know-how and comments."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from starlette.testclient import TestClient
from tests.knowledge.conftest import add_article
from tests.problems.crafted import add_problem
from tests.problems.records import add_accounts
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.people.models import Employee

EDIT_LINK = re.compile(r'href="/knowledge/(\d+)/edit">Write the lesson learned')


def test_closing_on_the_page_asks_the_owner_for_the_lesson(
    engine: Engine, browser: Callable[[str], Browser]
) -> None:
    accounts = add_accounts(engine, 2)
    pid = add_problem(
        engine, "Pump seal leaks", [(accounts[0], datetime(2025, 3, 1))], root_cause="Elastomer"
    )
    with session_scope(engine) as session:
        owner = Employee(name="Lea Leader", email="leader@maker.test", source="hr", external_id="E")
        session.add(owner)
        session.flush()
        owner_id = owner.id
    leader = browser("leader")
    assert "Write the lesson learned" not in leader.get(f"/problems/{pid}").text
    saved = leader.post(
        f"/problems/{pid}",
        {
            "root_cause": "Elastomer",
            "corrective_action": "FKM seals",
            "status": "closed",
            "owner_id": str(owner_id),
        },
    )
    assert saved.status_code == 303
    page = leader.get(f"/problems/{pid}").text
    found = EDIT_LINK.search(page)
    assert found is not None
    edit = leader.get(f"/knowledge/{found.group(1)}/edit").text
    assert "Elastomer" in edit and "FKM seals" in edit
    shown = browser("auditor").get(f"/problems/{pid}").text
    assert "Write the lesson learned" not in shown
    assert f'href="/knowledge/{found.group(1)}">Lesson learned: Pump seal leaks' in shown
    my_work = leader.get("/my-work").text
    assert "Lessons to write" in my_work and "Pump seal leaks" in my_work


def test_know_how_on_the_problem_page_and_in_the_api(
    engine: Engine,
    browser: Callable[[str], Browser],
    anonymous: TestClient,
    token: Callable[[str, str], str],
) -> None:
    accounts = add_accounts(engine, 1)
    pid = add_problem(
        engine,
        "Gearbox overheating",
        [(accounts[0], datetime(2025, 3, 1))],
        description="The gearbox runs hot under full load",
    )
    lesson = add_article(engine, "Lesson: hot gearboxes", "Check oil.", links=[("problem", pid)])
    related = add_article(engine, "Gearbox oil levels", "A gearbox needs the right oil.")
    add_article(engine, "Invoices", "Payment terms.")
    page = browser("member").get(f"/problems/{pid}").text
    assert "Know-how" in page
    assert page.index(f'href="/knowledge/{lesson}"') < page.index(f'href="/knowledge/{related}"')
    assert "Payment terms" not in page and f"/knowledge/new?link=problem:{pid}" in page
    assert "Write down know-how" not in browser("auditor").get(f"/problems/{pid}").text
    detail = anonymous.get(f"/api/v1/problems/{pid}", headers=bearer(token("member", "read")))
    know_how = detail.json()["know_how"]
    assert [a["id"] for a in know_how["linked"]] == [lesson]
    assert [a["id"] for a in know_how["related"]] == [related]


def test_comments_with_mentions_on_the_problem_page(
    engine: Engine,
    record: dict[str, int],
    browser: Callable[[str], Browser],
    anonymous: TestClient,
    token: Callable[[str, str], str],
) -> None:
    pid = add_problem(engine, "Seal leaks", [(record["C-1"], datetime(2025, 3, 1))])
    member = browser("member")
    page = member.get(f"/problems/{pid}").text
    assert "No comments yet." in page and f'action="/comments/problem/{pid}"' in page
    posted = member.post(f"/comments/problem/{pid}", {"body": "@leader supplier audit?"})
    assert posted.status_code == 303 and posted.headers["location"] == f"/problems/{pid}#comments"
    page = member.get(f"/problems/{pid}").text
    assert "supplier audit?" in page and "mentions Leo Leader" in page
    work = browser("leader").get("/my-work").text
    assert f'href="/problems/{pid}#comments"' in work
    assert member.post("/comments/problem/999999", {"body": "hi"}).status_code == 404
    assert 'action="/comments/problem' not in browser("auditor").get(f"/problems/{pid}").text
    api = anonymous.get(f"/api/v1/comments/problem/{pid}", headers=bearer(token("member", "read")))
    assert api.status_code == 200 and [c["body"] for c in api.json()] == ["@leader supplier audit?"]


def test_closing_through_the_api_drafts_the_lesson(
    engine: Engine, anonymous: TestClient, token: Callable[[str, str], str]
) -> None:
    accounts = add_accounts(engine, 1)
    pid = add_problem(engine, "Loose bolts", [(accounts[0], datetime(2025, 3, 1))])
    writer = bearer(token("leader", "write"))
    patched = anonymous.patch(
        f"/api/v1/problems/{pid}",
        json={"root_cause": "Torque spec", "status": "closed"},
        headers=writer,
    )
    assert patched.status_code == 200, patched.text
    (linked,) = patched.json()["know_how"]["linked"]
    assert linked["title"] == "Lesson learned: Loose bolts" and linked["status"] == "draft"
