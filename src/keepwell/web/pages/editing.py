"""Editing pages: an account's fields, its contacts, and handing tasks to a new owner.

They call the same service functions as the API (``keepwell.editing.accounts``,
``keepwell.tasks.service``); every save answers with what changed, in words.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.audit.words import field_label, value_text
from keepwell.editing.accounts import (
    AccountUpdate,
    ContactCreate,
    ContactUpdate,
    EditError,
    account_contacts,
    account_owner,
    create_contact,
    get_account,
    get_contact,
    may_edit_account,
    require_editor,
    update_account,
    update_contact,
)
from keepwell.errors import NotFound
from keepwell.record.models import Account
from keepwell.record.vocabulary import ACCOUNT_STATUSES
from keepwell.tasks.schemas import OPEN_STATUSES, TaskUpdate
from keepwell.tasks.service import (
    TaskError,
    TaskFilter,
    get_task,
    list_tasks,
    reassign_tasks,
    update_task,
)
from keepwell.teams.team import active_employees
from keepwell.web.deps import PageWriter, Principal, SessionDep, StateDep
from keepwell.web.pages.tasks import task_context
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=255)]
Note = Annotated[str, Form(max_length=2000)]
REASSIGN_LIMIT = 200


def changed_words(shown: dict[str, dict[str, Any]]) -> str:
    """A save's notice: "Saved: Segment OEM → Utility; Tier (empty) → A." or nothing changed."""
    parts = [
        f"{field_label(k)} {value_text(v['old'])} → {value_text(v['new'])}"
        for k, v in shown.items()
        if isinstance(v, dict)
    ]
    return f"Saved: {'; '.join(parts)}." if parts else "Nothing changed."


def form_error(exc: ValidationError) -> str:
    """The first problem of a form, in words."""
    first = exc.errors()[0]
    name = str(first["loc"][-1]) if first["loc"] else "form"
    return f"{field_label(name)}: {first['msg']}."


def _blank(value: str) -> str | None:
    return value.strip() or None


@router.get("/accounts/{account_id}/edit")
def account_edit_page(
    request: Request, account_id: IdPath, who: PageWriter, db: SessionDep, state: StateDep
) -> Response:
    """The account's editable fields: owner, segment, tier, renewal, status and why lost."""
    return _account_form(request, db, who, state.settings.lost_reasons, account_id)


@router.post("/accounts/{account_id}/edit")
def account_edit_save(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    state: StateDep,
    segment: Field = "",
    tier: Field = "",
    renewal_date: Field = "",
    status: Field = "active",
    lost_reason_code: Field = "",
    lost_reason: Note = "",
    owner_id: Field = "",
    contract_value: Field = "",
) -> Response:
    """Save the account's fields; the page answers with what changed."""
    reasons = state.settings.lost_reasons
    values: dict[str, Any] = {
        "segment": _blank(segment),
        "tier": _blank(tier),
        "renewal_date": _blank(renewal_date),
        "status": status,
        "lost_reason_code": _blank(lost_reason_code),
        "lost_reason": _blank(lost_reason),
    }
    if owner_id and who.writer(db).edits_any:
        values["owner_id"] = owner_id
    if who.sees_money:
        values["contract_value"] = _blank(contract_value.replace(",", ""))
    try:
        account = get_account(db, account_id)
        data = AccountUpdate.model_validate(values)
        shown = update_account(
            db, account, data, writer=who.writer(db), money=who.sees_money, reasons=reasons
        )
    except ValidationError as exc:
        return _account_form(request, db, who, reasons, account_id, error=form_error(exc))
    except EditError as exc:
        db.rollback()
        return _account_form(request, db, who, reasons, account_id, error=str(exc))
    db.commit()
    notice = changed_words({k: v for k, v in shown.items() if k != "account"})
    return _account_form(request, db, who, reasons, account_id, notice=notice)


