"""The inbox: mentions, assignments, escalations and digests, unread counts, choices, API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.web.conftest import Browser, bearer

from keepwell.db import session_scope
from keepwell.notify.inbox import (
    InboxError,
    add_entry,
    save_preferences,
    wants_email,
)
from keepwell.notify.models import InboxEntry, Notification
from keepwell.people.models import Employee
from keepwell.report.digests import personal_digests, queue_personal_digests
from keepwell.tasks.escalation import escalate_overdue
from keepwell.tasks.schemas import TaskCreate
from keepwell.tasks.service import create_task
from keepwell.teams.mention_notices import mention_notices
from keepwell.web import feedback

UNREAD = re.compile(r'class="unread-count"[^>]*>(\d+)<')


def unread(page: str) -> int:
    """The unread count in the top bar (0 when no badge)."""
    found = UNREAD.search(page)
    return int(found.group(1)) if found else 0


def employee(engine: Engine, external_id: str) -> int:
    with session_scope(engine) as session:
        return int(
            session.scalars(select(Employee.id).where(Employee.external_id == external_id)).one()
        )


def test_a_mention_lands_in_the_inbox_by_name_and_opening_it_reads_it(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    acme = record["C-1"]
    member, leader = browser("member"), browser("leader")
    assert unread(leader.get("/inbox").text) == 0
    assert "Nothing here yet" in leader.get("/inbox").text
    member.post(f"/comments/account/{acme}", {"body": "@leader the seal complaint needs you"})
    member.post(f"/accounts/{acme}/notes", {"text": "Met purchasing. @leader please call them."})
    page = leader.get("/inbox").text
    assert unread(page) == 2
    assert "Member mentioned you on Acme Pumps: @leader the seal complaint needs you" in page
    assert "Member mentioned you in a note on Acme Pumps" in page
    assert "account #" not in page
    assert page.index("in a note on Acme Pumps") < page.index("the seal complaint")  # newest first
    assert unread(member.get("/inbox").text) == 0  # the author hears nothing of it
    with session_scope(engine) as session:
        ids = list(session.scalars(select(InboxEntry.id).order_by(InboxEntry.id)))
    opened = leader.get(f"/inbox/{ids[0]}")
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/accounts/{acme}?tab=timeline#panel-comments"
    assert unread(leader.get("/inbox").text) == 1
    assert member.get(f"/inbox/{ids[1]}").status_code == 404  # not theirs
    assert member.post(f"/inbox/{ids[1]}/read").status_code == 404
    done = leader.post("/inbox/read-all")
    assert (done.status_code, done.headers["location"]) == (303, "/inbox")
    after = leader.get("/inbox").text
    assert "Marked 1 entry as read." in after and unread(after) == 0
    assert "Marked 1 entry as read." not in leader.get("/inbox").text  # shown once


def test_assignment_and_escalation_reach_the_owner_and_the_manager(
    browser: Callable[[str], Browser], record: dict[str, int], engine: Engine
) -> None:
    mia, leo = employee(engine, "E-1"), employee(engine, "E-2")
    with session_scope(engine) as session:
        session.get(Employee, mia).manager_id = leo  # type: ignore[union-attr]
        data = TaskCreate(
            title="Replace the seal kit",
            account_id=record["C-1"],
            owner_id=mia,
            due_on=date.today() - timedelta(days=10),
        )
        task = create_task(session, data, actor="leader@maker.test")
        task.escalate_after_days = 2
        mine = TaskCreate(title="Own note", owner_id=mia)
        create_task(session, mine, actor="member@maker.test")  # to oneself: no entry
    with session_scope(engine) as session:
        assert len(escalate_overdue(session, date.today(), actor="playbooks")) == 1
    member = browser("member").get("/inbox").text
    assert "New task for you: Replace the seal kit — Acme Pumps" in member
    assert "Own note" not in member and unread(member) == 1
    leader = browser("leader").get("/inbox").text
    assert "Escalated to you: Replace the seal kit — Acme Pumps" in leader


def test_choices_are_saved_and_the_senders_follow_them(
    browser: Callable[[str], Browser],
    record: dict[str, int],
    engine: Engine,
    people: dict[str, int],
) -> None:
    leader = browser("leader")
    page = leader.get("/settings/notifications").text
    assert 'value="mention" checked' in page and 'value="weekly" checked' in page
    saved = leader.post("/settings/notifications", {"email": ["assignment"], "digest": "daily"})
    assert saved.status_code == 303
    page = leader.get(saved.headers["location"]).text
    assert "Notification choices saved." in page
    assert 'value="mention" checked' not in page and 'value="assignment" checked' in page
    assert 'value="daily" checked' in page
    bad = leader.post("/settings/notifications", {"digest": "hourly"})
    assert bad.status_code == 422 and "the digest comes: off, daily, weekly" in bad.text
    browser("member").post(f"/comments/account/{record['C-1']}", {"body": "@leader look"})
    with session_scope(engine) as session:
        assert not wants_email(session, "mention", user_id=people["leader"])
        assert wants_email(session, "assignment", employee_id=employee(engine, "E-2"))
        assert wants_email(session, "mention", user_id=people["member"])
        notices, ids = mention_notices(session)
        assert notices == [] and len(ids) == 1  # in the inbox, not e-mailed
        with pytest.raises(InboxError, match="e-mail can be switched for"):
            save_preferences(session, people["member"], email={"spam"}, digest="weekly")


def test_digests_follow_each_persons_frequency(
    record: dict[str, int], engine: Engine, people: dict[str, int]
) -> None:
    mia, leo = employee(engine, "E-1"), employee(engine, "E-2")
    with session_scope(engine) as session:
        for owner in (mia, leo):
            create_task(session, TaskCreate(title="Call back", owner_id=owner), actor="test")
        save_preferences(session, people["member"], email=set(), digest="off")
        save_preferences(session, people["leader"], email=set(), digest="daily")
    with session_scope(engine) as session:
        weekly = {d.employee_id for d in personal_digests(session)}
        daily = personal_digests(session, every="daily")
        assert mia not in weekly and leo not in weekly
        assert [d.employee_id for d in daily] == [leo]
        assert daily[0].subject.startswith("Keepwell: your day")
        assert queue_personal_digests(session, daily) == 1
        assert queue_personal_digests(session, daily) == 0  # once a period
    with session_scope(engine) as session:
        digest = session.scalars(select(InboxEntry).where(InboxEntry.kind == "digest")).one()
        assert digest.title.startswith("Your day") and "1 open task" in digest.title
        assert session.scalars(select(Notification.recipient)).all() == ["leader@maker.test"]


def test_the_api_lists_only_the_callers_notifications(
    anonymous: TestClient,
    token: Callable[[str, str], str],
    people: dict[str, int],
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        for n in range(3):
            add_entry(
                session, "mention", f"For the leader {n}", "/my-work", user_id=people["leader"]
            )
        add_entry(session, "assignment", "For the member", "/tasks", user_id=people["member"])
    mine = bearer(token("leader", "read"))
    listed = anonymous.get("/api/v1/notifications", headers=mine)
    assert listed.status_code == 200 and listed.headers["x-unread-count"] == "3"
    items = listed.json()["items"]
    assert [i["title"] for i in items] == [f"For the leader {n}" for n in (2, 1, 0)]
    assert set(items[0]) >= {"id", "kind", "title", "url", "created_at", "read"}
    assert not any(i["read"] for i in items)
    first = anonymous.get("/api/v1/notifications?limit=2", headers=mine).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = anonymous.get(
        f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}", headers=mine
    ).json()
    assert [i["title"] for i in rest["items"]] == ["For the leader 0"] and rest[
        "next_cursor"
    ] is None
    marked = anonymous.post(f"/api/v1/notifications/{items[0]['id']}/read", headers=mine)
    assert marked.status_code == 200 and marked.json()["read"] is True
    others = anonymous.get("/api/v1/notifications", headers=bearer(token("member", "read")))
    (member_item,) = others.json()["items"]
    assert member_item["title"] == "For the member"
    refused = anonymous.post(f"/api/v1/notifications/{member_item['id']}/read", headers=mine)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert anonymous.get("/api/v1/notifications?unread=1", headers=mine).status_code == 422
    everything = anonymous.post("/api/v1/notifications/read", headers=mine).json()
    assert everything == {"marked": 2, "unread": 0}
    assert anonymous.get("/api/v1/notifications").status_code == 401


def test_a_confirmation_cannot_be_forged(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    member = browser("member")
    cookie = feedback.COOKIE
    member.client.cookies.set(
        cookie, "eyJtIjoiSGFja2VkIiwiZSI6OTk5OTk5OTk5OX0.00", domain="testserver"
    )
    assert "Hacked" not in member.get("/my-work").text
    posted = member.post(f"/accounts/{record['C-1']}/notes", {"text": "Real note."})
    genuine = posted.cookies.get(cookie)
    assert genuine and "Note added" not in genuine  # signed and encoded, not plain text
    other = browser("member")  # another session of the same person: another key
    other.client.cookies.set(cookie, genuine, domain="testserver")
    assert "Note added to the timeline." not in other.get("/my-work").text
    assert "Note added to the timeline." in member.get("/my-work").text
