"""The customer timeline: one history, newest first, merged from every source table.

Each source table is read with one statement: a ``UNION ALL`` of its event types (an
order is placed, delivered, paid), ordered by time and limited in the database. The
per-table streams are then merged with ``heapq``, so the number of statements does not
grow with the number of accounts or events. Dates count as midnight of their day.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    RowMapping,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FromClause, Subquery

from keepwell.db.prepared import read
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import (
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)
from keepwell.record.schemas import TimelineEvent
from keepwell.record.vocabulary import INTERACTION_KINDS, in_words
from keepwell.record.warning_signs import in_words as warning_words
from keepwell.record.warning_signs import note_warning_signs

Builder = Callable[[str, datetime, RowMapping], TimelineEvent]
"""Turns one selected row into an event, given the branch's kind and the event's time."""
Column = SQLColumnExpression[Any]
AccountCondition = Callable[[Any], SQLColumnExpression[bool]]
"""Given an account id column, the condition that picks the accounts asked for."""


@dataclass(frozen=True)
class Branch:
    """One event type of a source table: its kind, its time column and its condition.

    A kind ending in ``.*`` takes its action from the ``action`` column (interactions).
    """

    kind: str
    at: Column
    where: SQLColumnExpression[bool] | None = None
    action: Column | None = None

    @property
    def family(self) -> str:
        """The part of the kind before the dot."""
        return self.kind.split(".", 1)[0]


@dataclass(frozen=True)
class Source:
    """A source table read for the timeline: what to select, from where, which events."""

    frame: FromClause
    account_id: Column
    columns: tuple[Column, ...]
    branches: tuple[Branch, ...]
    build: Builder
    narrow: Callable[[AccountCondition], SQLColumnExpression[bool]] | None = None
    """An extra condition on the account that lets the database start from its rows."""


def account_timeline(
    session: Session,
    account_id: int,
    *,
    kinds: set[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[TimelineEvent]:
    """The account's events with ``since <= at < until``, newest first, at most ``limit``.

    ``kinds`` holds kinds (``ticket.opened``) or whole families (``ticket``); an unknown
    one raises ``ValueError``.
    """
    if kinds is not None:
        check_kinds(kinds)
    if limit is not None and limit <= 0:
        return []
    kinds_key = frozenset(kinds) if kinds is not None else None
    shape = (kinds_key, since is not None, until is not None, limit is not None)
    values = _values(account_id, since, until, limit)
    streams: list[list[_Found]] = []
    for index, source in enumerate(SOURCES):
        query = _query(index, *shape)
        if query is not None:
            streams.append(_read(session, source, query, values))
    return _newest(streams, limit)


def recent_events(
    session: Session, account_ids: Iterable[int], *, since: datetime, limit: int
) -> dict[int, list[TimelineEvent]]:
    """Each account's newest events since ``since``, at most ``limit`` each: the same
    timeline, read for all the accounts with one statement per source table."""
    wanted = list(dict.fromkeys(account_ids))
    if not wanted or limit <= 0:
        return {account: [] for account in wanted}
    values = {**_values(0, since, None, limit), "accounts": wanted}
    streams: dict[int, list[list[_Found]]] = {account: [] for account in wanted}
    for index, source in enumerate(SOURCES):
        query = _many_query(index)
        by_account: dict[int, list[_Found]] = {}
        for found in _read(session, source, query, values):
            by_account.setdefault(found.row["timeline_account"], []).append(found)
        for account, rows in by_account.items():
            streams[account].append(rows)
    return {account: _newest(streams[account], limit) for account in wanted}


def _newest(streams: list[list[_Found]], limit: int | None) -> list[TimelineEvent]:
    """The newest ``limit`` of streams that are each newest first, as events."""
    merged = heapq.merge(*streams, key=lambda found: found.at, reverse=True)
    return [found.event() for found in islice(merged, limit)]


def check_kinds(kinds: Iterable[str]) -> None:
    """Raise ``ValueError`` naming any kind that is neither a known kind nor a family."""
    unknown = sorted(set(kinds) - set(TIMELINE_KINDS) - set(TIMELINE_FAMILIES))
    if unknown:
        raise ValueError(
            f"unknown timeline kind {', '.join(unknown)}; use a family "
            f"({', '.join(TIMELINE_FAMILIES)}) or a kind ({', '.join(TIMELINE_KINDS)})"
        )


def _values(
    account_id: int, since: datetime | None, until: datetime | None, limit: int | None
) -> dict[str, Any]:
    """The values of the statements' parameters (date columns compare with whole days)."""
    return {
        "account_id": account_id,
        "since": since,
        "since_day": _first_day_from(since) if since is not None else None,
        "until": until,
        "until_day": _first_day_from(until) if until is not None else None,
        "limit": limit,
    }


