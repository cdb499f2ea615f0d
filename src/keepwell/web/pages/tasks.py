"""The Tasks page, the account's "Open tasks" panel with its form, and "My open tasks"."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.auth.service import employee_for
from keepwell.people.models import Employee
from keepwell.people.roles import BUILTIN_ROLES
from keepwell.record.schemas import Account360
from keepwell.tasks.models import TaskEvent
from keepwell.tasks.schemas import OUTCOMES, PRIORITIES, STATUSES, TaskCreate, TaskUpdate
from keepwell.tasks.service import (
    PRIORITY_WORDS,
    STATUS_WORDS,
    TASK_ORDERS,
    TaskFilter,
    count_tasks,
    create_task,
    get_task,
    list_tasks,
    task_history,
    update_task,
)
from keepwell.teams.comments import thread
from keepwell.teams.team import active_employees
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.export import Column, Format, export, wants_export
from keepwell.web.lists import currency, list_tools
from keepwell.web.paging import pager
from keepwell.web.panels import account_panels, work_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import is_htmx, playbook_title, render

router = APIRouter(include_in_schema=False)
TASK_ADDED = "Task added."
PER_PAGE = 30
PANEL_LIMIT = 10
ROLES = tuple((r.key, r.name) for r in BUILTIN_ROLES)
Text = Annotated[str, Form(max_length=20_000)]
EXPORT_LIMIT = 100_000
ORDER_LABELS = {"due": "Due day, earliest first", "newest": "Newest first", "priority": "Priority"}
"""The task list's orders (``keepwell.tasks.service.TASK_ORDERS``)."""
TASK_COLUMNS = (
    Column("Task", lambda t: t.title),
    Column("Account", lambda t: t.account.name if t.account else None),
    Column("Owner", lambda t: t.owner.name if t.owner else None),
    Column("Role", lambda t: t.role_key.replace("_", " ") if t.role_key else None),
    Column("Due", lambda t: t.due_on),
    Column("Priority", lambda t: t.priority),
    Column("Status", lambda t: t.status.replace("_", " ")),
    Column("Playbook", lambda t: playbook_title(t.rule) if t.rule else None),
    Column("Created", lambda t: t.created_at),
    Column("Description", lambda t: t.description),
)
"""The task list's export."""


