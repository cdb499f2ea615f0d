"""The built-in actions: create a task, notify, add to the leadership review, escalate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select

from keepwell.notify.inbox import wants_email
from keepwell.notify.notice import Notice
from keepwell.people.models import Employee
from keepwell.playbooks.core import Action, Context, Firing, Params
from keepwell.playbooks.format import fill
from keepwell.playbooks.hookspecs import hookimpl
from keepwell.playbooks.models import ReviewItem
from keepwell.tasks.owners import owner_for
from keepwell.tasks.schemas import Priority, TaskCreate
from keepwell.tasks.service import create_task, open_key


class TaskParams(Params):
    role: str = Field(default="account_owner", max_length=64)
    title: str = Field(default="{summary}", min_length=1, max_length=255)
    description: str = Field(default="{summary}", max_length=4000)
    due_in_days: int = Field(default=7, ge=0, le=365)
    priority: Priority = "normal"


class CreateTask(Action[TaskParams]):
    """A task for the team member in ``role`` (else the account owner, else the fallback)."""

    name = "create_task"
    description = "Create a task for a role on the account team (falling back to the owner)."
    params = TaskParams

    def apply(self, ctx: Context, firing: Firing, params: TaskParams) -> None:
        hit = firing.hit
        owner, role = owner_for(
            ctx.session, hit.account_id, params.role, ctx.today, hit.fallback_owner_id
        )
        data = TaskCreate(
            title=fill(params.title, firing)[:255],
            description=fill(params.description, firing),
            account_id=hit.account_id,
            owner_id=owner.id if owner else None,
            role_key=role,
            due_on=ctx.today + timedelta(days=params.due_in_days),
            priority=params.priority,
        )
        firing.task = create_task(
            ctx.session,
            data,
            actor=ctx.actor,
            rule=firing.rule.name,
            reason_key=hit.reason_key,
            today=ctx.today,
        )
        firing.outcomes.append(f"task {firing.task.id}")


class NotifyParams(Params):
    channel: Literal["email", "webhook"] = "email"
    to: str = Field(default="owner", max_length=255)
    """For email: ``owner`` (of the task), ``role:<key>`` or an address."""
    webhook: str = Field(default="default", max_length=64)


class Notify(Action[NotifyParams]):
    """A line in this run's digest for a person (email) or a webhook; sent once per run."""

    name = "notify"
    description = "Notify by email or webhook (collected into one digest per recipient and run)."
    params = NotifyParams

    def apply(self, ctx: Context, firing: Firing, params: NotifyParams) -> None:
        line = _line(firing)
        recipient = params.webhook if params.channel == "webhook" else _email(ctx, firing, params)
        if recipient is None:
            firing.outcomes.append("nobody to notify")
            return
        ctx.notices.append(
            Notice(params.channel, recipient, line, firing.hit.account_id, firing.rule.name)
        )
        firing.outcomes.append(f"{params.channel} {recipient}")


def _line(firing: Firing) -> str:
    task = firing.task
    if task is None:
        return f"{firing.account.name}: {firing.hit.summary}"
    due = f" (due {task.due_on})" if task.due_on else ""
    return f"{firing.account.name}: {task.title}{due}"


def _email(ctx: Context, firing: Firing, params: NotifyParams) -> str | None:
    if "@" in params.to:
        return params.to
    owner_id = firing.task.owner_id if firing.task else None
    if params.to.startswith("role:") or owner_id is None:
        role = params.to.removeprefix("role:") if params.to.startswith("role:") else None
        owner, _ = owner_for(ctx.session, firing.hit.account_id, role, ctx.today)
        owner_id = owner.id if owner else None
    if owner_id is None or not wants_email(ctx.session, "assignment", employee_id=owner_id):
        return None
    return ctx.session.scalar(select(Employee.email).where(Employee.id == owner_id))


class ReviewParams(Params):
    note: str = Field(default="{summary}", max_length=512)


class LeadershipReview(Action[ReviewParams]):
    """Put the account on the leadership review (one open item per account, rule, reason)."""

    name = "leadership_review"
    description = "Add the account to the leadership review."
    params = ReviewParams

    def apply(self, ctx: Context, firing: Firing, params: ReviewParams) -> None:
        key = open_key(firing.hit.account_id, firing.rule.name, firing.hit.reason_key)
        if ctx.session.scalar(select(ReviewItem.id).where(ReviewItem.open_key == key)):
            firing.outcomes.append("already on the review")
            return
        ctx.session.add(
            ReviewItem(
                account_id=firing.hit.account_id,
                rule=firing.rule.name,
                reason_key=firing.hit.reason_key,
                note=fill(params.note, firing)[:512],
                open_key=key,
            )
        )
        firing.outcomes.append("leadership review")


class EscalateParams(Params):
    after_days: int = Field(default=3, ge=0, le=365)
    """Days past the task's due day before it goes up."""


class Escalate(Action[EscalateParams]):
    """Escalate the rule's task when it is overdue by ``after_days`` (needs create_task first)."""

    name = "escalate"
    description = "Escalate the task to the owner's manager (or sponsor) when it is overdue."
    params = EscalateParams

    def apply(self, ctx: Context, firing: Firing, params: EscalateParams) -> None:
        if firing.task is None:
            firing.outcomes.append("no task to escalate")
            return
        firing.task.escalate_after_days = params.after_days
        firing.outcomes.append(f"escalates {params.after_days} d after due")


@hookimpl
def keepwell_playbook_actions() -> list[Any]:
    """The built-in actions."""
    return [CreateTask(), Notify(), LeadershipReview(), Escalate()]
