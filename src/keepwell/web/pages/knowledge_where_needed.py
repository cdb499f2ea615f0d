"""Knowledge on other pages: the account's "Know-how" panel, lessons to write on "My work",
and the hand-over page listing a leaving employee's accounts, articles and notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.auth.permissions import Permission
from keepwell.knowledge.handover import handover_material
from keepwell.knowledge.lesson import lessons_to_write
from keepwell.knowledge.suggest import equipment_know_how
from keepwell.people.models import Employee
from keepwell.record.schemas import Account360
from keepwell.web.deps import CurrentUser, Principal, SessionDep
from keepwell.web.panels import account_panels, work_panels
from keepwell.web.params import ID_PATTERN
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


@account_panels.register("know-how", "Know-how", "knowledge/_panel_know_how.html", order=60)
def know_how_panel(db: Session, who: Principal, view: Account360) -> dict[str, Any] | None:
    """Articles linked to the account or its assets, then related ones."""
    assets = sorted(view.assets, key=lambda asset: asset.id)
    know_how = equipment_know_how(db, view.account.id, view.account.industry, assets)
    can_write = who.can(Permission.WRITE)
    if know_how.empty and not can_write:
        return None
    return {"account_id": view.account.id, "know_how": know_how, "can_write": can_write}


@work_panels.register("lessons", "Lessons to write", "knowledge/_panel_lessons.html", order=20)
def lessons_panel(db: Session, who: Principal, employee: Employee | None) -> dict[str, Any] | None:
    """The draft lessons learned waiting for this employee."""
    if employee is None:
        return None
    drafts = lessons_to_write(db, employee.id)
    return {"drafts": drafts} if drafts else None


@router.get("/knowledge/handover")
def handover_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    employee: Annotated[str, Query(pattern=ID_PATTERN)] = "",
) -> Response:
    """Pick an employee; see the accounts they are on and what to read before taking over."""
    people = db.execute(
        select(Employee.id, Employee.name, Employee.active).order_by(Employee.active, Employee.name)
    ).all()
    material = None
    if employee:
        material = handover_material(db, int(employee))
    context = {"people": people, "chosen": employee, "material": material}
    return render(request, "knowledge/handover.html", context)