@lru_cache(maxsize=512)
def _query(
    index: int, kinds: frozenset[str] | None, since: bool, until: bool, limit: bool
) -> Select[Any] | None:
    """Source ``index``'s statement for this shape of request, built once with parameters."""
    merged = _branches(SOURCES[index], _one_account, kinds, since, until)
    if merged is None:
        return None
    query = select(merged).order_by(*_newest_first(merged))
    return query.limit(bindparam("limit", type_=Integer)) if limit else query


@lru_cache(maxsize=16)
def _many_query(index: int) -> Select[Any]:
    """Source ``index``'s rows since ``since`` for several accounts, newest ``limit`` each."""
    merged = _branches(SOURCES[index], _some_accounts, None, True, False)
    assert merged is not None  # every branch is wanted without a kinds filter
    newest = func.row_number().over(
        partition_by=merged.c.timeline_account, order_by=_newest_first(merged)
    )
    ranked = select(merged, newest.label("newest")).subquery()
    return select(ranked).where(ranked.c.newest <= bindparam("limit", type_=Integer))


def _one_account(column: Any) -> SQLColumnExpression[bool]:
    return cast(SQLColumnExpression[bool], column == bindparam("account_id", type_=Integer))


def _some_accounts(column: Any) -> SQLColumnExpression[bool]:
    return cast(SQLColumnExpression[bool], column.in_(bindparam("accounts", expanding=True)))


def _branches(
    source: Source,
    picked: AccountCondition,
    kinds: frozenset[str] | None,
    since: bool,
    until: bool,
) -> Subquery | None:
    """The source's wanted branches as one ``UNION ALL``: branch rank, time, account, columns."""
    parts: list[Select[*tuple[Any, ...]]] = []
    for rank, branch in enumerate(source.branches):
        wanted = _wanted(branch, kinds)
        if wanted is None:
            continue
        conditions = [picked(source.account_id), branch.at.is_not(None), *wanted]
        if source.narrow is not None:
            conditions.append(source.narrow(picked))
        conditions += _window(branch.at, since, until)
        if branch.where is not None:
            conditions.append(branch.where)
        rank_column = literal_column(str(rank), Integer).label("branch")
        account: Any = source.account_id.label("timeline_account")
        parts.append(
            select(rank_column, branch.at.label("at"), account, *source.columns)
            .select_from(source.frame)
            .where(*conditions)
        )
    return union_all(*parts).subquery() if parts else None


def _newest_first(merged: Subquery) -> tuple[Any, ...]:
    return (merged.c.at.desc(), merged.c.branch.desc(), merged.c.id.desc())


def _wanted(branch: Branch, kinds: frozenset[str] | None) -> list[SQLColumnExpression[bool]] | None:
    """Extra conditions for ``branch`` under the kinds filter; None when it is not wanted."""
    if kinds is None or branch.family in kinds or branch.kind in kinds:
        return []
    if branch.action is None:
        return None
    prefix = f"{branch.family}."
    actions = [kind.removeprefix(prefix) for kind in kinds if kind.startswith(prefix)]
    return [branch.action.in_(actions)] if actions else None


def _window(at: Column, since: bool, until: bool) -> list[SQLColumnExpression[bool]]:
    """``since <= at < until`` as parameters; a date column is compared with whole days."""
    kind = getattr(at, "type", None)
    suffix = "_day" if isinstance(kind, Date) else ""
    conditions: list[SQLColumnExpression[bool]] = []
    if since:
        conditions.append(at >= bindparam("since" + suffix, type_=kind))
    if until:
        conditions.append(at < bindparam("until" + suffix, type_=kind))
    return conditions


def _first_day_from(moment: datetime) -> date:
    """The first day whose midnight is not before ``moment``."""
    day = moment.date()
    return day if moment.time() == time(0) else day + timedelta(days=1)


