"""Problems pages: the list by impact, one problem's 8D record and actions, the account panel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.knowledge.lesson import lesson_for_problem
from keepwell.people.models import Employee
from keepwell.people.presence import still_present
from keepwell.problems import service
from keepwell.problems.models import LIVE_STATUSES, ProblemRecord
from keepwell.problems.store import run_detection
from keepwell.problems.views import (
    account_problems,
    list_problems,
    owned_problems,
    problem_detail,
    unassigned_tickets,
)
from keepwell.record.schemas import Account360
from keepwell.rendering.charts import Bar, bar_chart
from keepwell.teams.comments import thread
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.export import Column, Format, amount, export, percent, wants_export
from keepwell.web.lists import Order, currency, list_tools, matching, ordered
from keepwell.web.paging import pager
from keepwell.web.panels import account_panels, work_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
TICKETS_PER_PAGE = 25
MERGE_SHOWN = 12
"""Problems offered for merging at once; a search narrows the rest."""
BARS = "▁▂▃▄▅▆▇█"
LongText = Annotated[str, Form(max_length=20_000)]
Label = Annotated[str, Form(max_length=255)]
ORDERS = {
    "impact": Order("Widest-reaching first", lambda p: 0),
    "tickets": Order("Most tickets first", lambda p: p["impact"]["tickets"], descending=True),
    "recent": Order(
        "Latest ticket first", lambda p: p["impact"]["last_seen"] or None, descending=True
    ),
    "confidence": Order("Most confident first", lambda p: p["confidence"], descending=True),
    "label": Order("Name, A–Z", lambda p: (p["label"] or "").lower()),
}
"""The problem list's orders (by impact: the order ``list_problems`` gives)."""
COLUMNS = (
    Column("Id", lambda p: p["id"]),
    Column("Problem", lambda p: p["label"]),
    Column("Status", lambda p: p["status"].replace("_", " ")),
    Column("Confidence %", lambda p: percent(p["confidence"])),
    Column("Creates tasks", lambda p: bool(p["creates_work"])),
    Column("Accounts", lambda p: p["impact"]["accounts"]),
    Column("Tickets", lambda p: p["impact"]["tickets"]),
    Column(
        "Revenue of accounts, 12 months",
        lambda p: amount(p["impact"].get("revenue_12m")),
        "account.revenue_12m",
    ),
    Column("Lost accounts", lambda p: p["impact"]["lost_accounts"]),
    Column("Accounts at risk", lambda p: p["impact"]["at_risk_accounts"]),
    Column("Last ticket", lambda p: p["impact"]["last_seen"]),
)
"""The problem list's export."""


def sparkline(counts: list[int]) -> str:
    """A one-line trend of monthly counts with block characters."""
    top = max(counts, default=0) or 1
    return "".join(BARS[min(len(BARS) - 1, round(c / top * (len(BARS) - 1)))] for c in counts)


