"""Success plans: create plans, objectives and milestones; read a plan with its measures.

Who may change a plan: leaders and admins on any account, and anyone with write access
who is on the account's current team; everyone who reads the record may read plans.
Errors: ``keepwell.errors.NotFound`` (404), ``NotAllowed`` (403), ``TeamsError`` (422).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.models import User
from keepwell.auth.permissions import Permission
from keepwell.auth.service import employee_for
from keepwell.days import utcnow
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.plans.measures import MEASURES, Reading, read_measure
from keepwell.plans.models import (
    MilestoneComment,
    PlanMilestone,
    PlanObjective,
    PlanShareLink,
    SuccessPlan,
)
from keepwell.record.models import Account, Contact
from keepwell.record.service import current_assignment
from keepwell.teams.access import is_leader
from keepwell.teams.errors import NotAllowed, NotFound, TeamsError

STATUSES = {"on_track": "on track", "at_risk": "at risk", "done": "done", "dropped": "dropped"}
"""Objective statuses and their words inside the company."""
REVIEW_EVERY_DAYS = 90
MAX_TITLE = 255
MAX_TEXT = 2000


def may_edit(
    session: Session, user: User, permissions: frozenset[Permission], account_id: int
) -> bool:
    """True for leaders and admins, and for writers on the account's current team."""
    if Permission.WRITE not in permissions:
        return False
    if is_leader(user, permissions):
        return True
    employee = employee_for(session, user)
    if employee is None:
        return False
    query = (
        select(AccountTeamMember.id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(
            AccountTeamMember.account_id == account_id,
            AccountTeamMember.employee_id == employee.id,
            current_assignment(date.today()),
        )
        .limit(1)
    )
    return session.scalar(query) is not None


def require_edit(
    session: Session, user: User, permissions: frozenset[Permission], account_id: int
) -> None:
    """Refuse unless the user may change the account's plans."""
    if not may_edit(session, user, permissions, account_id):
        raise NotAllowed("only the account's team, leaders and admins change its success plans")


def _text(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise TeamsError(f"write the {what}")
    if len(text) > limit:
        raise TeamsError(f"the {what} holds at most {limit:,} characters")
    return text


def get_plan(session: Session, plan_id: int) -> SuccessPlan:
    """The plan with ``plan_id``."""
    plan = session.get(SuccessPlan, plan_id)
    if plan is None:
        raise NotFound(f"no success plan with id {plan_id}")
    return plan


def get_objective(session: Session, objective_id: int) -> tuple[PlanObjective, SuccessPlan]:
    """The objective with ``objective_id`` and its plan."""
    objective = session.get(PlanObjective, objective_id)
    if objective is None:
        raise NotFound(f"no objective with id {objective_id}")
    return objective, get_plan(session, objective.plan_id)


def get_milestone(session: Session, milestone_id: int) -> tuple[PlanMilestone, SuccessPlan]:
    """The milestone with ``milestone_id`` and its plan."""
    milestone = session.get(PlanMilestone, milestone_id)
    if milestone is None:
        raise NotFound(f"no milestone with id {milestone_id}")
    return milestone, get_objective(session, milestone.objective_id)[1]


def create_plan(
    session: Session,
    account_id: int,
    *,
    title: str,
    actor: str,
    review_on: date | None = None,
    internal_note: str = "",
) -> SuccessPlan:
    """A new plan for the account, to be reviewed on ``review_on`` (default in 90 days)."""
    if session.get(Account, account_id) is None:
        raise NotFound(f"no account with id {account_id}")
    plan = SuccessPlan(
        account_id=account_id,
        title=_text(title, "plan's title", MAX_TITLE),
        internal_note=internal_note.strip()[:MAX_TEXT],
        review_on=review_on or date.today() + timedelta(days=REVIEW_EVERY_DAYS),
        created_at=utcnow(),
        created_by=actor,
    )
    session.add(plan)
    session.flush()
    record(
        session,
        actor=actor,
        action="plan.created",
        entity="success_plans",
        entity_id=plan.id,
        changes={"account": account_id, "title": plan.title},
    )
    return plan


def add_objective(
    session: Session,
    plan: SuccessPlan,
    *,
    text: str,
    actor: str,
    employee_id: int | None = None,
    contact_id: int | None = None,
    status: str = "on_track",
    measure: str | None = None,
    target: float | None = None,
    shared: bool = True,
    internal_note: str = "",
) -> PlanObjective:
    """An objective in the customer's words; owners must be an employee and a contact of
    the plan's account."""
    if status not in STATUSES:
        raise TeamsError(f"the status is one of: {', '.join(STATUSES.values())}")
    if measure and measure not in MEASURES:
        raise TeamsError(f"the measure is one of: {', '.join(m.label for m in MEASURES.values())}")
    if employee_id is not None and session.get(Employee, employee_id) is None:
        raise NotFound(f"no employee with id {employee_id}")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.account_id != plan.account_id:
            raise TeamsError("the customer's owner must be a contact of this account")
    objective = PlanObjective(
        plan_id=plan.id,
        text=_text(text, "objective", MAX_TEXT),
        employee_id=employee_id,
        contact_id=contact_id,
        status=status,
        measure=measure or None,
        target=target,
        shared=shared,
        internal_note=internal_note.strip()[:MAX_TEXT],
        created_at=utcnow(),
    )
    session.add(objective)
    session.flush()
    record(
        session,
        actor=actor,
        action="plan.objective_added",
        entity="success_plans",
        entity_id=plan.id,
        changes={"objective": objective.id, "text": objective.text},
    )
    return objective


def add_milestone(
    session: Session,
    objective: PlanObjective,
    *,
    title: str,
    due_on: date,
    actor: str,
    shared: bool = True,
) -> PlanMilestone:
    """A milestone of the objective, due on ``due_on``."""
    milestone = PlanMilestone(
        objective_id=objective.id,
        title=_text(title, "milestone", MAX_TITLE),
        due_on=due_on,
        shared=shared,
    )
    session.add(milestone)
    session.flush()
    record(
        session,
        actor=actor,
        action="plan.milestone_added",
        entity="success_plans",
        entity_id=objective.plan_id,
        changes={"milestone": milestone.id, "title": milestone.title, "due": due_on.isoformat()},
    )
    return milestone


def set_status(session: Session, objective: PlanObjective, status: str, *, actor: str) -> None:
    """Change an objective's status (on track, at risk, done, dropped)."""
    if status not in STATUSES:
        raise TeamsError(f"the status is one of: {', '.join(STATUSES.values())}")
    old, objective.status = objective.status, status
    record(
        session,
        actor=actor,
        action="plan.objective_status",
        entity="success_plans",
        entity_id=objective.plan_id,
        changes={
            "objective": objective.id,
            "status": {"old": STATUSES[old], "new": STATUSES[status]},
        },
    )


def mark_done(session: Session, milestone: PlanMilestone, *, by: str) -> bool:
    """Mark the milestone done (once); False when it already was."""
    if milestone.done_at is not None:
        return False
    milestone.done_at, milestone.done_by = utcnow(), by
    return True


def mark_reviewed(
    session: Session, plan: SuccessPlan, *, actor: str, next_review: date | None = None
) -> None:
    """Record that the plan was reviewed with the customer today; set the next review."""
    plan.reviewed_at = utcnow()
    plan.review_on = next_review or date.today() + timedelta(days=REVIEW_EVERY_DAYS)
    record(
        session,
        actor=actor,
        action="plan.reviewed",
        entity="success_plans",
        entity_id=plan.id,
        changes={"next_review": plan.review_on.isoformat()},
    )


def last_reviewed(plan: SuccessPlan) -> datetime:
    """When the plan was last reviewed (its creation when never)."""
    return plan.reviewed_at or plan.created_at


@dataclass
class MilestoneView:
    """A milestone with its comments."""

    milestone: PlanMilestone
    comments: list[MilestoneComment] = field(default_factory=list)


@dataclass
class ObjectiveView:
    """An objective with its owners' names, its measure and its milestones."""

    objective: PlanObjective
    employee: str | None
    contact: str | None
    reading: Reading | None
    milestones: list[MilestoneView] = field(default_factory=list)


@dataclass
class PlanView:
    """A plan as shown inside the company (or, filtered, to the customer)."""

    plan: SuccessPlan
    account: Account
    objectives: list[ObjectiveView]
    link: PlanShareLink | None = None


def plan_view(
    session: Session, plan: SuccessPlan, *, day: date | None = None, shared_only: bool = False
) -> PlanView:
    """The plan with its objectives, measures, milestones and comments; ``shared_only``
    keeps only what was chosen for sharing. A fixed number of queries whatever the plan's
    size, plus one per measure in use."""
    today = day or date.today()
    account = session.get_one(Account, plan.account_id)
    query = select(PlanObjective).where(PlanObjective.plan_id == plan.id)
    if shared_only:
        query = query.where(PlanObjective.shared.is_(True))
    objectives = list(session.scalars(query.order_by(PlanObjective.id)))
    employees = _names(session, Employee, {o.employee_id for o in objectives})
    contacts = _names(session, Contact, {o.contact_id for o in objectives})
    milestones = _milestones(session, [o.id for o in objectives], shared_only)
    readings: dict[str, Reading] = {}
    views = []
    for o in objectives:
        reading = None
        if o.measure in MEASURES:
            key = f"{o.measure}:{o.target}"
            if key not in readings:
                readings[key] = read_measure(session, o.measure, account.id, today, o.target)
            reading = readings[key]
        views.append(
            ObjectiveView(
                o,
                employees.get(o.employee_id),
                contacts.get(o.contact_id),
                reading,
                milestones.get(o.id, []),
            )
        )
    return PlanView(plan, account, views, None if shared_only else active_link(session, plan.id))


def _names(
    session: Session, model: type[Employee] | type[Contact], ids: set[int | None]
) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def _milestones(
    session: Session, objective_ids: list[int], shared_only: bool
) -> dict[int, list[MilestoneView]]:
    """The objectives' milestones (due first) with their comments, by objective."""
    if not objective_ids:
        return {}
    query = select(PlanMilestone).where(PlanMilestone.objective_id.in_(objective_ids))
    if shared_only:
        query = query.where(PlanMilestone.shared.is_(True))
    views = {
        m.id: MilestoneView(m)
        for m in session.scalars(query.order_by(PlanMilestone.due_on, PlanMilestone.id))
    }
    if views:
        comments = session.scalars(
            select(MilestoneComment)
            .where(MilestoneComment.milestone_id.in_(views))
            .order_by(MilestoneComment.created_at, MilestoneComment.id)
        )
        for comment in comments:
            views[comment.milestone_id].comments.append(comment)
    found: dict[int, list[MilestoneView]] = {}
    for view in views.values():
        found.setdefault(view.milestone.objective_id, []).append(view)
    return found


def active_link(
    session: Session, plan_id: int, now: datetime | None = None
) -> PlanShareLink | None:
    """The plan's live share link (unrevoked, unexpired), if any."""
    query = (
        select(PlanShareLink)
        .where(
            PlanShareLink.plan_id == plan_id,
            PlanShareLink.revoked_at.is_(None),
            PlanShareLink.expires_at > (now or utcnow()),
        )
        .order_by(PlanShareLink.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def plans_of(session: Session, account_id: int) -> list[SuccessPlan]:
    """The account's plans, newest first."""
    query = select(SuccessPlan).where(SuccessPlan.account_id == account_id)
    return list(session.scalars(query.order_by(SuccessPlan.id.desc())))


def unreviewed_plans(session: Session, before: datetime) -> list[SuccessPlan]:
    """Plans last reviewed (or, never reviewed, created) before ``before``."""
    last = func.coalesce(SuccessPlan.reviewed_at, SuccessPlan.created_at)
    return list(session.scalars(select(SuccessPlan).where(last < before).order_by(SuccessPlan.id)))


def complete_milestone(session: Session, milestone: PlanMilestone, *, actor: str) -> bool:
    """Someone inside marks the milestone done; audited. False when it already was."""
    changed = mark_done(session, milestone, by=actor)
    objective = session.get_one(PlanObjective, milestone.objective_id)
    record(
        session,
        actor=actor,
        action="plan.milestone_done",
        entity="success_plans",
        entity_id=objective.plan_id,
        changes={"milestone": milestone.id, "changed": changed},
    )
    return changed