@dataclass(frozen=True)
class _Found:
    """A row read for the timeline; it becomes an event only if it makes the cut."""

    at: datetime
    source: Source
    row: RowMapping

    def event(self) -> TimelineEvent:
        return self.source.build(self.source.branches[self.row["branch"]].kind, self.at, self.row)


def _read(
    session: Session, source: Source, query: Select[Any], values: dict[str, Any]
) -> list[_Found]:
    found = []
    for row in read(session, query, **values).mappings():
        at = row["at"]
        moment = at if isinstance(at, datetime) else datetime.combine(at, time(0))
        found.append(_Found(moment, source, row))
    return found


def _event(
    kind: str, at: datetime, row: RowMapping, record: str, title: str, **more: Any
) -> TimelineEvent:
    return TimelineEvent(
        kind=kind,
        at=at,
        title=title,
        record=record,
        record_id=row["id"],
        source=row["source"],
        external_id=row.get("external_id"),
        **more,
    )


def _columns(model: Any, *names: str) -> tuple[Column, ...]:
    """The columns ``names`` of ``model``."""
    return tuple(getattr(model, name) for name in names)


def _provenance(model: Any, *names: str) -> tuple[Column, ...]:
    """The id, source and external id of ``model``, then its columns ``names``."""
    return _columns(model, "id", "source", "external_id", *names)


def _days(start: date | None, end: date | None) -> int:
    if start is None or end is None:
        return 0
    return (end - start).days


def _joined(*parts: object, sep: str = ", ") -> str | None:
    """The parts that are set, joined; falsy parts (None, "", 0) are left out."""
    text = sep.join(str(part) for part in parts if part)
    return text or None


# Orders and invoices


def _order_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    ext = row["external_id"]
    promised, due, quantity = row["promised_at"], row["due_at"], row["quantity"]
    money = {"amount": row["amount"], "currency": row["currency"]}
    if kind == "order.placed":
        title = f"Order {ext} placed" + (" (cancelled)" if row["status"] == "cancelled" else "")
        order_kind = row["order_kind"] and in_words(row["order_kind"])
        detail = _joined(order_kind, row["product_line"], quantity and f"qty {quantity:g}")
    elif kind.startswith("order.delivered"):
        late = _days(promised, row["delivered_at"])
        title = f"Order {ext} delivered" + (f" {late} days late" if late > 0 else "")
        title += " on time" if promised and late <= 0 else ""
        detail = _joined(promised and f"promised for {promised}")
        money = {}
    else:
        late = _days(due, row["paid_at"])
        title = f"Invoice of order {ext} paid" + (f" {late} days late" if late > 0 else "")
        detail = _joined(due and f"due {due}")
    return _event(kind, at, row, "order", title, detail=detail, **money)


_LATE_DELIVERY = and_(Order.promised_at.is_not(None), Order.delivered_at > Order.promised_at)
_LATE_PAYMENT = and_(Order.due_at.is_not(None), Order.paid_at > Order.due_at)
_ORDERS = Source(
    Order.__table__,
    Order.account_id,
    (
        *_provenance(Order, "amount", "currency", "quantity", "product_line", "status"),
        *_columns(Order, "promised_at", "delivered_at", "due_at", "paid_at"),
        Order.kind.label("order_kind"),
    ),
    (
        Branch("order.placed", Order.ordered_at),
        Branch(
            "order.delivered",
            Order.delivered_at,
            or_(Order.promised_at.is_(None), Order.delivered_at <= Order.promised_at),
        ),
        Branch("order.delivered_late", Order.delivered_at, _LATE_DELIVERY),
        Branch(
            "invoice.paid",
            Order.paid_at,
            or_(Order.due_at.is_(None), Order.paid_at <= Order.due_at),
        ),
        Branch("invoice.paid_late", Order.paid_at, _LATE_PAYMENT),
    ),
    _order_event,
)

# Quotes and RFQs

_QUOTE_OWNER = aliased(Employee)


def _quote_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    ext, lead = row["external_id"], row["promised_lead_time_days"]
    money = {"amount": row["value"], "currency": row["currency"]}
    if kind == "quote.received":
        title = f"RFQ {ext} received" + (f": {row['product_line']}" if row["product_line"] else "")
        detail, money = row["specification"], {}
    elif kind == "quote.responded":
        title = f"Quote {ext} sent after {_days(row['received_at'], row['responded_at'])} days"
        detail = _joined(lead is not None and f"lead time {lead} days")
    else:
        title = f"Quote {ext} {row['outcome'].replace('_', ' ')}"
        detail = row["product_line"]
    return _event(kind, at, row, "quote", title, detail=detail, employee=row["owner"], **money)


