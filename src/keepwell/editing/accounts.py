"""Editing accounts and contacts in Keepwell: pages, API and CLI share these.

Who may edit: leaders and admins any account; other writers the accounts whose current
team they are on. Only leaders and admins change an account's owner, and only roles that
see money change its contract value.

Import-owned fields: an edit of a record that came from an import (a CRM, an ERP) is kept
as an *override*. The field is listed in the record's ``overrides``; later imports leave
it alone and audit the value they brought instead (``import.override_kept``), so the edit
is neither refused nor silently overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.editing.notes import SOURCE, Writer
from keepwell.errors import Invalid, NotAllowed, NotFound
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import Account, Contact
from keepwell.record.service import MAX_ID, current_assignment
from keepwell.teams.errors import TeamsError
from keepwell.teams.team import add_member, end_member

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Status = Literal["active", "lost", "prospect", "inactive"]
OWNER_ROLE = "account_owner"
Short = Annotated[str, Field(max_length=255)]


class EditError(Invalid):
    """An edit cannot be made as asked; ``status`` is the HTTP status to answer."""

    problem_type = "account"

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class ContactError(EditError):
    """A contact cannot be written as asked."""

    problem_type = "contact"


class AccountUpdate(BaseModel):
    """Account fields to change; fields left out stay, ``null`` clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    owner_id: Id | None = Field(default=None, description="The account owner's employee id.")
    segment: str | None = Field(default=None, max_length=64)
    tier: str | None = Field(default=None, max_length=32)
    renewal_date: date | None = None
    status: Status | None = None
    lost_reason_code: str | None = Field(
        default=None, max_length=64, description="Why a lost account left (the taxonomy's key)."
    )
    lost_reason: str | None = Field(default=None, max_length=2000, description="In words.")
    ended_on: date | None = None
    contract_value: float | None = Field(default=None, ge=0, le=1e12)


class ContactFields(BaseModel):
    """The editable part of a contact."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=255)
    phone: str | None = Field(default=None, max_length=64)
    title: str | None = Field(default=None, max_length=255)
    role: str | None = Field(default=None, max_length=64)


class ContactCreate(ContactFields):
    """A new contact at a customer."""

    account_id: Id
    name: str = Field(min_length=1, max_length=255)
    is_key: bool = False


class ContactUpdate(ContactFields):
    """Contact fields to change; ``left_at`` marks the contact as gone (``null``: back)."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    is_key: bool | None = None
    left_at: date | None = None


def may_edit_account(session: Session, writer: Writer, account_id: int) -> bool:
    """True for leaders and admins, and for writers on the account's current team."""
    if writer.edits_any:
        return True
    if writer.employee is None:
        return False
    query = (
        select(AccountTeamMember.id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(
            AccountTeamMember.account_id == account_id,
            AccountTeamMember.employee_id == writer.employee.id,
            current_assignment(date.today()),
        )
    )
    return session.scalar(query.limit(1)) is not None


def require_editor(session: Session, writer: Writer, account_id: int) -> None:
    """Refuse (403) a writer who may not edit the account."""
    if not may_edit_account(session, writer, account_id):
        raise NotAllowed("only the account's team, leaders and admins may change this account")


def get_account(session: Session, account_id: int) -> Account:
    """The account ``account_id``, or ``NotFound``."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account with id {account_id}")
    return account


def get_contact(session: Session, contact_id: int) -> Contact:
    """The contact ``contact_id``, or ``NotFound``."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact with id {contact_id}")
    return contact


