"""Comment threads with @mentions on accounts, RFQs, problems and tasks.

``@handle`` names a person by the part of their email before the ``@`` (``@anna.braun``
for anna.braun@maker.example). Each mention is stored with ``notified_at`` empty;
the notification feature sends them (``pending_mentions``) and marks them
(``mark_notified``). Kinds whose table lives in another feature (problems, tasks) are
added with ``register_subject``; until then comments on them are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from keepwell.audit.service import record
from keepwell.auth.models import User
from keepwell.days import utcnow
from keepwell.db.prepared import prepared, read
from keepwell.notify.inbox import add_entry, excerpt
from keepwell.people.models import Employee
from keepwell.people.presence import still_present
from keepwell.record.models import Account, Quote
from keepwell.teams.errors import NotFound, TeamsError
from keepwell.teams.models import Comment, Mention

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.+-]*[\w+-]|[A-Za-z0-9])")
MAX_BODY = 20_000
SUBJECTS: dict[str, Any] = {"account": Account, "rfq": Quote, "problem": None, "task": None}
"""Comment subjects and their tables (``None``: not available yet)."""

Describe = Callable[[Session, int], tuple[str, str]]
"""A subject's name for people and its page, from its id."""
_DESCRIBE: dict[str, Describe] = {}


def register_subject(kind: str, model: Any, describe: Describe) -> None:
    """Let comments attach to rows of ``model`` as ``kind`` (e.g. ``task``), named for
    people by ``describe``."""
    SUBJECTS[kind] = model
    _DESCRIBE[kind] = describe


def subject_of(session: Session, kind: str, subject_id: int) -> tuple[str, str]:
    """A comment subject's name (an account by its name, never its id) and its page."""
    if kind == "account":
        name = session.scalar(select(Account.name).where(Account.id == subject_id))
        return name or "an account", f"/accounts/{subject_id}?tab=timeline#panel-comments"
    if kind == "rfq":
        row = session.execute(
            select(Quote.external_id, Account.name)
            .join(Account, Account.id == Quote.account_id)
            .where(Quote.id == subject_id)
        ).first()
        label = f"the RFQ {row[0]} of {row[1]}" if row else "an RFQ"
        return label, f"/rfqs/{subject_id}#comments"
    describe = _DESCRIBE.get(kind)
    return describe(session, subject_id) if describe else (kind, "/my-work")


def check_subject(session: Session, kind: str, subject_id: int) -> None:
    """Refuse unknown kinds, kinds without a table yet, and missing rows."""
    if kind not in SUBJECTS:
        raise TeamsError(f"comments go on one of: {', '.join(SUBJECTS)}")
    model = SUBJECTS[kind]
    if model is None:
        raise NotFound(f"there are no {kind}s in this installation yet")
    if session.get(model, subject_id) is None:
        raise NotFound(f"no {kind} with id {subject_id}")


def handles(body: str) -> list[str]:
    """The distinct @handles in ``body``, lowercased, in order of appearance."""
    return list(dict.fromkeys(m.lower() for m in MENTION.findall(body)))


@dataclass(frozen=True)
class Person:
    """Someone a handle resolved to."""

    employee_id: int | None
    user_id: int | None
    name: str


def resolve(session: Session, names: list[str]) -> dict[str, list[Person]]:
    """Each handle's people: present employees and active users with that email local part."""
    found: dict[str, list[Person]] = {name: [] for name in names}
    if not names:
        return found
    users = [
        u
        for u in session.scalars(select(User).where(User.active.is_(True)))
        if _local(u.email) in found
    ]
    employees = session.scalars(
        select(Employee).where(
            still_present(Employee.left_at, Employee.active, date.today()),
            or_(*(func.lower(Employee.email).like(f"{n}@%") for n in names)),
        )
    )
    linked: set[int] = set()
    for employee in employees:
        email = (employee.email or "").lower()
        if _local(email) not in found:
            continue
        user = next(
            (u for u in users if u.employee_id == employee.id or u.email.lower() == email), None
        )
        if user is not None:
            linked.add(user.id)
        found[_local(email)].append(Person(employee.id, user.id if user else None, employee.name))
    for user in users:
        if user.id not in linked:
            found[_local(user.email)].append(Person(user.employee_id, user.id, user.name))
    return found


def _local(email: str) -> str:
    return email.lower().split("@")[0]


def add_comment(
    session: Session,
    kind: str,
    subject_id: int,
    *,
    body: str,
    user_id: int,
    employee_id: int | None,
    actor: str,
) -> Comment:
    """Add a comment to a thread and store a mention for each @handle."""
    check_subject(session, kind, subject_id)
    text = body.strip()
    if not text:
        raise TeamsError("write something in the comment")
    if len(text) > MAX_BODY:
        raise TeamsError(f"a comment holds at most {MAX_BODY:,} characters")
    people = resolve(session, handles(text))
    unknown = [f"@{name}" for name, found in people.items() if not found]
    if unknown:
        raise TeamsError(f"nobody here goes by {', '.join(unknown)}")
    comment = Comment(
        subject_kind=kind,
        subject_id=subject_id,
        author_user_id=user_id,
        author_employee_id=employee_id,
        body=text,
        created_at=utcnow(),
    )
    session.add(comment)
    session.flush()
    for person in {p for found in people.values() for p in found}:
        session.add(
            Mention(comment_id=comment.id, employee_id=person.employee_id, user_id=person.user_id)
        )
    session.flush()
    named = [(p.user_id, p.employee_id) for found in people.values() for p in found]
    notify_mentions(session, comment, named)
    record(
        session,
        actor=actor,
        action="comment.add",
        entity=kind,
        entity_id=subject_id,
        changes={"comment": comment.id, "mentions": sorted(people)},
    )
    return comment