_QUOTES = Source(
    Quote.__table__.outerjoin(_QUOTE_OWNER, _QUOTE_OWNER.id == Quote.owner_id),
    Quote.account_id,
    (
        *_provenance(Quote, "value", "currency", "product_line", "promised_lead_time_days"),
        *_columns(Quote, "specification", "outcome", "received_at", "responded_at"),
        _QUOTE_OWNER.name.label("owner"),
    ),
    (
        Branch("quote.received", Quote.received_at),
        Branch("quote.responded", Quote.responded_at),
        Branch("quote.won", Quote.decided_at, Quote.outcome == "won"),
        Branch("quote.lost", Quote.decided_at, Quote.outcome == "lost"),
        Branch("quote.closed", Quote.decided_at, Quote.outcome.not_in(("open", "won", "lost"))),
    ),
    _quote_event,
)

# Tickets

TICKET_LABELS = {
    "support": "Support ticket",
    "complaint": "Complaint",
    "ncr": "NCR",
    "rma": "RMA",
    "warranty": "Warranty claim",
}
_TICKET_CONTACT = aliased(Contact)
_TICKET_ASSIGNEE = aliased(Employee)


def _ticket_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    label = TICKET_LABELS.get(row["ticket_kind"], row["ticket_kind"].capitalize())
    if kind == "ticket.opened":
        title = f"{label} {row['external_id']} opened: {row['subject']}"
    else:
        days = _days(row["opened_at"].date(), row["closed_at"].date())
        title = f"{label} {row['external_id']} closed after {days} days: {row['subject']}"
    return _event(
        kind,
        at,
        row,
        "ticket",
        title,
        detail=_joined(row["asset_serial"] and f"asset {row['asset_serial']}", row["text"]),
        severity=row["severity"],
        employee=row["assignee"],
        contact=row["contact"],
    )


_TICKETS = Source(
    Ticket.__table__.outerjoin(_TICKET_CONTACT, _TICKET_CONTACT.id == Ticket.contact_id)
    .outerjoin(_TICKET_ASSIGNEE, _TICKET_ASSIGNEE.id == Ticket.assignee_id)
    .outerjoin(Asset, Asset.id == Ticket.asset_id),
    Ticket.account_id,
    (
        *_provenance(Ticket, "subject", "text", "severity", "opened_at", "closed_at"),
        Ticket.kind.label("ticket_kind"),
        Asset.serial.label("asset_serial"),
        _TICKET_CONTACT.name.label("contact"),
        _TICKET_ASSIGNEE.name.label("assignee"),
    ),
    (Branch("ticket.opened", Ticket.opened_at), Branch("ticket.closed", Ticket.closed_at)),
    _ticket_event,
)

# Surveys

SURVEY_SCALES = {"nps": 10, "csat": 5, "ces": 7}
"""The highest score of each survey kind."""
_SURVEY_CONTACT = aliased(Contact)


def _survey_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    survey, score = row["survey_kind"], row["score"]
    scale = SURVEY_SCALES.get(survey)
    title = f"{survey.upper()} {score:g}" + (f"/{scale}" if scale else "")
    if row["campaign"]:
        title += f" ({row['campaign']})"
    return _event(kind, at, row, "survey", title, detail=row["comment"], contact=row["contact"])


_SURVEYS = Source(
    SurveyResponse.__table__.outerjoin(
        _SURVEY_CONTACT, _SURVEY_CONTACT.id == SurveyResponse.contact_id
    ),
    SurveyResponse.account_id,
    (
        *_provenance(SurveyResponse, "score", "comment", "campaign"),
        SurveyResponse.kind.label("survey_kind"),
        _SURVEY_CONTACT.name.label("contact"),
    ),
    (Branch("survey.response", SurveyResponse.responded_at),),
    _survey_event,
)

# Interactions and notes

_INTERACTION_EMPLOYEE = aliased(Employee)
_INTERACTION_CONTACT = aliased(Contact)


