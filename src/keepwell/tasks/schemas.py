"""Task input and output shapes shared by the API, the pages and the command line."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from keepwell.db.values import Day, UtcDateTime

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

Priority = Literal["low", "normal", "high", "urgent"]
Status = Literal["open", "in_progress", "done", "cancelled"]
PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "cancelled")
OPEN_STATUSES: tuple[str, ...] = ("open", "in_progress")
Outcome = Literal["done", "not_needed", "could_not"]
OUTCOMES: dict[str, str] = {"done": "Done", "not_needed": "Not needed", "could_not": "Could not"}
"""How a task ended, in words; an outcome closes the task (done, or else cancelled)."""


class TaskCreate(BaseModel):
    """A new task. Without an owner, the account team member holding ``role_key`` owns it
    (falling back to the account owner)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=20_000)
    account_id: Id | None = None
    owner_id: Id | None = None
    role_key: str | None = Field(default=None, max_length=64)
    due_on: Day | None = None
    priority: Priority = "normal"
    escalate_after_days: int | None = Field(default=None, ge=0, le=365)


class TaskUpdate(BaseModel):
    """The fields of a task to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=20_000)
    status: Status | None = None
    owner_id: Id | None = None
    due_on: Day | None = None
    priority: Priority | None = None
    outcome: Outcome | None = Field(
        default=None, description="Closes the task: done, not_needed or could_not."
    )
    outcome_note: str | None = Field(default=None, max_length=2000)


class TaskReassign(BaseModel):
    """Several tasks handed to one new owner (leaders and admins)."""

    model_config = ConfigDict(extra="forbid")

    task_ids: list[Id] = Field(min_length=1, max_length=500)
    owner_id: Id


class TaskPublic(BaseModel):
    """A task as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    account_id: int | None
    owner_id: int | None
    role_key: str | None
    due_on: Day | None
    priority: str
    status: str
    rule: str | None
    reason_key: str | None
    escalate_after_days: int | None
    escalated_at: UtcDateTime | None
    escalated_to_id: int | None
    created_by: str
    created_at: UtcDateTime
    closed_at: UtcDateTime | None
    outcome: str | None = None
    outcome_note: str | None = None


class TaskEventPublic(BaseModel):
    """One change in a task's history."""

    model_config = ConfigDict(from_attributes=True)

    at: UtcDateTime
    actor: str
    field: str
    old: str | None
    new: str | None
