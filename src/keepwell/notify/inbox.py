"""The in-app inbox: mentions, assignments, escalations and digests, read or unread.

Senders call ``add_entry`` (or the ``notify_*`` helpers) with whoever the event names —
a user, an employee, or both; an entry for an employee is also addressed to the user
linked to that employee (``User.employee_id``, else the same email address). A person
sees the entries of their user and of their employee record, newest first.

Each person's choices (``NotificationPreference``): e-mail on or off per kind, and the
personal digest ``off``, ``daily`` or ``weekly`` (the default: e-mail on, weekly digest).
The in-app entry is always written; only e-mail follows the choices (``wants_email``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, func, or_, select, update
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.days import utcnow
from keepwell.errors import Invalid, NotFound
from keepwell.notify.models import InboxEntry, NotificationPreference
from keepwell.people.models import Employee

KINDS = {
    "mention": "Mention",
    "assignment": "Assigned to you",
    "escalation": "Escalation",
    "digest": "Digest",
}
"""Entry kinds and how the inbox names them."""
EMAIL_KINDS = {
    "mention": "Mentions of me",
    "assignment": "Tasks given to me",
    "escalation": "Tasks escalated to me",
}
"""Kinds a person may switch e-mail on or off for (digests follow ``digest``)."""
DIGESTS = {"off": "Off", "daily": "Daily", "weekly": "Weekly"}
EXCERPT = 140


class InboxError(Invalid):
    """A request about the inbox that cannot be done (unknown entry, bad choice)."""


@dataclass(frozen=True)
class Reader:
    """Whose inbox: a user and, when linked, their employee record."""

    user_id: int
    employee_id: int | None = None
    email: str = ""
    """Without a linked employee: the employees with this address are the person too."""

    def owns(self) -> ColumnElement[bool]:
        """The condition selecting this person's entries."""
        mine = InboxEntry.user_id == self.user_id
        if self.employee_id is not None:
            return or_(mine, InboxEntry.employee_id == self.employee_id)
        if self.email:
            same = select(Employee.id).where(func.lower(Employee.email) == self.email.lower())
            return or_(mine, InboxEntry.employee_id.in_(same))
        return mine


def reader_for(user: User) -> Reader:
    """The inbox of ``user`` (and of the employee record linked to it, or with its email)."""
    return Reader(user.id, user.employee_id, user.email)