def _interaction_event(_kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    action = row["interaction_kind"]
    title = action.capitalize() + (f" ({row['direction']})" if row["direction"] else "")
    people = _joined(
        row["employee"] and f"by {row['employee']}",
        row["contact"] and f"with {row['contact']}",
        sep=" ",
    )
    title = _joined(title, people, sep=" ") or title
    if row["subject"]:
        title += f": {row['subject']}"
    return _event(
        f"interaction.{action}",
        at,
        row,
        "interaction",
        title,
        detail=row["text"] or None,
        employee=row["employee"],
        contact=row["contact"],
        warning=warning_words(note_warning_signs(row["subject"], row["text"])) or None,
    )


_INTERACTIONS = Source(
    Interaction.__table__.outerjoin(
        _INTERACTION_EMPLOYEE, _INTERACTION_EMPLOYEE.id == Interaction.employee_id
    ).outerjoin(_INTERACTION_CONTACT, _INTERACTION_CONTACT.id == Interaction.contact_id),
    Interaction.account_id,
    (
        *_provenance(Interaction, "direction", "subject", "text"),
        Interaction.kind.label("interaction_kind"),
        _INTERACTION_EMPLOYEE.name.label("employee"),
        _INTERACTION_CONTACT.name.label("contact"),
    ),
    (Branch("interaction.*", Interaction.occurred_at, action=Interaction.kind),),
    _interaction_event,
)

# Telemetry alarms (readings are not events)


def _alarm_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    title = f"Alarm {row['alarm_code']} on {row['serial']}"
    if row["model"]:
        title += f" ({row['model']})"
    return _event(kind, at, row, "telemetry", title, severity=row["severity"])


_ALARMS = Source(
    TelemetryEvent.__table__.join(Asset, Asset.id == TelemetryEvent.asset_id),
    Asset.account_id,
    (
        TelemetryEvent.id,
        TelemetryEvent.source,
        TelemetryEvent.alarm_code,
        TelemetryEvent.severity,
        Asset.serial,
        Asset.model,
    ),
    (Branch("telemetry.alarm", TelemetryEvent.ts, TelemetryEvent.alarm_code != ""),),
    _alarm_event,
    # Without it PostgreSQL may walk the whole time index looking for the account's alarms.
    lambda picked: TelemetryEvent.asset_id.in_(select(Asset.id).where(picked(Asset.account_id))),
)

# People leaving: the customer's contacts and the account team


def _contact_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    who = ("Key contact " if row["is_key"] else "Contact ") + row["name"]
    return _event(kind, at, row, "contact", f"{who} left", detail=row["title"], contact=row["name"])


def _team_event(kind: str, at: datetime, row: RowMapping) -> TimelineEvent:
    left, until = row["left_at"], row["until"]
    if left is not None and (until is None or left <= until):
        title = f"{row['employee']} ({row['role']}) left the company"
    else:
        title = f"{row['employee']} left the account team as {row['role']}"
    return _event(kind, at, row, "team", title, employee=row["employee"])


_CONTACTS = Source(
    Contact.__table__,
    Contact.account_id,
    _provenance(Contact, "name", "title", "is_key"),
    (Branch("contact.left", Contact.left_at),),
    _contact_event,
)
_TEAM = Source(
    AccountTeamMember.__table__.join(Employee, Employee.id == AccountTeamMember.employee_id).join(
        RetentionRole, RetentionRole.id == AccountTeamMember.role_id
    ),
    AccountTeamMember.account_id,
    (
        *_provenance(AccountTeamMember, "until"),
        Employee.left_at,
        Employee.name.label("employee"),
        RetentionRole.name.label("role"),
    ),
    (Branch("team.left", func.coalesce(AccountTeamMember.until, Employee.left_at)),),
    _team_event,
)

SOURCES = (_ORDERS, _QUOTES, _TICKETS, _SURVEYS, _INTERACTIONS, _ALARMS, _CONTACTS, _TEAM)
TIMELINE_KINDS: tuple[str, ...] = tuple(
    kind
    for source in SOURCES
    for branch in source.branches
    for kind in (
        [f"{branch.family}.{action}" for action in INTERACTION_KINDS]
        if branch.kind.endswith(".*")
        else [branch.kind]
    )
)
"""Every event kind the timeline produces."""
TIMELINE_FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(k.split(".")[0] for k in TIMELINE_KINDS))
"""The families of kinds (``order``, ``ticket``, ...): a family selects all its kinds."""
