"""Finding accounts, the account list with its activity counts, and the account 360.

Every function reads with a fixed number of statements, however many accounts or
records there are. "As of" a day means up to the end of that day.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from keepwell.days import end_of_day, same_day_a_year_earlier
from keepwell.db.prepared import prepared, read
from keepwell.errors import NotFound
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.people.presence import still_present
from keepwell.record.models import (
    Account,
    AccountExternalId,
    Asset,
    Contact,
    Order,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)
from keepwell.record.schemas import (
    Account360,
    AccountHeader,
    AccountSummary,
    AssetOut,
    ContactOut,
    ExternalId,
    OpenTicket,
    OrdersTrend,
    PeriodTotals,
    QuarterTotals,
    SurveyOut,
    TeamMember,
)
from keepwell.record.timeline import account_timeline

OPEN_TICKET_STATUSES = ("open", "pending")
"""Ticket statuses that count as open while the ticket has no closing time."""
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
QUARTERS_SHOWN = 8
ALARM_DAYS = 90
SUGGESTIONS = 10
MAX_ID = 2**31 - 1
BY_NAME = (func.lower(Account.name), Account.id)
SUMMARY_CHUNK = 1000
"""Pages up to this size are listed by ids with a prepared statement."""
_ACCOUNT = bindparam("account", type_=Integer)
_DAY = bindparam("day", type_=Date)
_END = bindparam("end", type_=DateTime)
"""Values of the account 360's prepared statements: the account, the day, its end."""
Day = date | ColumnElement[Any]
"""A day, or a parameter standing for one in a prepared statement."""


class AccountLookupError(NotFound):
    """No account, or more than one, matches what was asked for; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[Account]) -> None:
        self.candidates = candidates
        if candidates:
            message += ": " + "; ".join(_label(a) for a in candidates)
        super().__init__(message)


# Finding one account


def find_account(session: Session, name_or_id: str | int) -> Account:
    """The account with this internal id, external id (any source, or ``source:id``) or name.

    Ids are tried first; then the exact name, then the name ignoring case. Raises
    ``AccountLookupError`` when nothing matches or the match is not unique.
    """
    text = str(name_or_id).strip()
    for condition in (
        _id_match(text),
        Account.name == text,
        func.lower(Account.name) == text.lower(),
    ):
        found = list(session.scalars(select(Account).where(condition).order_by(Account.id)))
        if len(found) == 1:
            return found[0]
        if found:
            raise AccountLookupError(f"{text!r} matches {len(found)} accounts", found)
    pattern = f"%{_escape_like(text.lower())}%"
    similar = session.scalars(
        select(Account)
        .where(func.lower(Account.name).like(pattern, escape="\\"))
        .order_by(Account.name, Account.id)
        .limit(SUGGESTIONS)
    )
    candidates = list(similar)
    hint = "; similar names" if candidates else ""
    raise AccountLookupError(f"no account matches {text!r}{hint}", candidates)


def _id_match(text: str) -> ColumnElement[bool]:
    linked = select(AccountExternalId.account_id).where(AccountExternalId.external_id == text)
    conditions = [Account.external_id == text, Account.id.in_(linked)]
    if text.isdigit() and int(text) <= MAX_ID:
        conditions.append(Account.id == int(text))
    source, colon, external_id = text.partition(":")
    if colon:
        in_source = select(AccountExternalId.account_id).where(
            AccountExternalId.source == source, AccountExternalId.external_id == external_id
        )
        conditions.append(Account.id.in_(in_source))
    return or_(*conditions)


def _label(account: Account) -> str:
    return f"{account.name} (id {account.id}, {account.source}:{account.external_id})"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The account list


OWNER_ROLE = "account_owner"
"""The retention role whose holder is an account's owner."""