@router.get("/problems")
def problems_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    search: Annotated[str, Query(max_length=255)] = "",
    status: Annotated[str, Query(pattern="^(|" + "|".join(LIVE_STATUSES) + ")$")] = "",
    sort: Annotated[str, Query(pattern="^(|" + "|".join(ORDERS) + ")$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Recurring problems, the widest-reaching first; searched, filtered, sorted and paged.

    ``format=csv`` or ``xlsx`` downloads every matching problem.
    """
    found = list_problems(db, money=who.sees_money)
    found = matching(found, search, lambda p: (p["label"], f"#{p['id']}", *(p["terms"] or [])))
    if status:
        found = [p for p in found if p["status"] == status]
    found = ordered(found, ORDERS[sort or "impact"])
    if wants_export(format):
        return export(format, "problems", COLUMNS, found, hidden=who.hidden, currency=currency())
    paging = pager(request, page, len(found))
    problems = found[paging.offset : paging.offset + paging.per_page]
    for problem in problems:
        problem["spark"] = sparkline([m["tickets"] for m in problem["impact"]["monthly"]])
    context = {
        "problems": problems,
        "unassigned": unassigned_tickets(db),
        "pager": paging,
        "filters": {"search": search, "status": status, "sort": sort or "impact"},
        "statuses": LIVE_STATUSES,
        "orders": {k: o.label for k, o in ORDERS.items()},
        "tools": list_tools(request, db, who.user.id, "problems"),
    }
    return render(request, "problems.html", context)


@router.post("/problems/detect")
def detect_action(request: Request, who: PageWriter, db: SessionDep) -> Response:
    """Run detection over all tickets and come back to the list."""
    run_detection(db)
    db.commit()
    return feedback.redirect(request, "/problems", "Detection ran over all tickets.")


def _detail_context(db: Session, problem_id: int, who: Principal) -> dict[str, Any]:
    detail = problem_detail(db, problem_id, money=who.sees_money)
    monthly = detail["impact"]["monthly"]
    bars = [Bar(m["month"][2:], m["tickets"], f"{m['tickets']} tickets") for m in monthly]
    others = db.execute(
        select(ProblemRecord.id, ProblemRecord.label)
        .where(ProblemRecord.status != "merged", ProblemRecord.id != problem_id)
        .order_by(ProblemRecord.id)
    ).all()
    employees = db.execute(
        select(Employee.id, Employee.name)
        .where(still_present(Employee.left_at, Employee.active, date.today()))
        .order_by(Employee.name)
    ).all()
    return {
        "problem": detail,
        "employees": employees,
        "chart": bar_chart(bars, title="Tickets per month"),
        "others": others,
        "text_fields": service.TEXT_FIELDS,
        "statuses": service.SETTABLE_STATUSES,
        "lesson": lesson_for_problem(db, problem_id),
        "comments": {
            "kind": "problem",
            "id": problem_id,
            "entries": thread(db, "problem", problem_id),
        },
        "error": None,
    }


@router.get("/problems/{problem_id}")
def problem_page(
    request: Request,
    problem_id: IdPath,
    who: CurrentUser,
    db: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    merge_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """One problem: impact, 8D record, tickets (25 a page), accounts, history and actions;
    ``merge_q`` narrows the problems offered for merging (a search, no script needed)."""
    return render(
        request, "problem.html", _page_context(request, db, problem_id, who, page, merge_q)
    )


def _page_context(
    request: Request, db: Session, problem_id: int, who: Principal, page: int = 1, merge_q: str = ""
) -> dict[str, Any]:
    context = _detail_context(db, problem_id, who)
    tickets = context["problem"]["tickets"]
    paging = pager(request, page, len(tickets), TICKETS_PER_PAGE)
    context["tickets"] = tickets[paging.offset : paging.offset + paging.per_page]
    context["tickets_pager"] = paging
    return context | _merge_choices(context["others"], merge_q)


def _merge_choices(others: list[Any], query: str) -> dict[str, Any]:
    """The problems matching ``query`` (by label words or ``#id``), at most ``MERGE_SHOWN``."""
    words = query.lower().replace("#", " ").split()
    found = [o for o in others if all(w in f"{o.id} {o.label}".lower() for w in words)]
    return {
        "merge_q": query,
        "merge_options": found[:MERGE_SHOWN],
        "merge_more": max(0, len(found) - MERGE_SHOWN),
    }


def _act(
    request: Request,
    db: Session,
    who: Principal,
    problem_id: int,
    action: Callable[[], ProblemRecord],
    done: str,
) -> Response:
    """Do ``action``; on success go to the resulting problem saying ``done`` (``{label}``
    is the problem's name), else show the error."""
    try:
        result = action()
    except service.ProblemError as exc:
        db.rollback()
        context = {**_page_context(request, db, problem_id, who), "error": str(exc)}
        return render(request, "problem.html", context, status=422)
    db.commit()
    message = done.format(label=result.label)
    return feedback.redirect(request, f"/problems/{result.id}", message)


@router.post("/problems/{problem_id}/confirm")
def confirm_action(
    request: Request, problem_id: IdPath, who: PageWriter, db: SessionDep
) -> Response:
    """Confirm the problem."""
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.confirm(db, problem_id, actor=who.actor),
        "Problem “{label}” confirmed.",
    )


@router.post("/problems/{problem_id}/dismiss")
def dismiss_action(
    request: Request, problem_id: IdPath, who: PageWriter, db: SessionDep
) -> Response:
    """Dismiss the problem."""
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.dismiss(db, problem_id, actor=who.actor),
        "Problem “{label}” dismissed.",
    )


@router.post("/problems/{problem_id}/rename")
def rename_action(
    request: Request, problem_id: IdPath, who: PageWriter, db: SessionDep, label: Label = ""
) -> Response:
    """Rename the problem."""
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.rename(db, problem_id, label, actor=who.actor),
        "Renamed to “{label}”.",
    )


