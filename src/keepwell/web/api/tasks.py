"""Tasks through the API: list with filters, read, create, change status, owner or due day."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from keepwell.db.values import Day, Moment
from keepwell.tasks.models import Task
from keepwell.tasks.schemas import (
    Priority,
    Status,
    TaskCreate,
    TaskEventPublic,
    TaskPublic,
    TaskReassign,
    TaskUpdate,
)
from keepwell.tasks.service import (
    create_task,
    get_task,
    reassign_tasks,
    task_history,
    update_task,
)
from keepwell.web.api.listing import ListQuery, Resource, get_one, list_page
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep
from keepwell.web.params import Id, IdPath
from keepwell.web.problem_details import problem_responses
from keepwell.web.schemas import Page

router = APIRouter(tags=["tasks"], responses=problem_responses(400, 401, 403, 422))
TASKS = Resource("task", Task, TaskPublic)


class TasksQuery(ListQuery):
    """Filters of the task list."""

    sort: Literal["id", "-id", "created_at", "-created_at"] = "-id"
    status: Status | None = None
    priority: Priority | None = None
    owner_id: Id | None = None
    account_id: Id | None = None
    rule: str | None = None
    due_on_since: Day | None = None
    due_on_before: Day | None = None
    created_at_since: Moment | None = None


@router.get("/tasks")
def list_tasks_endpoint(
    db: SessionDep,
    who: ApiReader,
    request: Request,
    response: Response,
    query: Annotated[TasksQuery, Query()],
) -> Page[TaskPublic]:
    """Tasks, newest first by default."""
    return list_page(db, TASKS, query, who, request, response)


@router.post("/tasks/reassign", summary="Reassign several tasks", responses=problem_responses(404))
def reassign_tasks_endpoint(data: TaskReassign, db: SessionDep, who: ApiWriter) -> list[TaskPublic]:
    """Hand several tasks to one new owner (leaders and admins; 403 otherwise)."""
    tasks = reassign_tasks(db, data.task_ids, data.owner_id, editor=who.writer(db))
    db.commit()
    return [TaskPublic.model_validate(t) for t in tasks]


@router.get("/tasks/{task_id}", responses=problem_responses(404))
def get_task_endpoint(task_id: IdPath, db: SessionDep, who: ApiReader) -> TaskPublic:
    """One task."""
    return get_one(db, TASKS, task_id, who)


@router.get("/tasks/{task_id}/history", responses=problem_responses(404))
def task_history_endpoint(task_id: IdPath, db: SessionDep, who: ApiReader) -> list[TaskEventPublic]:
    """The task's changes, oldest first: creation, status, owner, due day, escalation."""
    get_task(db, task_id)
    return [TaskEventPublic.model_validate(e) for e in task_history(db, task_id)]


@router.post("/tasks", status_code=201, summary="Create a task", responses=problem_responses(404))
def create_task_endpoint(
    data: TaskCreate, db: SessionDep, who: ApiWriter, response: Response
) -> TaskPublic:
    """Add a task; without ``owner_id`` the account team member in ``role_key`` owns it."""
    task = create_task(db, data, actor=who.actor)
    db.commit()
    response.headers["Location"] = f"/api/v1/tasks/{task.id}"
    return TaskPublic.model_validate(task)


@router.patch("/tasks/{task_id}", summary="Update a task", responses=problem_responses(404, 409))
def update_task_endpoint(
    task_id: IdPath, data: TaskUpdate, db: SessionDep, who: ApiWriter
) -> TaskPublic:
    """Change a task's status, owner, due day, priority, title, description or outcome
    (``done``, ``not_needed``, ``could_not`` with an ``outcome_note``; it closes the task).
    Writers change the tasks they own (403 otherwise); leaders and admins change any."""
    task = get_task(db, task_id)
    update_task(db, task, data, actor=who.actor, editor=who.writer(db))
    db.commit()
    return TaskPublic.model_validate(task)
