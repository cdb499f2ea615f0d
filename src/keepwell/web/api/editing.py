"""Editing accounts and contacts through the API; the pages call the same functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from keepwell.editing.accounts import (
    AccountUpdate,
    ContactCreate,
    ContactUpdate,
    account_owner,
    create_contact,
    get_account,
    get_contact,
    update_account,
    update_contact,
)
from keepwell.record.models import Account
from keepwell.web.deps import ApiWriter, SessionDep, StateDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses
from keepwell.web.schemas import ContactPublic

router = APIRouter(responses=problem_responses(401, 403, 404, 422))


class AccountEdited(BaseModel):
    """An account's editable fields after a change, and the change in words."""

    id: int
    name: str
    status: str
    owner_id: int | None
    owner: str | None
    segment: str | None
    tier: str | None
    renewal_date: date | None
    lost_reason_code: str | None
    lost_reason: str | None
    ended_on: date | None
    contract_value: float | None
    """Null unless your role sees money."""
    overrides: list[str]
    """Fields edited in Keepwell that imports leave alone."""
    changes: dict[str, dict[str, Any]]
    """What this request changed: ``{field: {"old": ..., "new": ...}}``, as people read it."""


@router.patch(
    "/accounts/{account_id}",
    tags=["accounts"],
    summary="Update an account",
    responses=problem_responses(409),
)
def update_account_endpoint(
    account_id: IdPath, data: AccountUpdate, db: SessionDep, who: ApiWriter, state: StateDep
) -> AccountEdited:
    """Change the owner, segment, tier, renewal, status (a lost account needs a
    ``lost_reason_code`` from the taxonomy) or contract value. The account's team, leaders
    and admins may edit; only leaders and admins change the owner; only roles that see
    money change the contract value. Fields an import brought become overrides that later
    imports leave alone."""
    account = get_account(db, account_id)
    shown = update_account(
        db,
        account,
        data,
        writer=who.writer(db),
        money=who.sees_money,
        reasons=state.settings.lost_reasons,
    )
    db.commit()
    return _edited(db, account, shown, who.sees_money)


def _edited(
    db: SessionDep, account: Account, shown: dict[str, dict[str, Any]], money: bool
) -> AccountEdited:
    owner = account_owner(db, account.id)
    changes = {k: v for k, v in shown.items() if k != "account"}
    if not money:
        changes.pop("contract_value", None)
    return AccountEdited(
        id=account.id,
        name=account.name,
        status=account.status,
        owner_id=owner.id if owner else None,
        owner=owner.name if owner else None,
        segment=account.segment,
        tier=account.tier,
        renewal_date=account.renewal_date,
        lost_reason_code=account.lost_reason_code,
        lost_reason=account.lost_reason,
        ended_on=account.ended_on,
        contract_value=account.contract_value if money else None,
        overrides=sorted(account.overrides or {}),
        changes=changes,
    )


@router.post("/contacts", tags=["contacts"], status_code=201, summary="Add a contact")
def create_contact_endpoint(
    data: ContactCreate, db: SessionDep, who: ApiWriter, response: Response
) -> ContactPublic:
    """Add a contact to an account (its team, leaders and admins)."""
    contact = create_contact(db, data, writer=who.writer(db))
    db.commit()
    response.headers["Location"] = f"/api/v1/contacts/{contact.id}"
    return ContactPublic.model_validate(contact)


@router.patch("/contacts/{contact_id}", tags=["contacts"], summary="Update a contact")
def update_contact_endpoint(
    contact_id: IdPath, data: ContactUpdate, db: SessionDep, who: ApiWriter
) -> ContactPublic:
    """Change a contact; ``left_at`` marks them as gone from the customer (``null``: back).
    Fields an import brought become overrides that later imports leave alone."""
    contact = get_contact(db, contact_id)
    update_contact(db, contact, data, writer=who.writer(db))
    db.commit()
    return ContactPublic.model_validate(contact)