@router.get("/tasks")
def tasks_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    scope: Annotated[str, Query(pattern="^(mine|all)?$")] = "",
    status: Annotated[str, Query(pattern="^(open|in_progress|done|cancelled|any)?$")] = "",
    priority: Annotated[str, Query(pattern="^(|" + "|".join(PRIORITIES) + ")$")] = "",
    overdue: Annotated[bool, Query()] = False,
    sort: Annotated[str, Query(pattern="^(|" + "|".join(TASK_ORDERS) + ")$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """My tasks by default (everyone's with ``scope=all``), open ones unless filtered.

    ``format=csv`` or ``xlsx`` downloads every matching task.
    """
    employee = employee_for(db, who.user)
    scope = scope or ("mine" if employee is not None else "all")
    where = TaskFilter(
        owner_id=(employee.id if employee else 0) if scope == "mine" else None,
        status=status if status in STATUSES else None,
        open_only=status == "",
        priority=priority or None,
        overdue_on=date.today() if overdue else None,
    )
    order = sort or "due"
    if wants_export(format):
        every = list_tasks(db, where, limit=EXPORT_LIMIT, order=order)
        return export(format, "tasks", TASK_COLUMNS, every, hidden=who.hidden, currency=currency())
    total = count_tasks(db, where)
    paging = pager(request, page, total, PER_PAGE)
    tasks = list_tasks(db, where, limit=PER_PAGE, offset=paging.offset, order=order)
    context = {
        "priority": priority,
        "priorities": PRIORITIES,
        "overdue": overdue,
        "sort": order,
        "orders": ORDER_LABELS,
        "tools": list_tools(request, db, who.user.id, "tasks"),
        "tasks": tasks,
        "employee": employee,
        "scope": scope,
        "status": status,
        "statuses": STATUSES,
        "pager": paging,
        "today": date.today(),
    }
    return render(request, "tasks/list.html", context)


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """One task: its description, source, escalation, history of changes and discussion."""
    return render(request, "tasks/detail.html", task_context(db, task_id))


def task_context(
    db: Session, task_id: int, *, notice: str | None = None, error: str | None = None
) -> dict[str, Any]:
    """What the task page shows, with the edit form's choices and a save's message."""
    task = get_task(db, task_id)
    history = task_history(db, task.id)
    return {
        "task": task,
        "history": history,
        "people": _owner_names(db, history),
        "comments": {"kind": "task", "id": task.id, "entries": thread(db, "task", task.id)},
        "statuses": STATUSES,
        "status_words": STATUS_WORDS,
        "priorities": PRIORITY_WORDS,
        "outcomes": OUTCOMES,
        "employees": active_employees(db),
        "today": date.today(),
        "notice": notice,
        "error": error,
    }


@router.post("/tasks/{task_id}/status")
def set_status(
    request: Request,
    task_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    status: Annotated[str, Form(max_length=16)],
    next_url: Annotated[str, Form(alias="next", max_length=512)] = "/tasks",
) -> Response:
    """Move a task to another status (mark done); htmx gets the task's line back."""
    try:
        task = get_task(db, task_id)
        data = TaskUpdate.model_validate({"status": status})
        update_task(db, task, data, actor=who.actor, editor=who.writer(db))
    except ValidationError:
        raise HTTPException(422, f"Choose one of: {', '.join(STATUSES)}.") from None
    db.commit()
    said = f"Task “{task.title}” is now {task.status.replace('_', ' ')}."
    if is_htmx(request):
        context = {"task": task, "today": date.today(), "saved": said}
        return render(request, "tasks/_item.html", context)
    return feedback.redirect(request, _local(next_url), said)


@router.post("/accounts/{account_id}/tasks")
def add_account_task(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    title: Annotated[str, Form(max_length=255)] = "",
    description: Text = "",
    due_on: Annotated[str, Form(max_length=10)] = "",
    priority: Annotated[str, Form(max_length=8)] = "normal",
    role_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Add a task to the account from its page; back to the account, or the panel for htmx."""
    form = {
        "title": title,
        "description": description,
        "due_on": due_on,
        "priority": priority,
        "role_key": role_key,
    }
    error = None
    try:
        data = TaskCreate.model_validate(
            {
                **form,
                "account_id": account_id,
                "due_on": due_on or None,
                "role_key": role_key or None,
            }
        )
        create_task(db, data, actor=who.actor)
    except ValidationError as exc:
        error = _form_error(exc)
    if error is None:
        db.commit()
        form = {}
        if not is_htmx(request):
            return feedback.redirect(request, f"/accounts/{account_id}#panel-tasks", TASK_ADDED)
    data_ = _account_tasks(db, account_id, error, form)
    data_["saved"] = TASK_ADDED if error is None else None
    if is_htmx(request):
        return render(request, "tasks/_account_panel.html", {"data": data_})
    return render(request, "tasks/add.html", {"data": data_}, status=422)


@account_panels.register("tasks", "Open tasks", "tasks/_account_panel.html", order=20)
def account_tasks_panel(db: Session, who: Principal, view: Account360) -> dict[str, Any]:
    """The account's open tasks and the form to add one."""
    return _account_tasks(db, view.account.id, None, {})


@work_panels.register("tasks", "My open tasks", "tasks/_work_panel.html", order=10)
def my_tasks_panel(db: Session, who: Principal, employee: Employee | None) -> dict[str, Any] | None:
    """The open tasks the user owns, earliest due first."""
    if employee is None:
        return None
    where = TaskFilter(owner_id=employee.id, open_only=True)
    tasks = list_tasks(db, where, limit=PANEL_LIMIT)
    return {"tasks": tasks, "total": count_tasks(db, where), "today": date.today()}


def _account_tasks(
    db: Session, account_id: int, error: str | None, form: dict[str, str]
) -> dict[str, Any]:
    where = TaskFilter(account_id=account_id, open_only=True)
    total = count_tasks(db, where)
    return {
        "account_id": account_id,
        "tasks": list_tasks(db, where, limit=PANEL_LIMIT) if total else [],
        "total": total,
        "today": date.today(),
        "roles": ROLES,
        "priorities": PRIORITIES,
        "error": error,
        "form": form,
    }


def _owner_names(db: Session, history: list[TaskEvent]) -> dict[str, str]:
    """The names of the owners a task's history mentions, by id as the history keeps it."""
    ids = {int(v) for e in history if e.field == "owner_id" for v in (e.old, e.new) if v}
    if not ids:
        return {}
    rows = db.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids)))
    return {str(i): name for i, name in rows}


def _form_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "form"
    names = {"title": "Title", "due_on": "Due day", "priority": "Priority"}
    return f"{names.get(field, field)}: {first['msg']}."


def _local(url: str) -> str:
    """``url`` if it is a path on this site, else the task list (no open redirects)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/tasks"
