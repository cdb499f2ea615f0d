"""Comment threads: @mentions resolved to people, stored for notification, clear errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.teams.world import build

from keepwell.auth.models import User
from keepwell.db import session_scope
from keepwell.teams.comments import (
    add_comment,
    handles,
    mark_notified,
    mentions_of,
    pending_mentions,
    thread,
)
from keepwell.teams.errors import NotFound, TeamsError
from keepwell.teams.models import Mention


def test_handles_skip_email_addresses() -> None:
    text = "@Ann please ask @sven.service. Mail bob@acme.test, cc @ann; (@x)"
    assert handles(text) == ["ann", "sven.service", "x"]


def test_mentions_are_stored_for_notification(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        author = User(email="lea@maker.test", name="Lea Lead", password_hash="x", role="leader")
        sven = User(email="sven@maker.test", name="Sven S", password_hash="x", role="member")
        session.add_all([author, sven])
        session.flush()
        author_id, sven_user = author.id, sven.id
        comment = add_comment(
            session,
            "account",
            ids["acme"],
            body="@ann @sven can you both visit? @Ann",
            user_id=author_id,
            employee_id=None,
            actor="lea",
        )
        add_comment(
            session,
            "account",
            ids["acme"],
            body="Done.",
            user_id=sven_user,
            employee_id=ids["sven"],
            actor="sven",
        )
    with Session(engine) as session:
        entries = thread(session, "account", ids["acme"])
        pending = pending_mentions(session)
        assert [(e.author, sorted(e.mentioned)) for e in entries] == [
            ("Lea Lead", ["Ann Seller", "Sven Service"]),
            ("Sven S", []),
        ]
        people = {(m.employee_id, m.user_id) for m in pending}
        assert people == {(ids["ann"], None), (ids["sven"], sven_user)}
        assert [m["body"] for m in mentions_of(session, sven_user, ids["sven"])] == [
            "@ann @sven can you both visit? @Ann"
        ]
    with session_scope(engine) as session:
        first = pending[0].id
        assert mark_notified(session, [first], datetime(2026, 7, 1)) == 1
        assert mark_notified(session, [first]) == 0
    with Session(engine) as session:
        assert len(pending_mentions(session)) == 1
        stamped = session.scalars(select(Mention).where(Mention.id == first)).one()
        assert stamped.notified_at == datetime(2026, 7, 1)
        assert stamped.comment_id == comment.id


def test_bad_comments_are_refused_with_a_reason(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        user = User(email="lea@maker.test", name="Lea", password_hash="x", role="leader")
        session.add(user)
        session.flush()
        args = {"user_id": user.id, "employee_id": None, "actor": "lea"}
        with pytest.raises(TeamsError, match="nobody here goes by @otto, @zed"):
            add_comment(session, "account", ids["acme"], body="@otto @zed hi", **args)
        with pytest.raises(TeamsError, match="write something"):
            add_comment(session, "account", ids["acme"], body="  ", **args)
        with pytest.raises(NotFound, match="no account with id 999999"):
            add_comment(session, "account", 999_999, body="hi", **args)
        with pytest.raises(NotFound, match="no task with id 999999"):
            add_comment(session, "task", 999_999, body="hi", **args)
        with pytest.raises(TeamsError, match="comments go on one of"):
            add_comment(session, "invoice", 1, body="hi", **args)
