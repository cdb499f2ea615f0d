"""Administration of API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from sqlalchemy import func, select
from starlette.responses import Response

from keepwell.auth.models import ApiToken, User
from keepwell.auth.permissions import SCOPE_PERMISSIONS, Scope
from keepwell.auth.service import UserError
from keepwell.auth.tokens import create_token, list_tokens, revoke_token
from keepwell.web.deps import PageAdmin, SessionDep
from keepwell.web.paging import pager
from keepwell.web.params import MAX_ID, IdPath
from keepwell.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


@router.get("/admin/tokens")
def tokens_page(
    request: Request,
    who: PageAdmin,
    db: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """API tokens, active first, and the form to create one."""
    return _tokens(request, db, page)


@router.post("/admin/tokens")
def add_token(
    request: Request,
    who: PageAdmin,
    db: SessionDep,
    name: Annotated[str, Form(max_length=128)],
    scope: Annotated[str, Form(max_length=16)],
    user_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    expires_in_days: Annotated[str, Form(max_length=5, pattern=r"^\d*$")] = "",
) -> Response:
    """Create a token and show it, this once."""
    user = db.get(User, user_id)
    days = int(expires_in_days) if expires_in_days else None
    try:
        if user is None:
            raise UserError(f"no user with id {user_id}")
        raw, token = create_token(db, user, name, scope, actor=who.actor, expires_in_days=days)
    except UserError as exc:
        db.rollback()
        form = {"name": name, "scope": scope, "user_id": user_id, "expires_in_days": days}
        return _tokens(request, db, 1, error=str(exc), form=form, status=422)
    db.commit()
    return render(request, "admin/token_created.html", {"raw": raw, "token": token})


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: IdPath, who: PageAdmin, db: SessionDep) -> Response:
    """Revoke a token: it stops working at once."""
    token = db.get(ApiToken, token_id)
    if token is None:
        raise HTTPException(404, f"There is no token with id {token_id}.")
    error = None
    try:
        revoke_token(db, token, actor=who.actor)
        db.commit()
    except UserError as exc:
        error = str(exc)
    if is_htmx(request):
        return render(request, "admin/_token_row.html", {"token": token})
    notice = None if error else f"Token {token.name!r} was revoked."
    return _tokens(request, db, 1, notice=notice, error=error)


def _tokens(
    request: Request,
    db: SessionDep,
    page: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    form: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    paging = pager(request, page, db.scalar(select(func.count(ApiToken.id))) or 0)
    users = db.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    context = {
        "tokens": list_tokens(db, limit=paging.per_page, offset=paging.offset),
        "pager": paging,
        "users": list(users),
        "scopes": [(s, sorted(SCOPE_PERMISSIONS[s])) for s in Scope],
        "notice": notice,
        "error": error,
        "form": form or {"scope": Scope.READ.value},
    }
    return render(request, "admin/tokens.html", context, status=status)