@router.post("/problems/{problem_id}/merge")
def merge_action(
    request: Request,
    problem_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    sources: Annotated[list[int], Form(max_length=100)] = [],  # noqa: B006 - copied per request
) -> Response:
    """Merge the chosen problems into this one."""
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.merge(db, problem_id, sources, actor=who.actor),
        f"Merged {len(set(sources))} problem{'s' if len(set(sources)) != 1 else ''} into "
        "“{label}”.",
    )


@router.post("/problems/{problem_id}/split")
def split_action(
    request: Request,
    problem_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    label: Label = "",
    tickets: Annotated[list[str], Form(max_length=10_000)] = [],  # noqa: B006
) -> Response:
    """Move the ticked tickets into a new problem."""
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.split(db, problem_id, tickets, label=label, actor=who.actor),
        f"Moved {len(tickets)} ticket{'s' if len(tickets) != 1 else ''} into the new problem "
        "“{label}”.",
    )


@router.post("/problems/{problem_id}")
def update_action(
    request: Request,
    problem_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    description: LongText = "",
    containment: LongText = "",
    root_cause: LongText = "",
    corrective_action: LongText = "",
    preventive_action: LongText = "",
    verification: LongText = "",
    status: Annotated[str, Form(max_length=16)] = "",
    corrected_on: Annotated[str, Form(max_length=10)] = "",
    owner_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Save the 8D record (text fields, status, the day the fix went in)."""
    texts = (
        description,
        containment,
        root_cause,
        corrective_action,
        preventive_action,
        verification,
    )
    changes: dict[str, Any] = dict(zip(service.TEXT_FIELDS, texts, strict=True))
    if status:
        changes["status"] = status
    if corrected_on:
        changes["corrected_on"] = _parse_day(corrected_on)
    if owner_id.isdigit():
        changes["owner_id"] = int(owner_id)
    return _act(
        request,
        db,
        who,
        problem_id,
        lambda: service.update_problem(db, problem_id, changes, actor=who.actor),
        "8D record saved.",
    )


def _parse_day(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value  # the service rejects it with a clear message


@account_panels.register("problems", "Recurring problems", "_account_problems.html", order=40)
def account_problems_panel(db: Session, who: Principal, view: Account360) -> dict[str, Any] | None:
    """The problems this customer's tickets belong to (hidden when there are none)."""
    problems = account_problems(db, view.account.id)
    return {"problems": problems} if problems else None


@work_panels.register("problems", "Problems I own", "_work_problems.html", order=40)
def my_problems_panel(
    db: Session, who: Principal, employee: Employee | None
) -> dict[str, Any] | None:
    """The recurring problems the signed-in employee owns (hidden when none)."""
    if employee is None:
        return None
    problems = owned_problems(db, employee.id)
    return {"problems": problems} if problems else None