def list_accounts(
    session: Session,
    *,
    status: str | None = None,
    segment: str | None = None,
    region: str | None = None,
    search: str | None = None,
    owner: int | None = None,
    department: int | None = None,
    ids: Collection[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
    as_of: date | None = None,
) -> list[AccountSummary]:
    """Accounts by name, with their activity counts as of ``as_of`` (default today).

    ``search`` matches part of the name, ignoring case, or any external id exactly;
    ``owner`` is the employee id of the current account owner, ``department`` one of the
    current account team's departments; ``ids`` keeps only those accounts. The page is
    chosen first, so the counts are computed for its accounts only.
    """
    day = as_of or date.today()
    conditions = account_filters(
        status=status,
        segment=segment,
        region=region,
        search=search,
        owner=owner,
        department=department,
        day=day,
    )
    if ids is not None:
        conditions.append(Account.id.in_(list(ids)))
    page = select(Account.id).where(*conditions).order_by(*BY_NAME).offset(offset).limit(limit)
    if limit is not None and limit <= SUMMARY_CHUNK:
        return account_summaries(session, list(session.scalars(page)), day)
    every = select(page.subquery().c.id)
    query = _summary_query(day, end_of_day(day), same_day_a_year_earlier(day), every).order_by(
        *BY_NAME
    )
    return [AccountSummary.model_validate(row) for row in _rows(session, query)]


def account_summaries(session: Session, ids: list[int], day: date) -> list[AccountSummary]:
    """The accounts ``ids`` (at most SUMMARY_CHUNK), in that order, with their counts on ``day``.

    The statement is built once and reused with new values.
    """
    if len(ids) > SUMMARY_CHUNK:
        raise ValueError(f"at most {SUMMARY_CHUNK} accounts at a time")
    values = {"day": day, "end": end_of_day(day), "since": same_day_a_year_earlier(day), "ids": ids}
    if not ids:
        return []
    found = {row["id"]: dict(row) for row in read(session, _summary(), **values).mappings()}
    return [AccountSummary.model_validate(found[i]) for i in ids if i in found]


def count_accounts(
    session: Session,
    *,
    status: str | None = None,
    segment: str | None = None,
    region: str | None = None,
    search: str | None = None,
    owner: int | None = None,
    department: int | None = None,
    as_of: date | None = None,
) -> int:
    """How many accounts ``list_accounts`` finds with these filters, without limit."""
    conditions = account_filters(
        status=status,
        segment=segment,
        region=region,
        search=search,
        owner=owner,
        department=department,
        day=as_of or date.today(),
    )
    return read(session, select(func.count()).select_from(Account).where(*conditions)).scalar() or 0


def account_filters(
    *,
    status: str | None,
    segment: str | None,
    region: str | None,
    search: str | None,
    owner: int | None = None,
    department: int | None = None,
    day: date,
) -> list[ColumnElement[bool]]:
    """The conditions on ``Account`` behind ``list_accounts`` and ``count_accounts``."""
    conditions = [
        column == value
        for column, value in (
            (Account.status, status),
            (Account.segment, segment),
            (Account.region, region),
        )
        if value is not None
    ]
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        linked = select(AccountExternalId.account_id).where(AccountExternalId.external_id == search)
        conditions.append(
            or_(
                func.lower(Account.name).like(pattern, escape="\\"),
                Account.external_id == search,
                Account.id.in_(linked),
            )
        )
    if owner is not None:
        is_owner = and_(Employee.id == owner, RetentionRole.key == OWNER_ROLE)
        conditions.append(Account.id.in_(_team_accounts(is_owner, day)))
    if department is not None:
        conditions.append(Account.id.in_(_team_accounts(Employee.department_id == department, day)))
    return conditions


def _team_accounts(condition: ColumnElement[bool], day: date) -> Select[Any]:
    return (
        select(AccountTeamMember.account_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(current_assignment(day), condition)
    )


@prepared
def _summary() -> Select[Any]:
    """The account-list statement, its values bound at execution (see ``account_summaries``)."""
    accounts: Any = bindparam("ids", expanding=True)
    return _summary_query(bindparam("day"), bindparam("end"), bindparam("since"), accounts)


def _summary_query(day: Any, end: Any, since: Any, accounts: Any) -> Select[Any]:
    """Each account in ``accounts`` with its activity counts on ``day`` (ending at ``end``)."""
    contacts = _count_by_account(
        Contact.account_id, and_(Contact.account_id.in_(accounts), _contact_present(day))
    )
    tickets = _count_by_account(
        Ticket.account_id, and_(Ticket.account_id.in_(accounts), _ticket_open(end))
    )
    team = (
        select(
            AccountTeamMember.account_id,
            func.count(AccountTeamMember.employee_id.distinct()).label("n"),
        )
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(AccountTeamMember.account_id.in_(accounts), current_assignment(day))
        .group_by(AccountTeamMember.account_id)
        .subquery()
    )
    orders = _order_totals(day, since, accounts).subquery()
    return (
        select(
            *_columns(Account, ("id", "name", "status", "segment", "region", "tier")),
            func.coalesce(contacts.c.n, 0).label("contacts"),
            func.coalesce(tickets.c.n, 0).label("open_tickets"),
            func.coalesce(orders.c.orders, 0).label("orders_12m"),
            func.coalesce(orders.c.revenue, 0.0).label("revenue_12m"),
            orders.c.last.label("last_order_on"),
            func.coalesce(team.c.n, 0).label("team_size"),
        )
        .outerjoin(contacts, contacts.c.account_id == Account.id)
        .outerjoin(tickets, tickets.c.account_id == Account.id)
        .outerjoin(orders, orders.c.account_id == Account.id)
        .outerjoin(team, team.c.account_id == Account.id)
        .where(Account.id.in_(accounts))
    )


def _order_totals(day: Any, since: Any, accounts: Any) -> Select[*tuple[Any, ...]]:
    """Per account: orders and revenue after ``since`` up to ``day``, and the last order day."""
    recent = Order.ordered_at > since
    return (
        select(
            Order.account_id,
            func.sum(case((recent, 1), else_=0)).label("orders"),
            func.sum(case((recent, Order.amount), else_=0.0)).label("revenue"),
            func.max(Order.ordered_at).label("last"),
        )
        .where(Order.account_id.in_(accounts), Order.status != "cancelled", Order.ordered_at <= day)
        .group_by(Order.account_id)
    )


@prepared
def _totals() -> Select[*tuple[Any, ...]]:
    accounts: Any = bindparam("ids", expanding=True)
    day: Any = bindparam("day")
    since: Any = bindparam("since")
    return _order_totals(day, since, accounts).where(Order.ordered_at > since)


def order_totals(session: Session, ids: list[int], day: date) -> dict[int, tuple[int, float]]:
    """Orders and revenue of the twelve months up to ``day`` for the accounts ``ids``
    (the ``orders_12m`` and ``revenue_12m`` of their summaries, without the rest)."""
    if len(ids) > SUMMARY_CHUNK:
        raise ValueError(f"at most {SUMMARY_CHUNK} accounts at a time")
    if not ids:
        return {}
    values = {"day": day, "since": same_day_a_year_earlier(day), "ids": ids}
    rows = read(session, _totals(), **values)
    return {row.account_id: (int(row.orders), float(row.revenue or 0.0)) for row in rows}


def _count_by_account(account_id: Any, condition: ColumnElement[bool]) -> Any:
    return (
        select(account_id.label("account_id"), func.count().label("n"))
        .where(condition)
        .group_by(account_id)
        .subquery()
    )


def _contact_present(day: Day) -> ColumnElement[bool]:
    return still_present(Contact.left_at, Contact.active, day)


def _ticket_open(end: datetime | ColumnElement[Any]) -> ColumnElement[bool]:
    still_open = and_(Ticket.closed_at.is_(None), Ticket.status.in_(OPEN_TICKET_STATUSES))
    return and_(Ticket.opened_at < end, or_(Ticket.closed_at >= end, still_open))


def current_assignment(day: Day) -> ColumnElement[bool]:
    """The assignment runs on ``day`` and its employee is still employed."""
    since, until = AccountTeamMember.since, AccountTeamMember.until
    return and_(
        or_(since.is_(None), since <= day),
        or_(until.is_(None), until > day),
        still_present(Employee.left_at, Employee.active, day),
    )


# The account 360


def account_360(
    session: Session, account_id: int, as_of: date | None = None, *, timeline: int = 20
) -> Account360:
    """Everything about the account as of ``as_of`` (default today), with its latest events."""
    day = as_of or date.today()
    header = _header(session, account_id)
    if header is None:
        raise AccountLookupError(f"no account with id {account_id}", [])
    return Account360(
        as_of=day,
        account=header,
        team=_team(session, account_id, day),
        contacts=_contacts(session, account_id, day),
        orders=_orders_trend(session, account_id, day),
        open_tickets=_open_tickets(session, account_id, day),
        last_surveys=_last_surveys(session, account_id, day),
        assets=_assets(session, account_id, day),
        timeline=account_timeline(session, account_id, until=end_of_day(day), limit=timeline),
    )


HEADER_COLUMNS = tuple(name for name in AccountHeader.model_fields if name != "external_ids")


@prepared
def _header_query() -> Select[*tuple[Any, ...]]:
    """The account's own columns, once per id it has in a source system."""
    return (
        select(
            *_columns(Account, HEADER_COLUMNS),
            AccountExternalId.source.label("link_source"),
            AccountExternalId.external_id.label("link_id"),
        )
        .outerjoin(AccountExternalId, AccountExternalId.account_id == Account.id)
        .where(Account.id == _ACCOUNT)
    )


def _header(session: Session, account_id: int) -> AccountHeader | None:
    rows = _rows(session, _header_query(), account=account_id)
    if not rows:
        return None
    fields = {name: rows[0][name] for name in HEADER_COLUMNS}
    links = sorted((r["link_source"], r["link_id"]) for r in rows if r["link_source"] is not None)
    fields["external_ids"] = [ExternalId(source=s, external_id=e) for s, e in links]
    fields["attributes"] = dict(fields["attributes"] or {})
    return AccountHeader.model_validate(fields)


@prepared
def _team_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            AccountTeamMember.employee_id,
            Employee.name,
            Employee.email,
            Employee.title,
            Department.name.label("department"),
            RetentionRole.key.label("role_key"),
            RetentionRole.name.label("role"),
            AccountTeamMember.since,
            AccountTeamMember.until,
            current_assignment(_DAY).label("current"),
        )
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(AccountTeamMember.account_id == _ACCOUNT)
    )


