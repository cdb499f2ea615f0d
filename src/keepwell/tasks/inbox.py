"""The inbox entries tasks raise: a task given to someone, a task escalated to someone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.notify.inbox import add_entry
from keepwell.people.models import Employee
from keepwell.tasks.models import Task

__all__ = ["describe_task", "notify_assignment", "notify_escalation"]


def notify_assignment(session: Session, task: Task, *, actor: str = "") -> bool:
    """An inbox entry for a task's owner (not when they gave it to themselves: ``actor``
    is the audit actor, the owner's email for a person at the keyboard)."""
    if task.owner_id is None:
        return False
    owner_email = session.scalar(select(Employee.email).where(Employee.id == task.owner_id))
    if owner_email and actor.split(" ")[0].lower() == owner_email.lower():
        return False
    on = _account_of(task)
    due = f", due {task.due_on.isoformat()}" if task.due_on else ""
    title = f"New task for you: {task.title}{on}{due}"
    entry = add_entry(session, "assignment", title, f"/tasks/{task.id}", employee_id=task.owner_id)
    return entry is not None


def notify_escalation(session: Session, task: Task, target_id: int | None) -> bool:
    """An inbox entry for whoever an overdue task went up to."""
    if target_id is None:
        return False
    on = _account_of(task)
    due = f" (was due {task.due_on.isoformat()})" if task.due_on else ""
    title = f"Escalated to you: {task.title}{on}{due}"
    entry = add_entry(session, "escalation", title, f"/tasks/{task.id}", employee_id=target_id)
    return entry is not None


def _account_of(task: Task) -> str:
    """`` — Account name`` unless the task's title names the account already."""
    if task.account is None or task.account.name in task.title:
        return ""
    return f" — {task.account.name}"


def describe_task(session: Session, task_id: int) -> tuple[str, str]:
    """A task as a comment subject: its title with its account, and its page."""
    task = session.get(Task, task_id)
    if task is None:
        return "a task", f"/tasks/{task_id}"
    on = f" ({task.account.name})" if task.account is not None else ""
    return f"the task “{task.title}”{on}", f"/tasks/{task_id}#comments"
