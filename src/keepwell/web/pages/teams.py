"""Pages of retention roles and charters, account team editing and relationship coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from keepwell.auth.service import employee_for
from keepwell.auth.visibility import refuse_hidden
from keepwell.teams.access import is_leader, require_leader
from keepwell.teams.coverage import AccountCoverage, coverage_report
from keepwell.teams.departure import departed_holdings, departure_impact, departure_ranking
from keepwell.teams.errors import TeamsError
from keepwell.teams.roles import (
    accounts_lacking,
    create_role,
    get_role,
    list_roles,
    roles_of,
    update_role,
)
from keepwell.teams.team import active_employees, add_member, end_member, get_account, team_members
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.export import Column, Format, amount, export, wants_export
from keepwell.web.lists import Order, currency, list_tools, matching, ordered
from keepwell.web.paging import pager
from keepwell.web.panels import account_panels, work_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=255)]
TOP = 25
THREADS = {
    "thin": "Single-threaded or none",
    "uncovered": "No active relationship",
    "single": "Single-threaded",
    "multi": "Multi-threaded",
    "all": "Every active account",
}
"""The coverage list's filter on how the relationship is held."""
COVERAGE_ORDERS = {
    "risk": Order(
        "Uncovered first, then revenue",
        lambda a: (a.threading != "uncovered", -a.revenue_12m, a.name.lower()),
        field="account.revenue_12m",
    ),
    "uncovered": Order(
        "Uncovered first, then name", lambda a: (a.threading != "uncovered", a.name.lower())
    ),
    "name": Order("Account, A–Z", lambda a: (a.name.lower(), a.account_id)),
    "revenue": Order(
        "Revenue, highest first", lambda a: a.revenue_12m, True, field="account.revenue_12m"
    ),
}
"""The coverage list's orders."""


def threading_label(item: AccountCoverage) -> str:
    """How the relationship is held, in words."""
    if item.threading == "multi":
        return "multi-threaded"
    if item.threading == "uncovered":
        return "no active relationship"
    return f"single-threaded: {item.threading}"


CoverageLine = tuple[AccountCoverage, str]
COVERAGE_COLUMNS = (
    Column("Account", lambda r: r[0].name),
    Column("Coverage", lambda r: threading_label(r[0])),
    Column("Held by", lambda r: r[1]),
    Column("Departments", lambda r: r[0].departments),
    Column("Contacts who left", lambda r: r[0].left_contacts),
    Column("Revenue, 12 months", lambda r: amount(r[0].revenue_12m), "account.revenue_12m"),
)
"""The coverage list's export."""


def _threads(item: AccountCoverage, chosen: str) -> bool:
    if chosen == "thin":
        return item.single_threaded or item.threading == "uncovered"
    if chosen == "uncovered":
        return item.threading == "uncovered"
    if chosen == "single":
        return item.single_threaded and item.threading != "uncovered"
    if chosen == "multi":
        return item.threading == "multi"
    return True


def leader(who: Principal) -> bool:
    """True when the principal may edit roles and teams."""
    return is_leader(who.user, who.permissions)


def lines(text: str) -> list[str]:
    """One item per non-empty line."""
    return [line for line in text.splitlines() if line.strip()]


@router.get("/roles")
def roles_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Every retention role and its charter; one's own roles first; gaps for leaders."""
    employee = employee_for(db, who.user)
    mine = roles_of(db, employee.id) if employee else {}
    context = {"roles": list_roles(db), "mine": mine, "employee": employee, "leader": leader(who)}
    db.commit()
    return render(request, "teams/roles.html", context)


@router.post("/roles")
def create_role_page(
    request: Request, who: PageWriter, db: SessionDep, key: Short, name: Short, charter: Text
) -> Response:
    """Add a company-specific role (leaders and admins)."""
    try:
        require_leader(who.user, who.permissions, "add roles")
        role = create_role(db, key=key, name=name, charter=charter, actor=who.actor)
    except TeamsError as exc:
        context = {
            "roles": list_roles(db),
            "mine": {},
            "employee": None,
            "leader": True,
            "error": str(exc),
            "draft": {"key": key, "name": name, "charter": charter},
        }
        return render(request, "teams/roles.html", context, status=exc.status)
    db.commit()
    return feedback.redirect(request, f"/roles/{role.id}", f"Role “{role.name}” added.")


