"""Listing records with filters, sorting and keyset cursor pagination.

A list query names its filters after the record's columns: ``status=open`` for
equality, ``opened_at_since`` (>=) and ``opened_at_before`` (<) for ranges. ``sort`` is
a column, ``-column`` for descending; ties are broken by id. The cursor is opaque to
clients: base64url JSON of the sort, the last row's sort value and its id.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from keepwell.auth.visibility import hidden_in, refuse_hidden
from keepwell.web.deps import Principal
from keepwell.web.params import MAX_ID
from keepwell.web.problem_details import ApiProblem
from keepwell.web.schemas import Page

P = TypeVar("P", bound=BaseModel)
PAGING = frozenset({"cursor", "limit", "sort"})


class ListQuery(BaseModel):
    """Paging parameters shared by every list (``sort`` is narrowed per resource)."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(default=None, max_length=512, description="From `next_cursor`.")
    limit: int = Field(default=50, ge=1, le=500)
    sort: str = "id"


@dataclass(frozen=True)
class Resource(Generic[P]):
    """A record type served by the API: its name, table and public shape; ``record`` is
    its name in the declared hidden fields (``order`` for ``order.amount``)."""

    name: str
    model: Any
    public: type[P]
    options: tuple[Any, ...] = ()
    record: str = ""

    def show(self, row: Any, principal: Principal) -> P:
        """The row's public shape, the fields the principal may not see set to null."""
        item = self.public.model_validate(row)
        hidden = hidden_in(self.record or self.name, principal.hidden)
        return item.model_copy(update=dict.fromkeys(hidden)) if hidden else item

    def refuse_hidden(self, query: ListQuery, principal: Principal) -> None:
        """``HiddenFieldError`` when the query filters or sorts on a field the principal
        may not see."""
        names = [query.sort.removeprefix("-"), *(_column(n) for n in _filter_values(query))]
        record = self.record or self.name
        refuse_hidden([f"{record}.{n}" for n in names], principal.hidden, "filter or sort on")


def list_page(
    session: Session,
    resource: Resource[P],
    query: ListQuery,
    principal: Principal,
    request: Request,
    response: Response,
) -> Page[P]:
    """One page of ``resource`` as ``query`` asks; sets the ``Link: rel=next`` header."""
    resource.refuse_hidden(query, principal)
    column_name = query.sort.removeprefix("-")
    descending = query.sort.startswith("-")
    column, id_column = getattr(resource.model, column_name), resource.model.id
    statement = select(resource.model).options(*resource.options).where(*_filters(resource, query))
    if query.cursor:
        value, last_id = decode_cursor(query.cursor, query.sort, column)
        statement = statement.where(_after(column, id_column, value, last_id, descending))
    order = [column.desc() if descending else column.asc()]
    if column_name != "id":
        order.append(id_column.desc() if descending else id_column.asc())
    rows = list(session.scalars(statement.order_by(*order).limit(query.limit + 1)))
    next_cursor = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        next_cursor = encode_cursor(query.sort, getattr(last, column_name), last.id)
    next_link(request, response, next_cursor)
    items = [resource.show(row, principal) for row in rows[: query.limit]]
    return Page[resource.public](items=items, next_cursor=next_cursor, limit=query.limit)  # type: ignore[name-defined]


def get_one(session: Session, resource: Resource[P], item_id: int, principal: Principal) -> P:
    """The record ``item_id`` or a 404 problem."""
    row = session.get(resource.model, item_id, options=list(resource.options))
    if row is None:
        raise ApiProblem(404, f"no {resource.name} with id {item_id}", "not-found")
    return resource.show(row, principal)


def _filter_values(query: ListQuery) -> dict[str, Any]:
    return query.model_dump(exclude=set(PAGING), exclude_none=True)


def _column(name: str) -> str:
    """The column a filter parameter tests (``ordered_at`` for ``ordered_at_since``)."""
    return name.removesuffix("_since").removesuffix("_before")


def _filters(resource: Resource[Any], query: ListQuery) -> list[ColumnElement[bool]]:
    conditions = []
    for name, value in _filter_values(query).items():
        column = getattr(resource.model, _column(name))
        if name.endswith("_since"):
            conditions.append(column >= value)
        elif name.endswith("_before"):
            conditions.append(column < value)
        else:
            conditions.append(column == value)
    return conditions


def _after(
    column: Any, id_column: Any, value: Any, last_id: int, descending: bool
) -> ColumnElement[bool]:
    if column is id_column:
        condition: ColumnElement[bool] = id_column < last_id if descending else id_column > last_id
        return condition
    if descending:
        return or_(column < value, and_(column == value, id_column < last_id))
    return or_(column > value, and_(column == value, id_column > last_id))


def encode_cursor(sort: str, value: Any, last_id: int) -> str:
    """The opaque cursor after the row with sort value ``value`` and id ``last_id``."""
    plain = value.isoformat() if isinstance(value, date | datetime) else value
    raw = json.dumps({"s": sort, "v": plain, "i": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, column: Any) -> tuple[Any, int]:
    """The sort value and id a cursor points after; a 400 problem if it is not valid here."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        last_id = data["i"]
        if data["s"] != sort or not isinstance(last_id, int) or not 0 < last_id <= MAX_ID:
            raise ValueError("cursor of another sort")
        return _typed(data["v"], column), last_id
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(
            400, "the cursor is not valid for this list and sort", "invalid-cursor"
        ) from None


def _typed(value: Any, column: Any) -> Any:
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is int and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_ID:
            raise ValueError("cursor value out of range")
        return value
    if python_type is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if python_type is str and isinstance(value, str):
        return value
    raise ValueError(f"cursor value {value!r} does not fit the sort column")


def encode_offset(kind: str, offset: int) -> str:
    """An opaque cursor for lists that page by position (accounts, timelines)."""
    raw = json.dumps({"k": kind, "o": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_offset(cursor: str | None, kind: str) -> int:
    """The position a cursor of ``encode_offset`` points at; 0 without one."""
    if cursor is None:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = data["o"]
        if data["k"] != kind or not isinstance(offset, int) or not 0 <= offset <= MAX_ID:
            raise ValueError("cursor of another list")
        return offset
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(400, "the cursor is not valid for this list", "invalid-cursor") from None


def next_link(request: Request, response: Response, cursor: str | None) -> None:
    """Set ``Link: <...>; rel="next"`` when there is a next page."""
    if cursor is not None:
        url = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'
