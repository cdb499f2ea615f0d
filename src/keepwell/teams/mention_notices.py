"""@mentions in comments as digest lines: each mentioned person hears of it once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.notify.inbox import email_opt_outs
from keepwell.notify.notice import Notice
from keepwell.people.models import Employee
from keepwell.teams.comments import mark_notified, pending_mentions, subject_of
from keepwell.teams.models import Comment

EXCERPT = 160


def mention_notices(session: Session) -> tuple[list[Notice], list[int]]:
    """Email digest lines for the mentions not notified yet, and the ids of those mentions.

    A mention of a person without an email address stays pending; a mention of someone
    who switched mention e-mails off is marked notified without a line (it is in their inbox).
    """
    pending = pending_mentions(session)
    if not pending:
        return [], []
    comments = {
        c.id: c
        for c in session.scalars(
            select(Comment).where(Comment.id.in_({m.comment_id for m in pending}))
        )
    }
    users = dict(session.execute(select(User.id, User.email)).all())
    authors = dict(session.execute(select(User.id, User.name)).all())
    employees = dict(session.execute(select(Employee.id, Employee.email)).all())
    quiet_users, quiet_emails = email_opt_outs(session, "mention")
    notices, ids = [], []
    for mention in pending:
        address = users.get(mention.user_id) if mention.user_id else None
        address = address or (employees.get(mention.employee_id) if mention.employee_id else None)
        comment = comments[mention.comment_id]
        if not address:
            continue
        if mention.user_id in quiet_users or address.lower() in quiet_emails:
            ids.append(mention.id)  # in the inbox already; no e-mail, by the person's choice
            continue
        text = " ".join(comment.body.split())
        text = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
        author = authors.get(comment.author_user_id, "someone")
        label, _ = subject_of(session, comment.subject_kind, comment.subject_id)
        line = f"{author} mentioned you on {label}: {text}"
        account_id = comment.subject_id if comment.subject_kind == "account" else None
        notices.append(Notice("email", address, line, account_id, None))
        ids.append(mention.id)
    return notices, ids


def queue_mentions(session: Session, notices: list[Notice]) -> list[int]:
    """Add the pending mentions to ``notices`` (the run's digests); the ids to mark once queued."""
    found, ids = mention_notices(session)
    notices.extend(found)
    return ids


def mentions_queued(session: Session, ids: list[int]) -> int:
    """Mark the mentions as notified, now that their digest is in the outbox."""
    return mark_notified(session, ids) if ids else 0