def account_owner(session: Session, account_id: int) -> Employee | None:
    """The account's current owner (the longest-serving one when several)."""
    query = (
        select(Employee)
        .join(AccountTeamMember, AccountTeamMember.employee_id == Employee.id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(
            AccountTeamMember.account_id == account_id,
            RetentionRole.key == OWNER_ROLE,
            current_assignment(date.today()),
        )
        .order_by(AccountTeamMember.since, AccountTeamMember.id)
    )
    return session.scalars(query.limit(1)).first()


def update_account(
    session: Session,
    account: Account,
    data: AccountUpdate,
    *,
    writer: Writer,
    money: bool,
    reasons: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """Apply the fields set in ``data``; audit and return ``{field: {old, new}}`` in words."""
    require_editor(session, writer, account.id)
    wanted = data.model_dump(exclude_unset=True)
    if "contract_value" in wanted and not money:
        raise NotAllowed("your role may not see the contract value, so it may not change it")
    owner = wanted.pop("owner_id", None) if "owner_id" in wanted else False
    if owner is not False and not writer.edits_any:
        raise NotAllowed("only leaders and admins may change the account owner")
    if "status" in wanted and wanted["status"] is None:
        raise EditError("status cannot be empty")
    _lost_rules(account, wanted, reasons)
    shown = _apply(account, wanted, writer.actor, _reason_words(reasons))
    if owner is not False:
        shown.update(_change_owner(session, account, owner, writer.actor))
    if shown:
        record(
            session,
            actor=writer.actor,
            action="account.updated",
            entity="accounts",
            entity_id=account.id,
            changes={"account": account.name, **shown},
        )
    return shown


def _lost_rules(account: Account, wanted: dict[str, Any], reasons: Mapping[str, str]) -> None:
    """An account marked lost takes a reason from the taxonomy and keeps it; a reactivated
    one drops it. Lost accounts imported without a reason stay editable."""
    status = wanted.get("status", account.status)
    code = wanted.get("lost_reason_code")
    choices = ", ".join(reasons)
    if status != "lost":
        if code:
            raise EditError("only a lost account takes a reason for leaving")
        if account.status == "lost":
            wanted.setdefault("lost_reason_code", None)
            wanted.setdefault("ended_on", None)
        return
    if code and code not in reasons:
        raise EditError(f"unknown reason {code!r} for a lost account; choose one of {choices}")
    if account.status != "lost":
        if not code:
            raise EditError(f"a lost account needs a reason (lost_reason_code): one of {choices}")
        if account.ended_on is None:
            wanted.setdefault("ended_on", date.today())
    elif "lost_reason_code" in wanted and not code and account.lost_reason_code:
        raise EditError(f"a lost account keeps a reason: choose one of {choices}")


def _reason_words(reasons: Mapping[str, str]) -> dict[str, Mapping[str, str]]:
    return {"lost_reason_code": reasons}


def _apply(
    row: Account | Contact,
    wanted: dict[str, Any],
    actor: str,
    words: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Set the changed fields, mark imported ones as overrides, return them in words."""
    shown: dict[str, dict[str, Any]] = {}
    for field, new in wanted.items():
        if isinstance(new, str):
            new = new.strip() or None
        old = getattr(row, field)
        if old == new:
            continue
        setattr(row, field, new)
        labels = (words or {}).get(field, {})
        shown[field] = {"old": _plain(labels.get(old, old)), "new": _plain(labels.get(new, new))}
    if shown and row.source != SOURCE:
        note = f"{actor} on {date.today().isoformat()}"
        row.overrides = {**(row.overrides or {}), **dict.fromkeys(shown, note)}
    return shown


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _change_owner(
    session: Session, account: Account, owner_id: int | None, actor: str
) -> dict[str, dict[str, Any]]:
    """End the current owners' memberships and make ``owner_id`` the owner."""
    if owner_id is None:
        raise EditError("an account keeps an owner: choose who owns it")
    if session.get(Employee, owner_id) is None:
        raise EditError(f"no employee with id {owner_id}")
    current = account_owner(session, account.id)
    if current is not None and current.id == owner_id:
        return {}
    try:
        for member in _owner_memberships(session, account.id):
            end_member(session, account.id, member.id, actor=actor)
        new = add_member(
            session, account.id, employee_id=owner_id, role_key=OWNER_ROLE, actor=actor
        )
    except TeamsError as exc:
        raise EditError(str(exc), exc.status) from None
    name = session.get(Employee, new.employee_id)
    return {"owner": {"old": current.name if current else None, "new": name and name.name}}


def _owner_memberships(session: Session, account_id: int) -> list[AccountTeamMember]:
    query = (
        select(AccountTeamMember)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(
            AccountTeamMember.account_id == account_id,
            RetentionRole.key == OWNER_ROLE,
            current_assignment(date.today()),
        )
    )
    return list(session.scalars(query))


def create_contact(session: Session, data: ContactCreate, *, writer: Writer) -> Contact:
    """Add a contact (source ``keepwell``) to an account and audit it; not yet committed."""
    account = get_account(session, data.account_id)
    require_editor(session, writer, account.id)
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data}
    contact = Contact(source=SOURCE, external_id=f"kw-{uuid.uuid4().hex}", active=True, **values)
    contact.name = data.name.strip()
    session.add(contact)
    session.flush()
    shown = {"account": account.name, "name": contact.name, "email": contact.email}
    record(
        session,
        actor=writer.actor,
        action="contact.created",
        entity="contacts",
        entity_id=contact.id,
        changes={**shown, "title": contact.title},
    )
    return contact


def update_contact(
    session: Session, contact: Contact, data: ContactUpdate, *, writer: Writer
) -> dict[str, dict[str, Any]]:
    """Apply the fields set in ``data`` (``left_at`` marks them gone); audit the change."""
    require_editor(session, writer, contact.account_id)
    wanted = data.model_dump(exclude_unset=True)
    for required in ("name", "is_key"):
        if required in wanted and wanted[required] is None:
            raise ContactError(f"{required} cannot be empty")
    if "left_at" in wanted:
        wanted["active"] = wanted["left_at"] is None
    shown = _apply(contact, wanted, writer.actor)
    if shown:
        record(
            session,
            actor=writer.actor,
            action="contact.updated",
            entity="contacts",
            entity_id=contact.id,
            changes={"contact": contact.name, **shown},
        )
    return shown


def account_contacts(session: Session, account_id: int) -> list[Contact]:
    """The account's contacts: those still there first, then by name."""
    query = select(Contact).where(Contact.account_id == account_id)
    rows = session.scalars(query.order_by(Contact.name, Contact.id))
    return sorted(rows, key=lambda c: (not c.active or c.left_at is not None, c.name.lower()))
