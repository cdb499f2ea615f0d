"""Request dependencies: the database session, the principal, and one permission per route.

Every route declares either ``requires(permission)`` (through the aliases below) or
``PUBLIC``; ``route_access`` reads these declarations back from the route table, so a
test can walk every route and check it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session

from keepwell.auth.models import ApiToken, User, UserSession
from keepwell.auth.permissions import Permission, role_permissions, token_permissions
from keepwell.auth.service import employee_for
from keepwell.auth.sessions import resolve_session
from keepwell.auth.tokens import expired_token, resolve_token
from keepwell.auth.visibility import MONEY_FIELDS, hidden_fields
from keepwell.db.engine import commit_unless_busy
from keepwell.editing.notes import Writer
from keepwell.web.security import (
    SAFE_METHODS,
    session_cookie_name,
    submitted_csrf,
    tokens_match,
)
from keepwell.web.state import WebState, web_state


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A database session for one request; writes are committed by the route.

    The dependencies that need no database work are ``async``, so FastAPI runs them
    without handing each to a worker thread; the session connects on first use there.
    """
    session = web_state(request).sessions()
    try:
        yield session
    finally:
        session.close()


async def current_state(request: Request) -> WebState:
    """The application state, as a dependency."""
    return web_state(request)


SessionDep = Annotated[Session, Depends(get_db)]
StateDep = Annotated[WebState, Depends(current_state)]
CsrfDep = Annotated[str | None, Depends(submitted_csrf)]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user through a browser session or through an API token."""

    user: User
    permissions: frozenset[Permission]
    session: UserSession | None = None
    token: ApiToken | None = None

    def can(self, permission: Permission) -> bool:
        """True when the principal holds ``permission``."""
        return permission in self.permissions

    @property
    def sees_money(self) -> bool:
        """True when no money field is hidden from the principal."""
        return not self.hidden.intersection(MONEY_FIELDS)

    @property
    def hidden(self) -> frozenset[str]:
        """The fields the principal may not read, filter, sort or test (``record.field``)."""
        return hidden_fields(self.permissions)

    @property
    def is_admin(self) -> bool:
        """True when the principal may administer (and so read the model's measures)."""
        return self.can(Permission.ADMIN)

    @property
    def csrf_token(self) -> str:
        """The session's synchronizer token (empty for API tokens)."""
        return self.session.csrf_token if self.session else ""

    @property
    def actor(self) -> str:
        """How the principal appears in the audit log."""
        if self.token is not None:
            return f"{self.user.email} (token {self.token.name})"
        return self.user.email

    def writer(self, db: Session) -> Writer:
        """The principal as the author (or editor) of notes and interactions."""
        return Writer(self.user.id, self.user.role, employee_for(db, self.user), self.actor)


class NotAuthenticated(Exception):
    """No valid session or token came with a request that needs one."""

    def __init__(self, api: bool, detail: str = "sign in or send an API token") -> None:
        super().__init__("authentication required")
        self.api = api
        self.detail = detail


class Forbidden(Exception):
    """The principal may not do what the request asks."""

    def __init__(self, detail: str, api: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.api = api


class Requirement:
    """A route's access rule: a signed-in principal holding ``permission``.

    API routes accept a bearer token (which then alone counts) or the session cookie;
    pages accept the cookie only.
    A state-changing request authenticated by the cookie must carry the CSRF token.
    """

    def __init__(
        self,
        permission: Permission,
        *,
        api: bool,
        alternatives: frozenset[Permission] = frozenset(),
    ) -> None:
        self.permission = permission
        self.api = api
        self.alternatives = alternatives
        """Permissions that also grant the route (``import`` for the OpenAPI document)."""

    def __call__(
        self, request: Request, db: SessionDep, state: StateDep, csrf: CsrfDep
    ) -> Principal:
        principal = self._principal(request, db, state)
        if principal is None:
            raise NotAuthenticated(self.api)
        request.state.principal = principal
        session = principal.session
        if (
            session
            and request.method not in SAFE_METHODS
            and not tokens_match(session.csrf_token, csrf)
        ):
            raise Forbidden("the form is out of date or forged (CSRF token)", self.api)
        if not principal.can(self.permission) and not self.alternatives & principal.permissions:
            raise Forbidden(f"your role may not do this (needs {self.permission})", self.api)
        return principal

    def _principal(self, request: Request, db: Session, state: WebState) -> Principal | None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if self.api and scheme.lower() == "bearer":
            return _from_token(db, credentials.strip())
        raw = request.cookies.get(session_cookie_name(state.settings))
        row = resolve_session(db, raw)
        if row is None:
            return None
        return Principal(user=row.user, permissions=role_permissions(row.user.role), session=row)


def _from_token(db: Session, raw: str) -> Principal | None:
    token = resolve_token(db, raw)
    if token is None:
        stale = expired_token(db, raw)
        if stale is not None and stale.expires_at is not None:
            when = stale.expires_at.strftime("%Y-%m-%d %H:%M UTC")
            raise NotAuthenticated(True, f"the API token expired on {when}; ask for a new one")
        return None
    if db.dirty:
        commit_unless_busy(db)  # noting the use is bookkeeping: never wait or fail on it
    permissions = token_permissions(token.user.role, token.scope)
    return Principal(user=token.user, permissions=permissions, token=token)


class Public:
    """Marks a route that answers without signing in (sign-in page, health check)."""

    def __call__(self) -> None:
        return None


PUBLIC = Depends(Public())


def requires(permission: Permission, *, api: bool = False) -> Requirement:
    """The access rule of a page (``api=False``) or an API route needing ``permission``."""
    return Requirement(permission, api=api)


ApiAnyToken = Annotated[
    Principal,
    Depends(Requirement(Permission.READ, api=True, alternatives=frozenset({Permission.IMPORT}))),
]
"""Any signed-in browser or token, of any scope (the OpenAPI document)."""
CurrentUser = Annotated[Principal, Depends(requires(Permission.READ))]
"""Any signed-in user, on a page."""
PageWriter = Annotated[Principal, Depends(requires(Permission.WRITE))]
PageImporter = Annotated[Principal, Depends(requires(Permission.IMPORT))]
PageAdmin = Annotated[Principal, Depends(requires(Permission.ADMIN))]
PageAuditor = Annotated[Principal, Depends(requires(Permission.AUDIT))]
ApiReader = Annotated[Principal, Depends(requires(Permission.READ, api=True))]
ApiWriter = Annotated[Principal, Depends(requires(Permission.WRITE, api=True))]
ApiImporter = Annotated[Principal, Depends(requires(Permission.IMPORT, api=True))]


@dataclass(frozen=True)
class RouteAccess:
    """One route of the route table and how it is guarded."""

    path: str
    methods: frozenset[str]
    public: bool
    permission: Permission | None
    api: bool


def route_access(app: FastAPI) -> list[RouteAccess]:
    """Every API route and page of ``app`` (included routers flattened) with its access rule."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        path = context.path or route.path
        calls = list(_calls(route.dependant))
        rules = [c for c in calls if isinstance(c, Requirement)]
        rule = rules[0] if rules else None
        found.append(
            RouteAccess(
                path=path,
                methods=frozenset(context.methods or route.methods or ()),
                public=any(isinstance(c, Public) for c in calls),
                permission=rule.permission if rule else None,
                api=rule.api if rule else path.startswith("/api/"),
            )
        )
    return found


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)
