"""Statements built once and run with new values: the reads behind every page view.

Building a SQLAlchemy statement and deriving its cache key costs more than running a
small indexed query on SQLite, so the reads that run on every page view are built once
(``@prepared``, values as ``bindparam``) and executed on the session's connection
(``read``), which skips the ORM's result machinery; rows come back as plain rows.

    @prepared
    def _contacts() -> Select[Any]:
        return select(Contact.id, Contact.name).where(Contact.account_id == bindparam("account"))

    rows = read(session, _contacts(), account=account_id).all()
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

StatementT = TypeVar("StatementT", bound=Executable)
Shape = ParamSpec("Shape")


def prepared(build: Callable[Shape, StatementT]) -> Callable[Shape, StatementT]:
    """Decorator: ``build`` runs once per shape (its arguments, e.g. whether a filter is
    present); later calls with the same arguments return the same statement."""
    return cast(Callable[Shape, StatementT], cache(build))


def read(session: Session, statement: Executable, /, **values: Any) -> CursorResult[Any]:
    """Run ``statement`` with ``values`` on the session's connection, after flushing
    pending changes so the read sees the request's own writes."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, values)
