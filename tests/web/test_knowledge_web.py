"""Knowledge pages and API: search with snippets, writing, history, panels, hand-over."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine, select
from tests.knowledge.conftest import add_article
from tests.problems.crafted import add_problem
from tests.web.conftest import SQLITE_ONLY, Browser, bearer

from keepwell.db import session_scope
from keepwell.knowledge.lesson import draft_lesson_learned
from keepwell.people.models import Employee
from keepwell.record.models import Ticket

ARTICLE_ID = re.compile(r"/knowledge/(\d+)$")


def test_write_view_edit_and_history_in_the_browser(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    acme = record["C-1"]
    form = member.get(f"/knowledge/new?link=account:{acme}")
    assert form.status_code == 200 and f'value="account:{acme}"' in form.text
    created = member.post(
        "/knowledge",
        {
            "title": "Acme gate rules",
            "body": "Badge at **gate 2**.\n\n<script>alert(1)</script> [x](javascript:alert(2))",
            "tags": "Site Access, customer",
            "links": f"account:{acme}",
            "status": "published",
        },
    )
    assert created.status_code == 303
    match = ARTICLE_ID.search(created.headers["location"])
    assert match is not None
    article = f"/knowledge/{match.group(1)}"
    page = member.get(article).text
    assert "<strong>gate 2</strong>" in page and "Acme Pumps" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "site-access" in page

    edited = member.post(
        article,
        {
            "title": "Acme gate rules",
            "body": "Badge at gate 3.",
            "tags": "customer",
            "links": "",
            "status": "published",
            "base_version": "1",
        },
    )
    assert edited.status_code == 303
    stale = member.post(article, {"title": "Old", "body": "x", "base_version": "1"})
    assert stale.status_code == 422 and "changed since version 1" in stale.text
    history = member.get(f"{article}/history").text
    assert '<span class="kb-del">- Badge at **gate 2**.' in history
    assert '<span class="kb-add">+ Badge at gate 3.</span>' in history

    found = member.get("/knowledge?q=gate").text
    assert "<mark>gate</mark>" in found and "Acme gate rules" in found
    fragment = member.get(
        "/knowledge?q=badge", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<html" not in fragment.text and "<mark>Badge</mark>" in fragment.text
    assert "No article matches" in member.get("/knowledge?q=%22").text
    listed = member.get("/knowledge?tag=customer").text
    assert "Acme gate rules" in listed


def test_form_errors_are_specific(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    bad_link = member.post("/knowledge", {"title": "T", "links": "account:999999"})
    assert bad_link.status_code == 422 and "There is no account with id 999999." in bad_link.text
    bad_syntax = member.post("/knowledge", {"title": "T", "links": "acme"})
    assert "Write links as kind:id" in bad_syntax.text
    no_title = member.post("/knowledge", {"title": "  ", "body": "x"})
    assert no_title.status_code == 422 and "An article needs a title." in no_title.text
    bad_tag = member.post("/knowledge", {"title": "T", "tags": "a/b"})
    assert "may hold letters" in bad_tag.text and bad_tag.status_code == 422
    assert member.post("/knowledge", {"title": "T"}, csrf=False).status_code == 403


@SQLITE_ONLY
def test_auditor_reads_but_cannot_write(
    browser: Callable[[str], Browser], engine: Engine, app: FastAPI
) -> None:
    article = add_article(engine, "Read me", "Text.")
    auditor = browser("auditor")
    assert auditor.get(f"/knowledge/{article}").status_code == 200
    assert 'href="/knowledge/new"' not in auditor.get("/knowledge").text
    assert auditor.get("/knowledge/new").status_code == 403
    assert (
        auditor.post(f"/knowledge/{article}", {"title": "x", "base_version": "1"}).status_code
        == 403
    )
    assert auditor.get("/knowledge/999999").status_code == 404


def test_account_panel_and_lessons_on_my_work(
    browser: Callable[[str], Browser], engine: Engine, record: dict[str, int]
) -> None:
    acme = record["C-1"]
    add_article(engine, "Acme escalation path", "Call Jane.", links=[("account", acme)])
    add_article(engine, "Seal leaking fixes", "Replace the seal.")
    pid = add_problem(engine, "Leaking seals", [])
    with session_scope(engine) as session:
        mia = session.scalars(select(Employee).where(Employee.external_id == "E-1")).one()
        draft = draft_lesson_learned(
            session, pid, "Leaking seals", "Wrong grease", "New grease", mia
        )
        draft_id = draft.id
    member = browser("member")
    account = member.get(f"/accounts/{acme}?tab=service").text
    assert 'id="panel-know-how"' in account
    assert "Acme escalation path" in account and "Seal leaking fixes" in account
    work = member.get("/my-work").text
    assert f'href="/knowledge/{draft_id}/edit"' in work and "Lesson learned: Leaking seals" in work
    edit = member.get(f"/knowledge/{draft_id}/edit").text
    assert "Wrong grease" in edit and f"problem:{pid}" in edit


def test_handover_page(
    browser: Callable[[str], Browser], engine: Engine, record: dict[str, int]
) -> None:
    add_article(engine, "Acme contacts", "Jane decides.", links=[("account", record["C-1"])])
    with session_scope(engine) as session:
        mia = session.scalars(select(Employee).where(Employee.external_id == "E-1")).one().id
    leader = browser("leader")
    assert leader.get("/knowledge/handover").status_code == 200
    page = leader.get(f"/knowledge/handover?employee={mia}").text
    assert "Acme Pumps" in page and "Gamma Mills" in page
    assert "Acme contacts" in page and "Checked the pumps" in page
    assert leader.get("/knowledge/handover?employee=999999").status_code == 404


def test_api_create_search_update_and_suggest(
    app: FastAPI, token: Callable[[str, str], str], engine: Engine, record: dict[str, int]
) -> None:
    from starlette.testclient import TestClient

    client = TestClient(app, base_url="https://testserver")
    writer, reader = bearer(token("member", "write")), bearer(token("member", "read"))
    body = {
        "title": "Seal leak triage",
        "body": "Check the seal first.",
        "tags": ["how-to"],
        "links": [{"kind": "account", "id": record["C-1"]}],
    }
    assert client.post("/api/v1/knowledge/articles", json=body, headers=reader).status_code == 403
    created = client.post("/api/v1/knowledge/articles", json=body, headers=writer)
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["links"] == [{"kind": "account", "id": record["C-1"], "label": "Acme Pumps"}]
    assert created.headers["location"] == f"/api/v1/knowledge/articles/{article['id']}"
    path = f"/api/v1/knowledge/articles/{article['id']}"
    patched = client.patch(
        path, json={"body": "Check the seal and the shaft.", "base_version": 1}, headers=writer
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    conflict = client.patch(path, json={"title": "x", "base_version": 1}, headers=writer)
    assert conflict.status_code == 409
    assert (
        client.get(f"{path}/versions", headers=reader).json()[1]["body"] == "Check the seal first."
    )
    hits = client.get("/api/v1/knowledge/search", params={"q": "shaft"}, headers=reader).json()
    assert [h["article_id"] for h in hits["hits"]] == [article["id"]]
    assert "<mark>shaft</mark>" in hits["hits"][0]["snippet"]
    listed = client.get("/api/v1/knowledge/articles", params={"tag": "how-to"}, headers=reader)
    assert listed.json()["total"] == 1
    with session_scope(engine) as session:
        ticket = session.scalars(select(Ticket)).one().id
    suggested = client.get(f"/api/v1/tickets/{ticket}/knowledge", headers=reader).json()
    assert suggested["linked"] == [article["id"]]
    account = client.get(f"/api/v1/accounts/{record['C-1']}/knowledge", headers=reader).json()
    assert account["linked"] == [article["id"]]
    bad = client.post(
        "/api/v1/knowledge/articles",
        json={**body, "links": [{"kind": "planet", "id": 1}]},
        headers=writer,
    )
    assert bad.status_code == 422 and "unknown link kind 'planet'" in bad.json()["detail"]
    assert client.get("/api/v1/knowledge/articles/999999", headers=reader).status_code == 404