@dataclass
class ThreadEntry:
    """A comment as shown in its thread."""

    id: int
    author: str
    body: str
    created_at: datetime
    mentioned: list[str] = field(default_factory=list)


def thread(session: Session, kind: str, subject_id: int) -> list[ThreadEntry]:
    """The comments on one subject, oldest first, with who each one mentioned."""
    entries: dict[int, ThreadEntry] = {}
    for row in read(session, _thread(), kind=kind, subject=subject_id):
        entry = entries.get(row.id)
        if entry is None:
            entry = entries[row.id] = ThreadEntry(row.id, row.author, row.body, row.created_at)
        if row.mention is not None:
            entry.mentioned.append(row.mentioned)
    return list(entries.values())


@prepared
def _thread() -> Select[*tuple[Any, ...]]:
    """A subject's comments with their mentions, one row per mention (or comment without)."""
    author = aliased(User)
    return (
        select(
            Comment.id,
            author.name.label("author"),
            Comment.body,
            Comment.created_at,
            Mention.id.label("mention"),
            func.coalesce(Employee.name, User.name).label("mentioned"),
        )
        .join(author, author.id == Comment.author_user_id)
        .outerjoin(Mention, Mention.comment_id == Comment.id)
        .outerjoin(Employee, Employee.id == Mention.employee_id)
        .outerjoin(User, User.id == Mention.user_id)
        .where(
            Comment.subject_kind == bindparam("kind"), Comment.subject_id == bindparam("subject")
        )
        .order_by(Comment.created_at, Comment.id, Mention.id)
    )


def pending_mentions(session: Session) -> list[Mention]:
    """Mentions nobody has been notified of yet, oldest first (for the notification feature)."""
    query = select(Mention).where(Mention.notified_at.is_(None)).order_by(Mention.id)
    return list(session.scalars(query))


def mark_notified(session: Session, mention_ids: list[int], when: datetime | None = None) -> int:
    """Set ``notified_at`` on the mentions; how many were still pending."""
    rows = session.scalars(
        select(Mention).where(Mention.id.in_(mention_ids), Mention.notified_at.is_(None))
    ).all()
    for row in rows:
        row.notified_at = when or utcnow()
    session.flush()
    return len(rows)


def mentions_of(
    session: Session, user_id: int, employee_id: int | None, limit: int = 10
) -> list[dict[str, Any]]:
    """The latest comments mentioning a person, newest first."""
    who = Mention.user_id == user_id
    if employee_id is not None:
        who = or_(who, Mention.employee_id == employee_id)
    query = (
        select(
            Comment.subject_kind,
            Comment.subject_id,
            Comment.body,
            Comment.created_at,
            User.name.label("author"),
        )
        .join(Mention, Mention.comment_id == Comment.id)
        .join(User, User.id == Comment.author_user_id)
        .where(who)
        .distinct()
        .order_by(Comment.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in session.execute(query).mappings()]


# --- inbox entries for mentions ------------------------------------------------------


def notify_mentions(
    session: Session, comment: Comment, people: list[tuple[int | None, int | None]]
) -> int:
    """An inbox entry for each person (user id, employee id) mentioned in ``comment``."""
    author = session.scalar(select(User.name).where(User.id == comment.author_user_id))
    label, url = subject_of(session, comment.subject_kind, comment.subject_id)
    title = f"{author or 'Someone'} mentioned you on {label}: {excerpt(comment.body)}"
    added = 0
    for user_id, employee_id in dict.fromkeys(people):
        if user_id == comment.author_user_id:
            continue
        if add_entry(session, "mention", title, url, user_id=user_id, employee_id=employee_id):
            added += 1
    return added


def notify_note_mentions(
    session: Session, *, account_id: int, text: str, author: str, author_user_id: int
) -> int:
    """An inbox entry for each known ``@handle`` in a note on an account; unknown ones are
    left as plain text (a note is not refused for them)."""
    people = [p for found in resolve(session, handles(text)).values() for p in found]
    if not people:
        return 0
    name = session.scalar(select(Account.name).where(Account.id == account_id)) or "an account"
    title = f"{author} mentioned you in a note on {name}: {excerpt(text)}"
    url = f"/accounts/{account_id}?tab=timeline"
    added = 0
    for person in dict.fromkeys(people):
        if person.user_id == author_user_id:
            continue
        entry = add_entry(
            session, "mention", title, url, user_id=person.user_id, employee_id=person.employee_id
        )
        added += entry is not None
    return added
