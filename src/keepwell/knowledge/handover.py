"""Hand-over material when an employee leaves: their accounts' articles and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from keepwell.errors import NotFound
from keepwell.knowledge.models import Article
from keepwell.knowledge.suggest import ArticleRef, linked_articles
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import Account, Asset, Interaction

NOTES_PER_ACCOUNT = 20
EXCERPT = 280


@dataclass(frozen=True)
class NoteRef:
    """A note, call or visit on an account, shortened."""

    id: int
    kind: str
    occurred_at: datetime
    subject: str | None
    excerpt: str
    author: str | None
    by_employee: bool


@dataclass
class HandoverAccount:
    """One account the employee is on the team of, with what someone taking over reads."""

    account_id: int
    name: str
    roles: list[str]
    articles: list[ArticleRef] = field(default_factory=list)
    notes: list[NoteRef] = field(default_factory=list)


@dataclass
class Handover:
    """Everything to hand over for one employee."""

    employee_id: int
    employee: str
    as_of: date
    accounts: list[HandoverAccount]
    written: list[ArticleRef]
    """Articles the employee wrote."""


def handover_material(session: Session, employee_id: int, day: date | None = None) -> Handover:
    """The accounts the employee is on the team of (on their last day, or ``day``)."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(f"there is no employee with id {employee_id}")
    as_of = day or employee.left_at or date.today()
    accounts = _accounts(session, employee_id, as_of)
    for account in accounts:
        assets = session.scalars(select(Asset.id).where(Asset.account_id == account.account_id))
        targets = [("account", account.account_id), *(("asset", a) for a in assets)]
        account.articles = linked_articles(session, targets, limit=50)
        account.notes = _notes(session, account.account_id, employee_id)
    written = session.execute(
        select(Article.id, Article.title, Article.status)
        .where(Article.author_id == employee_id)
        .order_by(Article.updated_at.desc())
    )
    return Handover(
        employee_id, employee.name, as_of, accounts, [ArticleRef(*row) for row in written]
    )


def _accounts(session: Session, employee_id: int, day: date) -> list[HandoverAccount]:
    since, until = AccountTeamMember.since, AccountTeamMember.until
    query = (
        select(Account.id, Account.name, RetentionRole.name.label("role"))
        .join(AccountTeamMember, AccountTeamMember.account_id == Account.id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(
            AccountTeamMember.employee_id == employee_id,
            or_(since.is_(None), since <= day),
            or_(until.is_(None), until >= day),
        )
        .order_by(Account.name, Account.id, RetentionRole.name)
    )
    found: dict[int, HandoverAccount] = {}
    for row in session.execute(query):
        entry = found.setdefault(row.id, HandoverAccount(row.id, row.name, []))
        entry.roles.append(row.role)
    return list(found.values())


def _notes(session: Session, account_id: int, employee_id: int) -> list[NoteRef]:
    query = (
        select(Interaction, Employee.name)
        .outerjoin(Employee, Employee.id == Interaction.employee_id)
        .where(Interaction.account_id == account_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(NOTES_PER_ACCOUNT)
    )
    notes = []
    for interaction, author in session.execute(query):
        text = " ".join(interaction.text.split())
        notes.append(
            NoteRef(
                id=interaction.id,
                kind=interaction.kind,
                occurred_at=interaction.occurred_at,
                subject=interaction.subject,
                excerpt=text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…",
                author=author,
                by_employee=interaction.employee_id == employee_id,
            )
        )
    return notes