def _team(session: Session, account_id: int, day: date) -> list[TeamMember]:
    rows = _rows(session, _team_query(), account=account_id, day=day)
    members = [TeamMember.model_validate(row) for row in rows]
    return sorted(members, key=lambda m: (not m.current, m.role, m.name))


@prepared
def _contacts_query() -> Select[*tuple[Any, ...]]:
    names = ("id", "name", "title", "role", "email", "phone", "is_key", "left_at")
    status = case((_contact_present(_DAY), "active"), else_="left").label("status")
    return select(*_columns(Contact, names), status).where(Contact.account_id == _ACCOUNT)


def _contacts(session: Session, account_id: int, day: date) -> list[ContactOut]:
    rows = _rows(session, _contacts_query(), account=account_id, day=day)
    contacts = [ContactOut.model_validate(row) for row in rows]
    return sorted(contacts, key=lambda c: (c.status != "active", not c.is_key, c.name))


ORDER_BUCKETS = (*(f"q{i}" for i in range(QUARTERS_SHOWN)), "last", "previous")
"""The spans ``_orders_query`` counts: the quarters shown, oldest first, then the last
twelve months and the twelve before them."""


@prepared
def _orders_query() -> Select[*tuple[Any, ...]]:
    """Orders and revenue in each of ``ORDER_BUCKETS`` (``from <= ordered_at < until``)."""
    at = Order.ordered_at
    columns: list[Any] = []
    for bucket in ORDER_BUCKETS:
        inside = and_(
            at >= bindparam(f"{bucket}_from", type_=Date),
            at < bindparam(f"{bucket}_until", type_=Date),
        )
        columns.append(func.count().filter(inside).label(f"{bucket}_orders"))
        columns.append(func.sum(Order.amount).filter(inside).label(f"{bucket}_revenue"))
    return select(*columns).where(
        Order.account_id == _ACCOUNT,
        Order.status != "cancelled",
        at >= bindparam("since", type_=Date),
        at <= _DAY,
    )


