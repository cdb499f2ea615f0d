"""Escalating overdue tasks: to the owner's manager, else the executive sponsor or owner."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.days import utcnow
from keepwell.people.models import Employee
from keepwell.tasks.inbox import notify_escalation
from keepwell.tasks.models import Task, TaskEvent
from keepwell.tasks.owners import team_holders
from keepwell.tasks.schemas import OPEN_STATUSES

ESCALATE_TO_ROLES = ("executive_sponsor", "account_owner")


def due_for_escalation(session: Session, today: date) -> list[Task]:
    """Open, not yet escalated tasks whose due day is ``escalate_after_days`` or more ago."""
    query = select(Task).where(
        Task.status.in_(OPEN_STATUSES),
        Task.escalated_at.is_(None),
        Task.escalate_after_days.is_not(None),
        Task.due_on.is_not(None),
    )
    return [
        task
        for task in session.scalars(query.order_by(Task.id))
        if task.due_on is not None
        and task.escalate_after_days is not None
        and task.due_on + timedelta(days=task.escalate_after_days) < today
    ]


def escalation_target(session: Session, task: Task, today: date) -> Employee | None:
    """Who an overdue task goes up to: the owner's manager, else a sponsor or owner."""
    owner = session.get(Employee, task.owner_id) if task.owner_id else None
    if owner is not None and owner.manager_id is not None:
        return session.get(Employee, owner.manager_id)
    if task.account_id is None:
        return None
    holders = team_holders(session, task.account_id, today)
    for key in ESCALATE_TO_ROLES:
        for employee in holders.get(key, []):
            if employee.id != task.owner_id:
                return employee
    return None


def escalate_overdue(session: Session, today: date, *, actor: str) -> list[Task]:
    """Escalate every task due for it; return them (history and audit recorded)."""
    escalated = []
    for task in due_for_escalation(session, today):
        target = escalation_target(session, task, today)
        task.escalated_at = utcnow()
        task.escalated_to_id = target.id if target else None
        old_priority, task.priority = task.priority, "urgent"
        shown = target.name if target else None
        session.add(TaskEvent(task_id=task.id, actor=actor, field="escalated", old=None, new=shown))
        if old_priority != "urgent":
            session.add(
                TaskEvent(
                    task_id=task.id, actor=actor, field="priority", old=old_priority, new="urgent"
                )
            )
        record(
            session,
            actor=actor,
            action="task.escalated",
            entity="tasks",
            entity_id=task.id,
            changes={"escalated_to_id": task.escalated_to_id, "due_on": str(task.due_on)},
        )
        notify_escalation(session, task, task.escalated_to_id)
        escalated.append(task)
    session.flush()
    return escalated
