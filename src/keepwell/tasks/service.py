"""Creating, changing and listing tasks; every change is kept in the task's history.

Pages, the API, the command line and the playbooks all call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select
from sqlalchemy.orm import Session, joinedload

from keepwell.audit.service import record
from keepwell.days import utcnow
from keepwell.db.prepared import prepared, read
from keepwell.editing.accounts import may_edit_account
from keepwell.editing.notes import Writer
from keepwell.errors import Invalid, NotAllowed, NotFound
from keepwell.people.models import Employee
from keepwell.record.models import Account
from keepwell.tasks.inbox import notify_assignment
from keepwell.tasks.models import Task, TaskEvent
from keepwell.tasks.owners import owner_for
from keepwell.tasks.schemas import OPEN_STATUSES, OUTCOMES, TaskCreate, TaskUpdate

TRACKED = ("status", "owner_id", "due_on", "priority", "title", "outcome")
STATUS_WORDS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
PRIORITY_WORDS = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}


class TaskError(Invalid):
    """A task cannot be written as asked; ``status`` is the HTTP status to answer."""

    problem_type = "task"

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
    priority: str | None = None
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
        raise NotFound(f"no account with id {data.account_id}")
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
    session: Session,
    task: Task,
    data: TaskUpdate,
    *,
    actor: str,
    editor: Writer | None = None,
) -> dict[str, list[Any]]:
    """Apply the fields set in ``data``; record history and audit; return the changes.

    With an ``editor`` (a person, not a playbook), only the task's owner, a leader or an
    admin may change it. An outcome closes the task; reopening it clears the outcome.
    """
    if editor is not None:
        require_task_editor(session, task, editor)
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
    _outcome_rules(task, wanted)
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
        record(
            session,
            actor=actor,
            action="task.updated",
            entity="tasks",
            entity_id=task.id,
            changes={"task": task.title, **_in_words(session, changes)},
        )
    return changes


def require_task_editor(session: Session, task: Task, editor: Writer) -> None:
    """Refuse (403) a person who neither owns the task, nor is on its account's team,
    nor leads."""
    own = editor.employee is not None and task.owner_id == editor.employee.id
    team = task.account_id is not None and may_edit_account(session, editor, task.account_id)
    if not (own or team or editor.edits_any):
        raise NotAllowed(
            f"task {task.id} belongs to someone else; only its owner, the account's team, "
            "a leader or an admin may change it"
        )


def reassign_tasks(
    session: Session, task_ids: list[int], owner_id: int, *, editor: Writer
) -> list[Task]:
    """Hand several tasks to one owner (leaders and admins); each change is audited."""
    if not editor.edits_any:
        raise NotAllowed("only leaders and admins may reassign several tasks at once")
    _check_employee(session, owner_id)
    tasks = [get_task(session, task_id) for task_id in dict.fromkeys(task_ids)]
    for task in tasks:
        update_task(session, task, TaskUpdate(owner_id=owner_id), actor=editor.actor)
    return tasks


def _outcome_rules(task: Task, wanted: dict[str, Any]) -> None:
    """An outcome closes the task; ``could_not`` says why; reopening clears the outcome."""
    outcome = wanted.get("outcome")
    if outcome is not None:
        note = wanted.get("outcome_note", task.outcome_note)
        if outcome == "could_not" and not (note or "").strip():
            raise TaskError("say why the task could not be done (outcome_note)")
        wanted.setdefault("status", "done" if outcome == "done" else "cancelled")
        if (wanted["status"] == "done") != (outcome == "done"):
            raise TaskError(f"the outcome {OUTCOMES[outcome]!r} does not fit the status")
    elif wanted.get("status") in OPEN_STATUSES and task.outcome is not None:
        wanted.setdefault("outcome", None)
    if "outcome_note" in wanted:
        wanted["outcome_note"] = (wanted["outcome_note"] or "").strip() or None


def _in_words(session: Session, changes: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
    """The changes as people read them: owners by name, outcomes and statuses in words."""
    shown: dict[str, dict[str, Any]] = {}
    for field, (old, new) in changes.items():
        if field == "owner_id":
            shown["owner"] = {"old": _name(session, old), "new": _name(session, new)}
            continue
        words = {"status": STATUS_WORDS, "outcome": OUTCOMES, "priority": PRIORITY_WORDS}
        table = words.get(field, {})
        shown[field] = {"old": table.get(old, _text(old)), "new": table.get(new, _text(new))}
    return shown


def _name(session: Session, employee_id: int | None) -> str | None:
    employee = session.get(Employee, employee_id) if employee_id is not None else None
    return employee.name if employee is not None else None


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
    """The task ``task_id``, or ``NotFound``."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id}")
    return task


TASK_ORDERS = ("due", "newest", "priority")
"""How a task list may be ordered: earliest due, newest first, most urgent first."""


def list_tasks(
    session: Session,
    where: TaskFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: str = "due",
) -> list[Task]:
    """Tasks matching ``where``: the earliest due first (no due day last), then newest;
    or the newest first, or the most urgent first (then by due day)."""
    query = _listing(_shape(where), order).offset(offset).limit(limit)
    return list(session.scalars(query, _values(where)))


def count_tasks(session: Session, where: TaskFilter) -> int:
    """How many tasks match ``where``."""
    return int(read(session, _counting(_shape(where)), **_values(where)).scalar_one())


def task_history(session: Session, task_id: int) -> list[TaskEvent]:
    """A task's changes, oldest first."""
    query = select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
    return list(session.scalars(query))


COMPARED = ("owner_id", "account_id", "status", "rule", "priority")
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
def _listing(shape: tuple[str, ...], order: str = "due") -> Select[Any]:
    by_due = (Task.due_on.is_(None), Task.due_on, Task.id.desc())
    urgency = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Task.priority, else_=4)
    ordered = {
        "newest": (Task.id.desc(),),
        "priority": (urgency, *by_due),
    }.get(order, by_due)
    rows = select(Task).options(joinedload(Task.account), joinedload(Task.owner))
    return rows.where(*_conditions(shape)).order_by(*ordered)


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