def _orders_trend(session: Session, account_id: int, day: date) -> OrdersTrend:
    spans = _order_spans(day)
    values: dict[str, Any] = {"since": min(start for start, _ in spans.values()), "day": day}
    for bucket, (start, end) in spans.items():
        values.update({f"{bucket}_from": start, f"{bucket}_until": end + timedelta(days=1)})
    row = _rows(session, _orders_query(), account=account_id, **values)[0]
    totals = {
        bucket: PeriodTotals(
            start=start,
            end=end,
            orders=row[f"{bucket}_orders"],
            revenue=row[f"{bucket}_revenue"] or 0.0,
        )
        for bucket, (start, end) in spans.items()
    }
    last, previous = totals.pop("last"), totals.pop("previous")
    return OrdersTrend(
        quarters=[
            QuarterTotals(
                quarter=f"{q.start.year}-Q{(q.start.month - 1) // 3 + 1}",
                start=q.start,
                orders=q.orders,
                revenue=q.revenue,
            )
            for q in totals.values()
        ],
        last_12_months=last,
        previous_12_months=previous,
        revenue_change=_change(previous.revenue, last.revenue),
        orders_change=_change(previous.orders, last.orders),
    )


def _order_spans(day: date) -> dict[str, tuple[date, date]]:
    """The first and last day of each of ``ORDER_BUCKETS`` as of ``day``."""
    starts = [_quarter_start(day, back) for back in range(QUARTERS_SHOWN - 1, -2, -1)]
    spans = {f"q{i}": (starts[i], starts[i + 1] - timedelta(days=1)) for i in range(QUARTERS_SHOWN)}
    last_start = same_day_a_year_earlier(day) + timedelta(days=1)
    before = last_start - timedelta(days=1)
    spans["last"] = (last_start, day)
    spans["previous"] = (same_day_a_year_earlier(before) + timedelta(days=1), before)
    return spans


