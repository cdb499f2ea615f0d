"""The weekly review's playbook sections: activity and overdue tasks, the leadership list."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.people.models import Employee
from keepwell.playbooks.history import open_review_items
from keepwell.playbooks.models import PlaybookFiring
from keepwell.playbooks.service import rule_titles
from keepwell.report.weekly import WEEK, report_sections
from keepwell.tasks.models import Task

OPEN = ("open", "in_progress")


def week_bounds(today: date) -> tuple[datetime, datetime]:
    """The week ending ``today``, as [start, end) moments."""
    start = datetime.combine(today - WEEK + timedelta(days=1), time(0))
    return start, datetime.combine(today + timedelta(days=1), time(0))


@report_sections.register(
    "playbooks", "Playbook activity and overdue tasks", "playbooks.html", order=40
)
def playbook_activity(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    """Firings per playbook and tasks created and closed in the week; overdue tasks by owner."""
    start, end = week_bounds(today)
    firings = session.execute(
        select(PlaybookFiring.rule, func.count(PlaybookFiring.id))
        .where(PlaybookFiring.fired_at >= start, PlaybookFiring.fired_at < end)
        .group_by(PlaybookFiring.rule)
        .order_by(func.count(PlaybookFiring.id).desc(), PlaybookFiring.rule)
    ).all()
    created = session.scalar(
        select(func.count(Task.id)).where(Task.created_at >= start, Task.created_at < end)
    )
    closed = session.scalar(
        select(func.count(Task.id)).where(Task.closed_at >= start, Task.closed_at < end)
    )
    overdue = session.execute(
        select(Task.owner_id, Task.due_on).where(Task.status.in_(OPEN), Task.due_on < today)
    ).all()
    names = dict(session.execute(select(Employee.id, Employee.name)).all())
    by_owner = Counter(names.get(owner, "nobody") if owner else "nobody" for owner, _ in overdue)
    oldest: dict[str, date] = {}
    for owner, due in overdue:
        assert due is not None  # filtered by the query
        name = names.get(owner, "nobody") if owner else "nobody"
        oldest[name] = min(due, oldest.get(name, due))
    if not firings and not created and not closed and not overdue:
        return None
    titles = rule_titles()
    return {
        "firings": [(titles.get(rule, rule), count) for rule, count in firings],
        "created": created or 0,
        "closed": closed or 0,
        "overdue": [
            (name, count, (today - oldest[name]).days)
            for name, count in sorted(by_owner.items(), key=lambda i: (-i[1], i[0]))
        ],
        "overdue_total": len(overdue),
    }


@report_sections.register("leadership", "For the leadership review", "leadership.html", order=45)
def leadership_items(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    """The open items playbooks put on the leadership review, oldest first."""
    items = open_review_items(session)
    if not items:
        return None
    titles = rule_titles()
    return {
        "review": [
            {
                "account_id": item.account_id,
                "account": name,
                "rule": titles.get(item.rule, item.rule),
                "note": item.note,
                "days_open": (today - item.added_at.date()).days,
            }
            for item, name in items
        ]
    }
