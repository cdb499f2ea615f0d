"""Creating, changing and listing tasks; every change is kept in the task's history.

Pages, the API, the command line and the playbooks all call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.clock import utcnow
from keepwell.db.prepared import prepared, read
from keepwell.notify.inbox import notify_assignment
from keepwell.people.models import Employee
from keepwell.record.models import Account
from keepwell.tasks.models import Task, TaskEvent
from keepwell.tasks.owners import owner_for
from keepwell.tasks.schemas import OPEN_STATUSES, TaskCreate, TaskUpdate

TRACKED = ("status", "owner_id", "due_on", "priority", "title")


class TaskError(ValueError):
    """A task cannot be written as asked; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks to list; ``None`` means any."""

    owner_id: int | None = None
    account_id: int | None = None
    status: str | None = None
    open_only: bool = False
    rule: str | None = None
    overdue_on: date | None = None
    """Only tasks still open whose due day is before this day."""


def open_key(account_id: int | None, rule: str | None, reason_key: str | None) -> str | None:
    """The de-duplication key of a playbook's open task (``None`` for hand-made tasks)."""
    if rule is None:
        return None
    return f"{account_id or 0}:{rule}:{reason_key or ''}"[:512]


def create_task(
    session: Session,
    data: TaskCreate,
    *,
    actor: str,
    rule: str | None = None,
    reason_key: str | None = None,
    today: date | None = None,
) -> Task:
    """Add a task; without an owner, the account team member in ``role_key`` owns it."""
    day = today or date.today()
    owner_id, role_key = data.owner_id, data.role_key
    if data.account_id is not None and session.get(Account, data.account_id) is None:
        raise TaskError(f"no account with id {data.account_id}", 404)
    if owner_id is not None:
        _check_employee(session, owner_id)
    elif data.account_id is not None:
        owner, role_key = owner_for(session, data.account_id, role_key, day)
        owner_id = owner.id if owner is not None else None
    task = Task(
        title=data.title.strip(),
        description=data.description.strip(),
        account_id=data.account_id,
        owner_id=owner_id,
        role_key=role_key,
        due_on=data.due_on,
        priority=data.priority,
        status="open",
        rule=rule,
        reason_key=reason_key,
        open_key=open_key(data.account_id, rule, reason_key),
        escalate_after_days=data.escalate_after_days,
        created_by=actor,
    )
    session.add(task)
    session.flush()
    _event(session, task, actor, "created", None, task.title)
    changes = {"title": task.title, "account_id": task.account_id, "owner_id": owner_id}
    record(
        session,
        actor=actor,
        action="task.created",
        entity="tasks",
        entity_id=task.id,
        changes={**changes, "rule": rule, "reason_key": reason_key},
    )
    notify_assignment(session, task, actor=actor)
    return task


def update_task(
    session: Session, task: Task, data: TaskUpdate, *, actor: str
) -> dict[str, list[Any]]:
    """Apply the fields set in ``data``; record history and audit; return the changes."""
    wanted = data.model_dump(exclude_unset=True)
    if wanted.get("owner_id") is not None:
        _check_employee(session, wanted["owner_id"])
    for required in ("status", "priority", "title"):
        if required in wanted and wanted[required] is None:
            raise TaskError(f"{required} cannot be null")
    if wanted.get("title"):
        wanted["title"] = wanted["title"].strip()
    if "description" in wanted:  # null clears it
        wanted["description"] = (wanted["description"] or "").strip()
    changes = {k: [getattr(task, k), v] for k, v in wanted.items() if getattr(task, k) != v}
    for field, (_old, new) in changes.items():
        setattr(task, field, new)
    if "status" in changes:
        _status_changed(session, task)
    if changes.get("owner_id", [None, None])[1] is not None:
        notify_assignment(session, task, actor=actor)
    for field, (old, new) in changes.items():
        if field in TRACKED:
            _event(session, task, actor, field, old, new)
    if changes:
        shown = {k: [_text(o), _text(n)] for k, (o, n) in changes.items()}
        record(
            session,
            actor=actor,
            action="task.updated",
            entity="tasks",
            entity_id=task.id,
            changes=shown,
        )
    return changes


def _status_changed(session: Session, task: Task) -> None:
    if task.status in OPEN_STATUSES:
        key = open_key(task.account_id, task.rule, task.reason_key)
        taken = select(Task.id).where(Task.open_key == key, Task.id != task.id)
        if key is not None and task.open_key != key and session.scalar(taken) is not None:
            raise TaskError(f"task {session.scalar(taken)} is already open for this reason", 409)
        task.closed_at = None
        task.open_key = key
    else:
        task.closed_at = utcnow()
        task.open_key = None


def get_task(session: Session, task_id: int) -> Task:
    """The task ``task_id``, or a 404 ``TaskError``."""
    task = session.get(Task, task_id)
    if task is None:
        raise TaskError(f"no task with id {task_id}", 404)
    return task


def list_tasks(
    session: Session, where: TaskFilter, *, limit: int | None = None, offset: int = 0
) -> list[Task]:
    """Tasks matching ``where``: the earliest due first (no due day last), then newest."""
    query = _listing(_shape(where)).offset(offset).limit(limit)
    return list(session.scalars(query, _values(where)))


def count_tasks(session: Session, where: TaskFilter) -> int:
    """How many tasks match ``where``."""
    return int(read(session, _counting(_shape(where)), **_values(where)).scalar_one())


def task_history(session: Session, task_id: int) -> list[TaskEvent]:
    """A task's changes, oldest first."""
    query = select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
    return list(session.scalars(query))


COMPARED = ("owner_id", "account_id", "status", "rule")
"""The filter fields that select tasks with that value."""


def _values(where: TaskFilter) -> dict[str, Any]:
    """The filter's set values: the parameters of its statement."""
    return {name: value for name, value in vars(where).items() if value is not None}


def _shape(where: TaskFilter) -> tuple[str, ...]:
    """The filter fields in use (one statement is built per shape)."""
    return tuple(
        name for name, value in vars(where).items() if value is not None and value is not False
    )


@prepared
def _listing(shape: tuple[str, ...]) -> Select[Any]:
    ordered = (Task.due_on.is_(None), Task.due_on, Task.id.desc())
    return select(Task).where(*_conditions(shape)).order_by(*ordered)


@prepared
def _counting(shape: tuple[str, ...]) -> Select[Any]:
    return select(func.count(Task.id)).where(*_conditions(shape))


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The conditions of a filter with the fields ``shape``, values as parameters."""
    conditions = [getattr(Task, name) == bindparam(name) for name in COMPARED if name in shape]
    if "open_only" in shape or "overdue_on" in shape:
        conditions.append(Task.status.in_(OPEN_STATUSES))
    if "overdue_on" in shape:
        conditions.append(Task.due_on < bindparam("overdue_on"))
    return conditions


def _check_employee(session: Session, employee_id: int) -> None:
    if session.get(Employee, employee_id) is None:
        raise TaskError(f"no employee with id {employee_id}")


def _event(session: Session, task: Task, actor: str, field: str, old: Any, new: Any) -> None:
    session.add(
        TaskEvent(task_id=task.id, actor=actor, field=field, old=_text(old), new=_text(new))
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:255]
