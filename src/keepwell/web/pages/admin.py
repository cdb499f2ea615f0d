"""Administration of users and roles, and the settings overview."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from starlette.responses import Response

from keepwell import __version__
from keepwell.audit.service import record
from keepwell.auth.models import ApiToken, User, UserSession
from keepwell.auth.passwords import MAX_LENGTH, PasswordPolicyError
from keepwell.auth.permissions import ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, Role
from keepwell.auth.service import (
    UserError,
    count_users,
    create_user,
    list_users,
    set_password,
    update_user,
)
from keepwell.people.models import Employee
from keepwell.people.presence import still_present
from keepwell.pipeline import start_update
from keepwell.web import feedback
from keepwell.web.deps import PageAdmin, SessionDep, StateDep
from keepwell.web.paging import pager
from keepwell.web.params import ID_PATTERN, IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=255)]
Password = Annotated[str, Form(max_length=MAX_LENGTH)]


@router.get("/admin")
def admin_home(who: PageAdmin) -> Response:
    """Administration starts with the users."""
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
def users_page(
    request: Request,
    who: PageAdmin,
    db: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Users with their roles, and the form to add one."""
    paging = pager(request, page, count_users(db))
    users = list_users(db, limit=paging.per_page, offset=paging.offset)
    return _users(request, users, paging)


@router.post("/admin/users")
def add_user(
    request: Request,
    who: PageAdmin,
    db: SessionDep,
    email: Text,
    role: Annotated[str, Form(max_length=16)],
    password: Password,
    name: Text = "",
) -> Response:
    """Create a user with an initial password (they can change it after signing in)."""
    try:
        user = create_user(
            db, email=email, name=name, role=role, password=password, actor=who.actor
        )
    except (UserError, PasswordPolicyError) as exc:
        db.rollback()
        paging = pager(request, 1, count_users(db))
        users = list_users(db, limit=paging.per_page)
        form = {"email": email, "name": name, "role": role}
        return _users(request, users, paging, error=str(exc), form=form, status=422)
    db.commit()
    return RedirectResponse(f"/admin/users/{user.id}?created=1", status_code=303)


@router.get("/admin/users/{user_id}")
def user_page(
    request: Request, user_id: IdPath, who: PageAdmin, db: SessionDep, created: bool = False
) -> Response:
    """One user: role, status, employee link, password reset."""
    notice = "The user was created." if created else None
    return _user(request, db, _get(db, user_id), notice=notice)


@router.post("/admin/users/{user_id}")
def edit_user(
    request: Request,
    user_id: IdPath,
    who: PageAdmin,
    db: SessionDep,
    role: Annotated[str, Form(max_length=16)],
    name: Text = "",
    active: Annotated[bool, Form()] = False,
    employee_id: Annotated[str, Form(pattern=ID_PATTERN)] = "",
) -> Response:
    """Change a user's role, name, status or employee link (audited)."""
    user = _get(db, user_id)
    try:
        changes = update_user(
            db,
            user,
            actor=who.actor,
            role=role,
            active=active,
            name=name,
            employee_id=int(employee_id) if employee_id else None,
        )
    except UserError as exc:
        db.rollback()
        return _user(request, db, _get(db, user_id), error=str(exc), status=422)
    db.commit()
    notice = "Saved." if changes else "Nothing changed."
    return _user(request, db, user, notice=notice)


@router.post("/admin/users/{user_id}/password")
def reset_password(
    request: Request, user_id: IdPath, who: PageAdmin, db: SessionDep, password: Password
) -> Response:
    """Set a new password for a user; their sessions end and their API tokens are revoked."""
    user = _get(db, user_id)
    try:
        set_password(db, user, password, actor=who.actor)
    except PasswordPolicyError as exc:
        db.rollback()
        return _user(request, db, user, error=str(exc), status=422)
    db.commit()
    return _user(
        request,
        db,
        user,
        notice="The password was set; the user's sessions ended and their API tokens were revoked.",
    )


@router.post("/admin/update")
def update_now(
    request: Request,
    who: PageAdmin,
    db: SessionDep,
    state: StateDep,
    back: Annotated[str, Form(alias="next", max_length=500)] = "/admin/settings",
) -> Response:
    """Bring problems, voice themes, scores and playbooks up to date now, in the background."""
    started = start_update(state.engine, actor=who.user.email)
    if started:
        record(db, actor=who.user.email, action="update.started")
        db.commit()
    message = (
        "The update started: recurring problems, voice themes, scores and playbooks are "
        "brought up to date in the next minutes. Reload the page to see them."
        if started
        else "An update is already running; its results appear when it finishes."
    )
    target = back if back.startswith("/") and not back.startswith("//") else "/admin/settings"
    return feedback.redirect(request, target, message)


@router.get("/admin/settings")
def settings_page(request: Request, who: PageAdmin, db: SessionDep, state: StateDep) -> Response:
    """The running configuration (set through ``KEEPWELL_*`` environment variables)."""
    settings = state.settings
    url = make_url(settings.resolved_database_url())
    counts = {
        "users": count_users(db),
        "sessions": db.scalar(select(func.count(UserSession.id))) or 0,
        "tokens": db.scalar(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None)))
        or 0,
    }
    context = {
        "settings": settings,
        "database": url.render_as_string(hide_password=True),
        "backend": url.get_backend_name(),
        "version": __version__,
        "counts": counts,
        "roles": [(r, ROLE_DESCRIPTIONS[r], sorted(ROLE_PERMISSIONS[r])) for r in Role],
    }
    return render(request, "admin/settings.html", context)


def _get(db: SessionDep, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(404, f"There is no user with id {user_id}.")
    return user


def _users(
    request: Request,
    users: list[User],
    paging: object,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "users": users,
        "pager": paging,
        "roles": list(Role),
        "descriptions": ROLE_DESCRIPTIONS,
        "error": error,
        "form": form or {"role": Role.MEMBER.value},
    }
    return render(request, "admin/users.html", context, status=status)


def _user(
    request: Request,
    db: SessionDep,
    user: User,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    employees = db.execute(
        select(Employee.id, Employee.name, Employee.email)
        .where(still_present(Employee.left_at, Employee.active, date.today()))
        .order_by(Employee.name)
    ).all()
    context = {
        "user": user,
        "roles": list(Role),
        "descriptions": ROLE_DESCRIPTIONS,
        "employees": employees,
        "notice": notice,
        "error": error,
    }
    return render(request, "admin/user.html", context, status=status)
