"""The weekly review's playbook sections on a crafted record: activity, overdue, leadership."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine
from tests.tasks.world import small_world

from keepwell.db import session_scope
from keepwell.playbooks.models import PlaybookFiring, ReviewItem
from keepwell.report import weekly_review
from keepwell.report.render import render_document
from keepwell.tasks.models import Task

TODAY = date(2026, 6, 30)


def at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(10))


def test_playbook_activity_and_leadership_sections(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert weekly_review(s, TODAY, money=False).section("playbooks") is None
        assert weekly_review(s, TODAY, money=False).section("leadership") is None
        w = small_world(s)
        acme, olga, sven = w.accounts["acme"], w.employees["olga"], w.employees["sven"]
        for rule, days_ago in (("going_quiet", 1), ("going_quiet", 6), ("broken_promise", 2)):
            s.add(
                PlaybookFiring(
                    rule=rule,
                    account_id=acme,
                    reason_key=rule,
                    fired_at=at(days_ago),
                    summary="x",
                    actor="playbooks",
                )
            )
        s.add(
            PlaybookFiring(
                rule="old",
                account_id=acme,
                reason_key="o",
                fired_at=at(9),
                summary="x",
                actor="playbooks",
            )
        )
        tasks = [
            Task(title="new", account_id=acme, owner_id=olga, due_on=TODAY, created_at=at(3)),
            Task(
                title="late",
                account_id=acme,
                owner_id=olga,
                due_on=TODAY - timedelta(days=4),
                created_at=at(20),
            ),
            Task(
                title="later",
                account_id=acme,
                owner_id=olga,
                due_on=TODAY - timedelta(days=1),
                created_at=at(20),
                status="in_progress",
            ),
            Task(
                title="sven's",
                account_id=acme,
                owner_id=sven,
                due_on=TODAY - timedelta(days=2),
                created_at=at(20),
            ),
            Task(
                title="done",
                account_id=acme,
                owner_id=sven,
                due_on=TODAY - timedelta(days=9),
                created_at=at(20),
                status="done",
                closed_at=at(0),
            ),
        ]
        s.add_all(tasks)
        s.add(
            ReviewItem(
                account_id=acme,
                rule="repeat_problems",
                reason_key="p",
                note="Seals fail again",
                added_at=at(5),
            )
        )
        s.add(
            ReviewItem(
                account_id=acme,
                rule="renewal_at_risk",
                reason_key="r",
                note="resolved",
                added_at=at(5),
                resolved_at=at(1),
            )
        )
        s.flush()
        review = weekly_review(s, TODAY, money=False)
        keys = [section.key for section in review.sections]
        assert keys.index("playbooks") < keys.index("leadership") < keys.index("coverage")
        activity = review.section("playbooks")
        assert activity is not None
        assert activity.data["firings"] == [("Going quiet", 2), ("Broken promise at hand-off", 1)]
        assert (activity.data["created"], activity.data["closed"]) == (1, 1)
        assert activity.data["overdue"] == [("Olga", 2, 4), ("Sven", 1, 2)]
        leadership = review.section("leadership")
        assert leadership is not None
        assert [(i["note"], i["days_open"]) for i in leadership.data["review"]] == [
            ("Seals fail again", 5)
        ]
        html = render_document(review)
    assert "Playbook activity and overdue tasks" in html and "For the leadership review" in html
    assert "Going quiet" in html and "going_quiet" not in html
    assert "Seals fail again" in html and "Olga" in html
    assert "style=" not in html.split("</style>")[-1] and "<script" not in html