def _quarter_start(day: date, back: int) -> date:
    """The first day of the quarter ``back`` quarters before the one holding ``day``."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, index % 4 * 3 + 1, 1)


def _change(before: float, after: float) -> float | None:
    return None if not before else (after - before) / before


@prepared
def _open_tickets_query() -> Select[*tuple[Any, ...]]:
    names = ("id", "source", "external_id", "kind", "severity", "status", "subject", "opened_at")
    return (
        select(
            *_columns(Ticket, names),
            Asset.serial.label("asset_serial"),
            Employee.name.label("assignee"),
        )
        .outerjoin(Asset, Asset.id == Ticket.asset_id)
        .outerjoin(Employee, Employee.id == Ticket.assignee_id)
        .where(Ticket.account_id == _ACCOUNT, _ticket_open(_END))
    )


def _open_tickets(session: Session, account_id: int, day: date) -> list[OpenTicket]:
    rows = _rows(session, _open_tickets_query(), account=account_id, end=end_of_day(day))
    tickets = [
        OpenTicket.model_validate({**row, "age_days": (day - row["opened_at"].date()).days})
        for row in rows
    ]
    return sorted(tickets, key=lambda t: (SEVERITY_ORDER.get(t.severity, 9), t.opened_at, t.id))


@prepared
def _last_surveys_query() -> Select[*tuple[Any, ...]]:
    rank = (
        func.row_number()
        .over(
            partition_by=SurveyResponse.kind,
            order_by=(SurveyResponse.responded_at.desc(), SurveyResponse.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(SurveyResponse.id, rank)
        .where(SurveyResponse.account_id == _ACCOUNT, SurveyResponse.responded_at < _END)
        .subquery()
    )
    names = ("id", "kind", "score", "comment", "campaign", "responded_at")
    return (
        select(*_columns(SurveyResponse, names), Contact.name.label("contact"))
        .join(ranked, and_(ranked.c.id == SurveyResponse.id, ranked.c.rank == 1))
        .outerjoin(Contact, Contact.id == SurveyResponse.contact_id)
        .order_by(SurveyResponse.kind)
    )


def _last_surveys(session: Session, account_id: int, day: date) -> list[SurveyOut]:
    rows = _rows(session, _last_surveys_query(), account=account_id, end=end_of_day(day))
    return [SurveyOut.model_validate(row) for row in rows]


@prepared
def _assets_query() -> Select[*tuple[Any, ...]]:
    alarms = (
        select(TelemetryEvent.asset_id, func.count().label("n"))
        .join(Asset, Asset.id == TelemetryEvent.asset_id)
        .where(
            Asset.account_id == _ACCOUNT,
            TelemetryEvent.alarm_code != "",
            TelemetryEvent.ts >= bindparam("alarms_since", type_=DateTime),
            TelemetryEvent.ts < _END,
        )
        .group_by(TelemetryEvent.asset_id)
        .subquery()
    )
    names = ("id", "serial", "model", "product_line", "status", "installed_at", "warranty_end")
    return (
        select(
            *_columns(Asset, (*names, "service_contract_end")),
            func.coalesce(alarms.c.n, 0).label("alarms_90d"),
        )
        .outerjoin(alarms, alarms.c.asset_id == Asset.id)
        .where(Asset.account_id == _ACCOUNT)
        .order_by(Asset.serial)
    )


def _assets(session: Session, account_id: int, day: date) -> list[AssetOut]:
    end = end_of_day(day)
    since = end - timedelta(days=ALARM_DAYS)
    rows = _rows(session, _assets_query(), account=account_id, end=end, alarms_since=since)
    return [
        AssetOut.model_validate(
            {
                **row,
                "under_warranty": _covered(row["warranty_end"], day),
                "under_service_contract": _covered(row["service_contract_end"], day),
            }
        )
        for row in rows
    ]


def _covered(until: date | None, day: date) -> bool:
    return until is not None and until >= day


def _columns(model: Any, names: tuple[str, ...]) -> list[Any]:
    return [getattr(model, name) for name in names]


def _rows(session: Session, query: Executable, **values: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in read(session, query, **values).mappings()]