def add_entry(
    session: Session,
    kind: str,
    title: str,
    url: str,
    *,
    user_id: int | None = None,
    employee_id: int | None = None,
) -> InboxEntry | None:
    """Put one entry in a person's inbox; ``None`` when nobody is named."""
    if kind not in KINDS:
        raise InboxError(f"an inbox entry is one of: {', '.join(KINDS)}")
    if user_id is None and employee_id is not None:
        user_id = user_of_employee(session, employee_id)
    if user_id is None and employee_id is None:
        return None
    entry = InboxEntry(
        user_id=user_id,
        employee_id=employee_id,
        kind=kind,
        title=title[:500],
        url=url[:500],
        created_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def user_of_employee(session: Session, employee_id: int) -> int | None:
    """The active user linked to an employee, else the one with the employee's email."""
    linked = session.scalar(
        select(User.id).where(User.employee_id == employee_id, User.active.is_(True)).limit(1)
    )
    if linked is not None:
        return linked
    email = session.scalar(select(Employee.email).where(Employee.id == employee_id))
    if not email:
        return None
    return session.scalar(
        select(User.id)
        .where(func.lower(User.email) == email.lower(), User.active.is_(True))
        .limit(1)
    )


def entries(
    session: Session, reader: Reader, *, limit: int = 50, offset: int = 0
) -> list[InboxEntry]:
    """The person's entries, newest first."""
    query = (
        select(InboxEntry)
        .where(reader.owns())
        .order_by(InboxEntry.created_at.desc(), InboxEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))


def unread_statement(reader: Reader) -> Select[int]:
    """The query counting the person's unread entries."""
    return select(func.count(InboxEntry.id)).where(reader.owns(), InboxEntry.read_at.is_(None))


def unread_count(session: Session, reader: Reader) -> int:
    """How many of the person's entries are unread."""
    return session.scalar(unread_statement(reader)) or 0


def entry_of(session: Session, reader: Reader, entry_id: int) -> InboxEntry:
    """One of the person's entries; ``InboxError`` when it is not theirs or not there."""
    entry = session.scalar(select(InboxEntry).where(InboxEntry.id == entry_id, reader.owns()))
    if entry is None:
        raise NotFound(f"there is no entry {entry_id} in your inbox")
    return entry


def mark_read(session: Session, reader: Reader, entry_id: int) -> InboxEntry:
    """Mark one of the person's entries read (once; reading again changes nothing)."""
    entry = entry_of(session, reader, entry_id)
    if entry.read_at is None:
        entry.read_at = utcnow()
        session.flush()
    return entry


def mark_all_read(session: Session, reader: Reader) -> int:
    """Mark every unread entry of the person read; how many were."""
    result = session.execute(
        update(InboxEntry)
        .where(reader.owns(), InboxEntry.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- choices ---------------------------------------------------------------------------


def preferences(session: Session, user_id: int) -> NotificationPreference:
    """The user's choices (the defaults, not stored, when they never chose)."""
    found = session.get(NotificationPreference, user_id)
    if found is not None:
        return found
    return NotificationPreference(
        user_id=user_id,
        email_mention=True,
        email_assignment=True,
        email_escalation=True,
        digest="weekly",
    )


def save_preferences(
    session: Session, user_id: int, *, email: set[str], digest: str
) -> NotificationPreference:
    """Store the user's choices: the kinds to e-mail and the digest frequency."""
    unknown = sorted(email - set(EMAIL_KINDS))
    if unknown:
        raise InboxError(f"e-mail can be switched for: {', '.join(EMAIL_KINDS)}")
    if digest not in DIGESTS:
        raise InboxError(f"the digest comes: {', '.join(DIGESTS)}")
    choice = session.get(NotificationPreference, user_id) or NotificationPreference(user_id=user_id)
    choice.email_mention = "mention" in email
    choice.email_assignment = "assignment" in email
    choice.email_escalation = "escalation" in email
    choice.digest = digest
    session.add(choice)
    session.flush()
    return choice


def wants_email(
    session: Session, kind: str, *, user_id: int | None = None, employee_id: int | None = None
) -> bool:
    """True unless the person switched e-mail off for ``kind`` (or chose no digest)."""
    if user_id is None and employee_id is not None:
        user_id = user_of_employee(session, employee_id)
    if user_id is None:
        return True
    choice = preferences(session, user_id)
    if kind == "digest":
        return choice.digest != "off"
    return bool(getattr(choice, f"email_{kind}", True))


def digest_choices(session: Session) -> dict[int, str]:
    """Each employee's digest frequency, for those whose user chose one other than weekly
    (the user linked to the employee, else the user with the employee's email)."""
    query = (
        select(User.employee_id, User.email, NotificationPreference.digest)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(NotificationPreference.digest != "weekly")
    )
    rows = session.execute(query).all()
    chosen = {int(e): str(d) for e, _, d in rows if e is not None}
    by_email = {m.lower(): str(d) for e, m, d in rows if e is None}
    if by_email:
        matches = select(Employee.id, Employee.email).where(
            func.lower(Employee.email).in_(by_email)
        )
        for employee_id, address in session.execute(matches):
            chosen.setdefault(employee_id, by_email[(address or "").lower()])
    return chosen


def email_opt_outs(session: Session, kind: str) -> tuple[set[int], set[str]]:
    """The users (ids and lowercased emails) who switched e-mail off for ``kind``."""
    column = getattr(NotificationPreference, f"email_{kind}", None)
    if column is None:
        return set(), set()
    query = (
        select(User.id, User.email)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(column == false())
    )
    rows = session.execute(query).all()
    return {r[0] for r in rows}, {r[1].lower() for r in rows}


# --- senders ---------------------------------------------------------------------------


def excerpt(text: str) -> str:
    """The text on one line, cut to a readable length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def total(session: Session, reader: Reader) -> int:
    """How many entries the person has."""
    return session.scalar(select(func.count(InboxEntry.id)).where(reader.owns())) or 0
