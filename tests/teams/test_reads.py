"""Human read vs model: only owners record, disagreements listed, each side's accuracy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from tests.teams.scores import score
from tests.teams.world import DAY, build

from keepwell.db import session_scope
from keepwell.insight.human_reads import disagreements, read_accuracy, record_read
from keepwell.record.models import Account
from keepwell.teams.errors import NotAllowed, TeamsError


def test_owner_reads_are_kept_beside_the_model_and_scored_by_outcome(engine: Engine) -> None:
    ids = build(engine)
    run = score(engine, {ids["acme"]: ("at_risk", 0.4), ids["beta"]: ("healthy", 0.02)}, DAY)
    with session_scope(engine) as session:
        session.execute(
            update(Account)
            .where(Account.id == ids["beta"])
            .values(status="lost", ended_on=DAY - timedelta(days=100))
        )
        for account, read, days in (("acme", "healthy", 300), ("beta", "at_risk", 200)):
            row = record_read(
                session,
                ids[account],
                user_id=_user(session),
                employee_id=ids["ann"],
                read=read,
                reason="met them last week",
                actor="ann",
                day=DAY - timedelta(days=days),
            )
            assert row.model_read is not None and row.run_id == run
        record_read(
            session,
            ids["acme"],
            user_id=_user(session),
            employee_id=ids["ann"],
            read="watch",
            reason="new buyer",
            actor="ann",
            day=DAY - timedelta(days=5),
        )
    with Session(engine) as session:
        listed = disagreements(session)
        accuracy = read_accuracy(session, DAY)
    assert [(d.account, d.human_read, d.model_read, d.human_more_worried) for d in listed] == [
        ("Beta", "at_risk", "healthy", True),
        ("Acme", "watch", "at_risk", False),
    ]
    assert listed[0].owner == "Ann Seller" and listed[0].reason == "met them last week"
    assert accuracy["reads"] == 3 and accuracy["pending"] == 1 and accuracy["decided"] == 2
    assert (accuracy["human_right"], accuracy["model_right"]) == (2, 0)
    assert (accuracy["human_rate"], accuracy["model_rate"]) == (1.0, 0.0)
    assert accuracy["disagreed"] == 2 and accuracy["human_right_when_disagreed"] == 2


def test_only_the_owner_records_and_reads_need_a_reason(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        user = _user(session)
        with pytest.raises(NotAllowed, match="only the account owner"):
            record_read(
                session,
                ids["acme"],
                user_id=user,
                employee_id=ids["sven"],
                read="watch",
                reason="x",
                actor="sven",
                day=DAY,
            )
        with pytest.raises(NotAllowed):
            record_read(
                session,
                ids["gamma"],
                user_id=user,
                employee_id=ids["ann"],
                read="watch",
                reason="x",
                actor="ann",
                day=DAY,
            )
        with pytest.raises(TeamsError, match="one of: healthy, watch, at_risk"):
            record_read(
                session,
                ids["acme"],
                user_id=user,
                employee_id=ids["ann"],
                read="fine",
                reason="x",
                actor="ann",
                day=DAY,
            )
        with pytest.raises(TeamsError, match="say why"):
            record_read(
                session,
                ids["acme"],
                user_id=user,
                employee_id=ids["ann"],
                read="watch",
                reason=" ",
                actor="ann",
                day=DAY,
            )
        row = record_read(
            session,
            ids["acme"],
            user_id=user,
            employee_id=ids["ann"],
            read="watch",
            reason="quiet",
            actor="ann",
            day=DAY,
        )
        assert row.model_read is None and row.run_id is None


def _user(session: Session) -> int:
    from keepwell.auth.models import User

    found = session.query(User).filter_by(email="ann@maker.test").one_or_none()
    if found is None:
        found = User(email="ann@maker.test", name="Ann", password_hash="x", role="member")
        session.add(found)
        session.flush()
    return found.id
