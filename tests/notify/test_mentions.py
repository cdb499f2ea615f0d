"""@mentions reach the mentioned person's digest through ``keepwell run``, once."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes

from sqlalchemy import Engine, select
from tests.notify.test_delivery import Inbox
from tests.tasks.world import small_world

from keepwell.auth.models import User
from keepwell.db import session_scope
from keepwell.pipeline import run_once
from keepwell.teams.comments import add_comment
from keepwell.teams.models import Mention

TODAY = date(2026, 6, 30)


def test_a_mention_reaches_the_digest_once(engine: Engine, smtp_env: Inbox) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        author = User(email="boss@maker.test", name="Boss", password_hash="x", role="admin")
        s.add(author)
        s.flush()
        add_comment(
            s,
            "account",
            w.accounts["acme"],
            body="@sven can you look at the seal failures?",
            user_id=author.id,
            employee_id=None,
            actor="boss@maker.test",
        )
    first = run_once(engine, today=TODAY, score=False)
    assert first["mentions_queued"] == 1
    to_sven = [m for _, rcpt, m in smtp_env.messages if rcpt == ["sven@maker.test"]]
    assert len(to_sven) == 1
    text = message_from_bytes(to_sven[0]).get_payload(decode=True).decode()
    assert "Boss mentioned you on acme: " in text and "seal failures" in text
    second = run_once(engine, today=TODAY, score=False)
    assert second["mentions_queued"] == 0
    assert [rcpt for _, rcpt, _ in smtp_env.messages].count(["sven@maker.test"]) == 1
    with session_scope(engine) as s:
        assert s.scalars(select(Mention.notified_at)).one() is not None