def _account_form(
    request: Request,
    db: Session,
    who: Principal,
    reasons: dict[str, str],
    account_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    account = get_account(db, account_id)
    writer = who.writer(db)
    require_editor(db, writer, account_id)
    owner = account_owner(db, account_id)
    context = {
        "account": account,
        "owner": owner,
        "leads": writer.edits_any,
        "employees": active_employees(db) if writer.edits_any else [],
        "statuses": ACCOUNT_STATUSES,
        "reasons": reasons,
        "notice": notice,
        "error": error,
    }
    return render(request, "editing/account.html", context, status=422 if error else 200)


@router.get("/accounts/{account_id}/contacts")
def contacts_page(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    edit: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The account's contacts: add one, edit one, mark one as gone."""
    return _contacts(request, db, who, account_id, editing=edit)


@router.post("/accounts/{account_id}/contacts")
def contact_add(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    name: Field = "",
    email: Field = "",
    phone: Field = "",
    title: Field = "",
    role: Field = "",
    is_key: Annotated[bool, Form()] = False,
) -> Response:
    """Add a contact to the account."""
    values = {"name": name.strip(), "email": email, "phone": phone, "title": title}
    try:
        data = ContactCreate.model_validate(
            {**values, "role": role, "is_key": is_key, "account_id": account_id}
        )
        contact = create_contact(db, data, writer=who.writer(db))
    except ValidationError as exc:
        return _contacts(request, db, who, account_id, error=form_error(exc), form=values)
    except EditError as exc:
        return _contacts(request, db, who, account_id, error=str(exc), form=values)
    db.commit()
    return _contacts(request, db, who, account_id, notice=f"{contact.name} was added.")


@router.post("/accounts/{account_id}/contacts/{contact_id}")
def contact_save(
    request: Request,
    account_id: IdPath,
    contact_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    name: Field = "",
    email: Field = "",
    phone: Field = "",
    title: Field = "",
    role: Field = "",
    is_key: Annotated[bool, Form()] = False,
    left_at: Field = "",
) -> Response:
    """Change a contact; a day in "Left on" marks them as gone, an empty one brings them back."""
    values = {
        "name": name.strip(),
        "email": _blank(email),
        "phone": _blank(phone),
        "title": _blank(title),
        "role": _blank(role),
        "is_key": is_key,
        "left_at": _blank(left_at),
    }
    return _save_contact(request, db, who, account_id, contact_id, values)


@router.post("/accounts/{account_id}/contacts/{contact_id}/left")
def contact_left(
    request: Request, account_id: IdPath, contact_id: IdPath, who: PageWriter, db: SessionDep
) -> Response:
    """Mark a contact as gone from the customer today."""
    values = {"left_at": date.today().isoformat()}
    return _save_contact(request, db, who, account_id, contact_id, values)


def _save_contact(
    request: Request,
    db: Session,
    who: Principal,
    account_id: int,
    contact_id: int,
    values: dict[str, Any],
) -> Response:
    try:
        contact = get_contact(db, contact_id)
        if contact.account_id != account_id:
            raise NotFound(f"contact {contact_id} is not a contact of this account")
        data = ContactUpdate.model_validate(values)
        shown = update_contact(db, contact, data, writer=who.writer(db))
    except ValidationError as exc:
        return _contacts(request, db, who, account_id, error=form_error(exc), editing=contact_id)
    except EditError as exc:
        db.rollback()
        return _contacts(request, db, who, account_id, error=str(exc), editing=contact_id)
    db.commit()
    words = changed_words({k: v for k, v in shown.items() if k != "active"})
    return _contacts(request, db, who, account_id, notice=f"{contact.name}: {words}")


def _contacts(
    request: Request,
    db: Session,
    who: Principal,
    account_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    editing: int | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    account: Account = get_account(db, account_id)
    context = {
        "account": account,
        "contacts": account_contacts(db, account_id),
        "may_edit": may_edit_account(db, who.writer(db), account_id),
        "editing": editing,
        "notice": notice,
        "error": error,
        "form": form or {},
    }
    return render(request, "editing/contacts.html", context, status=422 if error else 200)


@router.post("/tasks/{task_id}/edit")
def task_edit_save(
    request: Request,
    task_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    owner_id: Field = "",
    due_on: Field = "",
    priority: Field = "normal",
    status: Field = "open",
    outcome: Field = "",
    outcome_note: Note = "",
) -> Response:
    """Save a task's owner, due day, priority, status and outcome from its page."""
    values: dict[str, Any] = {
        "owner_id": owner_id or None,
        "due_on": _blank(due_on),
        "priority": priority,
        "outcome_note": _blank(outcome_note),
    }
    try:
        task = get_task(db, task_id)
        reopened = status in OPEN_STATUSES and outcome == task.outcome
        if outcome and not reopened:
            values["outcome"] = outcome
        else:
            values["status"] = status
        data = TaskUpdate.model_validate(values)
        changes = update_task(db, task, data, actor=who.actor, editor=who.writer(db))
    except ValidationError as exc:
        context = task_context(db, task_id, error=form_error(exc))
        return render(request, "tasks/detail.html", context, status=422)
    except TaskError as exc:
        db.rollback()
        context = task_context(db, task_id, error=str(exc))
        return render(request, "tasks/detail.html", context, status=exc.status)
    db.commit()
    notice = "Saved." if changes else "Nothing changed."
    return render(request, "tasks/detail.html", task_context(db, task_id, notice=notice))


@router.get("/tasks/reassign")
def reassign_page(
    request: Request,
    who: PageWriter,
    db: SessionDep,
    owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Open tasks (of one owner, or everyone's) to hand to a new owner: leaders and admins."""
    return _reassign(request, db, who, owner_id)


@router.post("/tasks/reassign")
def reassign_save(
    request: Request,
    who: PageWriter,
    db: SessionDep,
    new_owner_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    task_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    owner_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Hand the chosen tasks to the new owner."""
    if not task_ids:
        return _reassign(request, db, who, owner_id, error="Choose at least one task.")
    try:
        tasks = reassign_tasks(db, task_ids, new_owner_id, editor=who.writer(db))
    except TaskError as exc:
        db.rollback()
        return _reassign(request, db, who, owner_id, error=str(exc))
    db.commit()
    name = tasks[0].owner.name if tasks and tasks[0].owner else "the new owner"
    count = "1 task now belongs" if len(tasks) == 1 else f"{len(tasks)} tasks now belong"
    notice = f"{count} to {name}."
    return _reassign(request, db, who, owner_id, notice=notice)


def _reassign(
    request: Request,
    db: Session,
    who: Principal,
    owner_id: int | None,
    *,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    if not who.writer(db).edits_any:
        raise HTTPException(403, "Only leaders and admins may reassign several tasks at once.")
    where = TaskFilter(owner_id=owner_id, open_only=True)
    context = {
        "tasks": list_tasks(db, where, limit=REASSIGN_LIMIT),
        "employees": active_employees(db),
        "owner_id": owner_id,
        "today": date.today(),
        "notice": notice,
        "error": error,
    }
    return render(request, "tasks/reassign.html", context, status=422 if error else 200)
