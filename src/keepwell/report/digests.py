"""The personal digest: each employee's own accounts and tasks, through the outbox.

For every present employee with an email address: their accounts (current account team)
whose churn risk moved between the two latest scoring runs, their open and overdue
tasks, and the comments that mentioned them in the period. Nothing to say, no message.
Each person chooses the period (``weekly`` by default, ``daily``, or ``off``: no digest);
a run for one period reaches the people who chose it. A queued digest also lands in the
person's in-app inbox.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.insight.history import latest_movers
from keepwell.notify.inbox import add_entry, digest_choices
from keepwell.notify.models import Notification
from keepwell.notify.service import queue_message
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.people.presence import still_present
from keepwell.record.service import current_assignment
from keepwell.settings import get_settings
from keepwell.tasks.models import Task
from keepwell.teams.comments import mentions_of

WEEK = timedelta(days=7)
PERIODS = {"weekly": WEEK, "daily": timedelta(days=1)}
OPEN = ("open", "in_progress")
MAX_TASKS = 15


@dataclass
class PersonalDigest:
    """What one employee hears about in the week ending ``today``."""

    employee_id: int
    name: str
    email: str
    today: date
    movers: list[dict[str, Any]] = field(default_factory=list)
    open_tasks: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    """Where links in the lines point (the public address)."""
    every: str = "weekly"
    """The period the digest covers: ``weekly`` or ``daily``."""

    def _link(self, path: str) -> str:
        return f" — {self.base_url.rstrip('/')}{path}"

    @property
    def overdue(self) -> list[dict[str, Any]]:
        """The open tasks past their due day."""
        return [t for t in self.open_tasks if t["overdue"]]

    @property
    def empty(self) -> bool:
        """True when there is nothing to tell."""
        return not (self.movers or self.open_tasks or self.mentions)

    @property
    def subject(self) -> str:
        """The message subject (one digest per person and period)."""
        if self.every == "daily":
            return f"Keepwell: your day, {self.today.isoformat()}"
        return f"Keepwell: your week to {self.today.isoformat()}"

    def lines(self) -> list[str]:
        """The message's lines."""
        out = [
            f"Risk of losing {m['account']} moved from {m['before']:.0%} to {m['after']:.0%}"
            + (f" ({m['reason']})" if m["reason"] else "")
            + self._link(f"/accounts/{m['account_id']}")
            for m in self.movers
        ]
        out += [
            f"{'Overdue' if t['overdue'] else 'Open'} task: {t['title']}"
            + (f" ({t['account']})" if t["account"] else "")
            + (f", due {t['due_on']}" if t["due_on"] else "")
            + self._link(f"/tasks/{t['id']}")
            for t in sorted(self.open_tasks, key=lambda t: (not t["overdue"], t["due_on"] or ""))[
                :MAX_TASKS
            ]
        ]
        if len(self.open_tasks) > MAX_TASKS:
            more = len(self.open_tasks) - MAX_TASKS
            out.append(f"... and {more} more open tasks" + self._link("/tasks"))
        out += [f"{m['author']} mentioned you: {m['body'][:160]}" for m in self.mentions]
        return out

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        del data["base_url"], data["every"]
        data["today"] = self.today.isoformat()
        data["overdue"] = len(self.overdue)
        data["lines"] = self.lines()
        return data


def personal_digests(
    session: Session,
    today: date | None = None,
    *,
    base_url: str | None = None,
    every: str = "weekly",
) -> list[PersonalDigest]:
    """The ``every`` (weekly or daily) digest of every present employee who chose that
    period and has something to tell, by name.

    Its lines link to the accounts and tasks under ``base_url`` (default: the public address).
    """
    if every not in PERIODS:
        raise ValueError(f"a digest comes {' or '.join(PERIODS)}")
    day = today or date.today()
    chosen = digest_choices(session)
    base = get_settings().public_url if base_url is None else base_url
    people = session.scalars(
        select(Employee)
        .where(
            Employee.email.is_not(None),
            still_present(Employee.left_at, Employee.active, day),
        )
        .order_by(Employee.name)
    ).all()
    digests = {
        e.id: PersonalDigest(e.id, e.name, e.email or "", day, base_url=base, every=every)
        for e in people
        if chosen.get(e.id, "weekly") == every
    }
    _add_movers(session, digests, day)
    _add_tasks(session, digests, day)
    _add_mentions(session, digests, day, PERIODS[every])
    return [d for d in digests.values() if not d.empty]


def _add_movers(session: Session, digests: dict[int, PersonalDigest], day: date) -> None:
    movers = latest_movers(session, top=10_000)
    if not movers:
        return
    teams: dict[int, set[int]] = {}
    query = (
        select(AccountTeamMember.account_id, AccountTeamMember.employee_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(current_assignment(day), AccountTeamMember.employee_id.in_(digests))
    )
    for account_id, employee_id in session.execute(query):
        teams.setdefault(account_id, set()).add(employee_id)
    for mover in movers:
        for employee_id in sorted(teams.get(mover.account_id, ())):
            digests[employee_id].movers.append(
                {
                    "account_id": mover.account_id,
                    "account": mover.name,
                    "before": mover.change.before,
                    "after": mover.change.after,
                    "reason": mover.reasons[0] if mover.reasons else "",
                }
            )


def _add_tasks(session: Session, digests: dict[int, PersonalDigest], day: date) -> None:
    query = (
        select(Task)
        .where(Task.status.in_(OPEN), Task.owner_id.in_(digests))
        .order_by(Task.due_on, Task.id)
    )
    for task in session.scalars(query):
        assert task.owner_id is not None
        digests[task.owner_id].open_tasks.append(
            {
                "id": task.id,
                "title": task.title,
                "account": task.account.name if task.account else None,
                "due_on": task.due_on.isoformat() if task.due_on else None,
                "overdue": task.due_on is not None and task.due_on < day,
            }
        )


def _add_mentions(
    session: Session, digests: dict[int, PersonalDigest], day: date, period: timedelta
) -> None:
    since = datetime.combine(day - period + timedelta(days=1), time(0))
    until = datetime.combine(day + timedelta(days=1), time(0))
    users = dict(
        session.execute(
            select(User.employee_id, User.id).where(User.employee_id.in_(digests))
        ).all()
    )
    for employee_id, digest in digests.items():
        found = mentions_of(session, users.get(employee_id, 0), employee_id, limit=20)
        digest.mentions = [
            {
                "author": m["author"],
                "body": " ".join(str(m["body"]).split()),
                "kind": m["subject_kind"],
            }
            for m in found
            if since <= m["created_at"] < until
        ]


def queue_personal_digests(session: Session, digests: list[PersonalDigest]) -> int:
    """Queue each digest as an email (and an inbox entry), once per person and period;
    how many were queued."""
    queued = 0
    for digest in digests:
        done = session.scalar(
            select(Notification.id).where(
                and_(Notification.recipient == digest.email, Notification.subject == digest.subject)
            )
        )
        if done is None:
            queue_message(session, "email", digest.email, digest.subject, digest.lines())
            add_entry(
                session,
                "digest",
                f"{digest.subject.removeprefix('Keepwell: ').capitalize()}: {_summary(digest)}",
                "/my-work",
                employee_id=digest.employee_id,
            )
            queued += 1
    return queued


def _summary(digest: PersonalDigest) -> str:
    parts = [
        (len(digest.movers), "account whose risk moved", "accounts whose risk moved"),
        (len(digest.open_tasks), "open task", "open tasks"),
        (len(digest.overdue), "overdue", "overdue"),
        (len(digest.mentions), "mention", "mentions"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)