@router.get("/roles/{role_id}")
def role_page(request: Request, role_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """One role's charter; for leaders the edit form and the accounts lacking the role."""
    return render(request, "teams/role.html", _role_context(db, role_id, who))


@router.post("/roles/{role_id}")
def edit_role_page(
    request: Request,
    role_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    name: Short,
    charter: Text,
    signals: Text = "",
    tasks: Text = "",
) -> Response:
    """Save a role's name, charter, signals and tasks (leaders and admins)."""
    try:
        require_leader(who.user, who.permissions, "edit roles and charters")
        role = get_role(db, role_id)
        update_role(
            db,
            role,
            name=name,
            charter=charter,
            signals=lines(signals),
            tasks=lines(tasks),
            actor=who.actor,
        )
    except TeamsError as exc:
        db.rollback()
        context = _role_context(db, role_id, who)
        context["error"] = str(exc)
        return render(request, "teams/role.html", context, status=exc.status)
    db.commit()
    return feedback.redirect(request, f"/roles/{role_id}", "Role saved.")


def _role_context(db: SessionDep, role_id: int, who: Principal) -> dict[str, Any]:
    role = get_role(db, role_id)
    lacking = accounts_lacking(db, role) if leader(who) else []
    return {"role": role, "lacking": lacking, "leader": leader(who), "error": None}


@router.get("/accounts/{account_id}/team")
def team_page(request: Request, account_id: IdPath, who: CurrentUser, db: SessionDep) -> Response:
    """The account's team, past and present; leaders add and end memberships here."""
    return render(request, "teams/team.html", _team_context(db, account_id, who))


@router.post("/accounts/{account_id}/team")
def add_member_page(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    employee_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    role: Short,
    since: Annotated[date | None, Form()] = None,
) -> Response:
    """Put an employee on the team in a role (leaders and admins)."""
    try:
        require_leader(who.user, who.permissions, "edit account teams")
        added = add_member(
            db, account_id, employee_id=employee_id, role_key=role, since=since, actor=who.actor
        )
        name = added.employee.name
    except TeamsError as exc:
        return _team_error(request, db, account_id, who, exc)
    db.commit()
    url = f"/accounts/{account_id}/team"
    return feedback.redirect(request, url, f"{name} is now on the account's team.")


@router.post("/accounts/{account_id}/team/{member_id}/end")
def end_member_page(
    request: Request,
    account_id: IdPath,
    member_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    until: Annotated[date | None, Form()] = None,
) -> Response:
    """End a membership; it stays in the team's history (leaders and admins)."""
    try:
        require_leader(who.user, who.permissions, "edit account teams")
        ended = end_member(db, account_id, member_id, until=until, actor=who.actor)
        name = ended.employee.name
    except TeamsError as exc:
        return _team_error(request, db, account_id, who, exc)
    db.commit()
    url = f"/accounts/{account_id}/team"
    return feedback.redirect(
        request, url, f"{name} is no longer on the team; the history keeps it."
    )


def _team_error(
    request: Request, db: SessionDep, account_id: int, who: Principal, exc: TeamsError
) -> Response:
    db.rollback()
    context = {**_team_context(db, account_id, who), "error": str(exc)}
    return render(request, "teams/team.html", context, status=exc.status)


def _team_context(db: SessionDep, account_id: int, who: Principal) -> dict[str, Any]:
    account = get_account(db, account_id)
    editing = leader(who)
    return {
        "account": account,
        "members": team_members(db, account_id),
        "leader": editing,
        "employees": active_employees(db) if editing else [],
        "roles": list_roles(db) if editing else [],
        "coverage": coverage_report(db, account_ids=[account_id]).accounts[0],
        "error": None,
    }


@router.get("/coverage")
def coverage_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    employee: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    search: Annotated[str, Query(max_length=255)] = "",
    threads: Annotated[str, Query(pattern="^(|" + "|".join(THREADS) + ")$")] = "",
    sort: Annotated[str, Query(pattern="^(|" + "|".join(COVERAGE_ORDERS) + ")$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Single-threaded and uncovered accounts (or any), departure impact, open hand-overs.

    The accounts are searched by name, filtered, sorted and paged; ``format=csv`` or
    ``xlsx`` downloads every matching account.
    """
    report = coverage_report(db)
    chosen = threads or "thin"
    order = COVERAGE_ORDERS[sort or ("risk" if who.sees_money else "uncovered")]
    refuse_hidden([order.field or ""], who.hidden, "sort on")
    found = [
        a for a in matching(report.accounts, search, lambda a: (a.name,)) if _threads(a, chosen)
    ]
    found = ordered(found, order)
    names = report.employee_names
    if wants_export(format):
        lines = [(a, ", ".join(names.get(e, str(e)) for e in a.holders)) for a in found]
        return export(
            format, "coverage", COVERAGE_COLUMNS, lines, hidden=who.hidden, currency=currency()
        )
    impact = departure_impact(report, employee) if employee in report.employee_names else None
    paging = pager(request, page, len(found))
    context = {
        "summary": report.summary(),
        "accounts": found[paging.offset : paging.offset + paging.per_page],
        "pager": paging,
        "filters": {
            "search": search,
            "threads": chosen,
            "sort": sort or ("risk" if who.sees_money else "uncovered"),
        },
        "threads": THREADS,
        "orders": {k: o.label for k, o in COVERAGE_ORDERS.items() if o.field not in who.hidden},
        "tools": list_tools(request, db, who.user.id, "coverage"),
        "names": report.employee_names,
        "ranking": departure_ranking(report, limit=TOP),
        "holdings": departed_holdings(db, report.as_of),
        "impact": impact,
        "employees": active_employees(db),
        "chosen": employee,
    }
    return render(request, "teams/coverage.html", context)


@account_panels.register(
    "coverage", "Relationship coverage", "teams/_coverage_panel.html", order=20
)
def coverage_panel(db: Any, who: Principal, view: Any) -> dict[str, Any] | None:
    """Who holds the relationship with this account, over how many departments."""
    report = coverage_report(db, view.as_of, account_ids=[view.account.id])
    return {"item": report.accounts[0], "names": report.employee_names}


@work_panels.register("roles", "Your retention roles", "teams/_roles_panel.html", order=10)
def roles_panel(db: Any, who: Principal, employee: Any) -> dict[str, Any] | None:
    """The roles the person holds, with each charter and the number of accounts."""
    if employee is None:
        return None
    mine = roles_of(db, employee.id)
    if not mine:
        return None
    roles = [r for r in list_roles(db) if r.id in mine]
    return {"roles": roles, "counts": mine}
