"""``keepwell account``: the account list and the account 360."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Group, JustifyMethod, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, fail, print_json, state
from keepwell.cli.risk_view import render_risk
from keepwell.db.engine import session_factory
from keepwell.insight.snapshots import account_risk
from keepwell.insight.wording import event_label
from keepwell.record.lost import lost_reason_counts
from keepwell.record.schemas import Account360, AccountSummary, OrdersTrend, TimelineEvent
from keepwell.record.service import AccountLookupError, account_360, find_account
from keepwell.settings import get_settings
from keepwell.tasks.attention import AccountRisk, account_risks
from keepwell.web.queries import PortfolioFilters, portfolio

account_app = typer.Typer(
    help="Customer accounts: the list and the 360 view.", no_args_is_help=True
)
app.add_typer(account_app, name="account")

AsOf = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day to look from (default: today)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")]
BARS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 24
DETAIL_WIDTH = 80


@contextmanager
def _session(ctx: typer.Context) -> Iterator[Session]:
    with session_factory(state(ctx).engine())() as session:
        yield session


def _day(as_of: datetime | None) -> date | None:
    return as_of.date() if as_of else None


class ListSort(StrEnum):
    """The orders of ``account list``."""

    NAME = "name"
    RISK = "risk"
    REVENUE_AT_RISK = "revenue_at_risk"


SORT_KEYS = {ListSort.NAME: "name", ListSort.RISK: "risk", ListSort.REVENUE_AT_RISK: "at_risk"}
"""Each order as the portfolio names it (unscored accounts come last)."""


@account_app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only this segment.")] = None,
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    search: Annotated[str | None, typer.Option(help="Part of the name, or an external id.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many.")] = None,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    sort: Annotated[
        ListSort,
        typer.Option(help="Order: by name, by risk or by revenue at risk (highest first)."),
    ] = ListSort.NAME,
    as_of: AsOf = None,
) -> None:
    """List accounts with their contacts, open tickets, orders, team and risk."""
    filters = PortfolioFilters(status=status, segment=segment, region=region, search=search)
    day = _day(as_of) or date.today()
    with _session(ctx) as session:
        total = filters.count(session, day)
        found = portfolio(
            session,
            filters,
            offset=offset,
            limit=total if limit is None else limit,
            day=day,
            trend=False,
            sort=SORT_KEYS[sort],
        )
        accounts = [row.account for row in found.rows]
        risks = account_risks(session, [a.id for a in accounts], day=day, run=found.run)
    if as_json:
        rows = [{**a.model_dump(mode="json"), **risk_fields(risks.get(a.id))} for a in accounts]
        print_json({"accounts": rows, "total": total})
    else:
        console.print(_accounts_table(accounts, total))


def risk_fields(risk: AccountRisk | None) -> dict[str, Any]:
    """The one ranked risk and who is on it, as ``account list --json`` adds them."""
    if risk is None:
        return dict.fromkeys(RISK_FIELDS) | {"reasons": []}
    return {
        "risk": risk.risk,
        "risk_level": risk.level if risk.risk is not None else None,
        "health": risk.health,
        "health_band": risk.health_band,
        "revenue_at_risk": risk.revenue_at_risk,
        "owner": risk.owner,
        "next_step": risk.next_step.as_dict() if risk.next_step else None,
        "reasons": list(risk.reasons),
    }


RISK_FIELDS = (
    "risk",
    "risk_level",
    "health",
    "health_band",
    "revenue_at_risk",
    "owner",
    "next_step",
)


@account_app.command("show")
def show_command(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(help="Id, external id (or source:id) or name.")],
    as_json: AsJson = False,
    timeline: Annotated[int, typer.Option(min=0, help="Recent timeline events shown.")] = 20,
    as_of: AsOf = None,
) -> None:
    """Show everything about one account: team, contacts, orders, tickets, surveys, assets."""
    with _session(ctx) as session:
        try:
            account = find_account(session, name_or_id)
        except AccountLookupError as exc:
            raise fail(str(exc)) from None
        view = account_360(session, account.id, _day(as_of), timeline=timeline)
        risk = account_risk(session, account.id)
    if as_json:
        print_json({**view.model_dump(mode="json"), "risk": risk})
    else:
        console.print(render_360(view))
        console.print(render_risk(risk))


def _accounts_table(accounts: list[AccountSummary], total: int) -> Table:
    """The list: status, segment and region go under the name to keep the table narrow."""
    table = Table(
        title=f"Accounts ({len(accounts)} of {total})",
        caption="tickets: open; orders, revenue: last 12 months; team: current members",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for name, justify in _LIST_COLUMNS:
        table.add_column(name, justify=justify, no_wrap=name != "name")
    for a in accounts:
        about = " · ".join(x for x in (a.status, a.segment, a.region) if x)
        table.add_row(
            str(a.id),
            Text(a.name).append(f"\n{about}", style="dim"),
            str(a.contacts),
            str(a.open_tickets),
            str(a.orders_12m),
            _money(a.revenue_12m),
            str(a.last_order_on or ""),
            str(a.team_size),
        )
    return table


_LIST_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("id", "right"),
    ("name", "left"),
    ("contacts", "right"),
    ("tickets", "right"),
    ("orders", "right"),
    ("revenue", "right"),
    ("last order", "left"),
    ("team", "right"),
)


def render_360(view: Account360) -> RenderableType:
    """The 360 as Rich panels and tables, in the order of the JSON object."""
    return Group(
        _header(view),
        _team(view),
        _contacts(view),
        _trend(view.orders),
        _tickets(view),
        _surveys(view),
        _assets(view),
        _timeline(view.timeline),
    )


def _header(view: Account360) -> Panel:
    a = view.account
    ended = a.ended_on and f"{a.ended_on} ({a.lost_reason or 'no reason given'})"
    rows = {
        "status": a.status,
        "segment": a.segment,
        "region": a.region,
        "tier": a.tier,
        "industry": a.industry,
        "country": a.country,
        "customer since": a.started_on,
        "ended": ended,
        "contract value": None if a.contract_value is None else _money(a.contract_value),
        "contract end": a.contract_end,
        "renewal": a.renewal_date,
        "ids": ", ".join(f"{x.source}:{x.external_id}" for x in a.external_ids),
        **{f"· {k}": v for k, v in sorted(a.attributes.items())},
    }
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in rows.items():
        if value not in (None, ""):
            grid.add_row(Text(label), Text(str(value)))
    title = Text.assemble((a.name, "bold"), f" (id {a.id}) — as of {view.as_of}")
    return Panel(grid, title=title, title_align="left")


def _team(view: Account360) -> RenderableType:
    rows = [
        (m.role, m.name, m.department, m.title, m.since, "current" if m.current else "former")
        for m in view.team
    ]
    return _table("Account team", ("role", "name", "department", "title", "since", "status"), rows)


def _contacts(view: Account360) -> RenderableType:
    rows = [
        (c.name, c.title, c.role, "★" if c.is_key else "", c.status, c.email) for c in view.contacts
    ]
    return _table("Contacts", ("name", "title", "role", "key", "status", "email"), rows)


def _tickets(view: Account360) -> RenderableType:
    columns = ("ticket", "kind", "severity", "subject", "age (days)", "asset", "assignee")
    rows = [
        (t.external_id, t.kind, t.severity, t.subject, t.age_days, t.asset_serial, t.assignee)
        for t in view.open_tickets
    ]
    return _table("Open tickets", columns, rows)


def _surveys(view: Account360) -> RenderableType:
    rows = [
        (s.kind.upper(), f"{s.score:g}", s.responded_at.date(), s.contact, s.comment)
        for s in view.last_surveys
    ]
    columns = ("kind", "score", "answered", "contact", "comment")
    return _table("Last survey answers", columns, rows)


def _assets(view: Account360) -> RenderableType:
    columns = ("serial", "model", "installed", "warranty until", "alarms 90d")
    rows = [
        (a.serial, a.model, a.installed_at, _flag(a.warranty_end, a.under_warranty), a.alarms_90d)
        for a in view.assets
    ]
    return _table("Assets", columns, rows)


def _table(
    title: str, columns: tuple[str, ...], rows: Sequence[Sequence[object]]
) -> RenderableType:
    """A titled table of plain-text cells (no Rich markup), or a dim "none" line."""
    if not rows:
        return Text(f"{title}: none", style="dim")
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    return table


def _trend(orders: OrdersTrend) -> Table:
    top = max((q.revenue for q in orders.quarters), default=0.0) or 1.0
    spark = "".join(BARS[round(q.revenue / top * (len(BARS) - 1))] for q in orders.quarters)
    table = Table(title=f"Orders per quarter  {spark}", title_justify="left")
    table.add_column("quarter")
    table.add_column("orders", justify="right")
    table.add_column("revenue", justify="right")
    table.add_column("")
    for q in orders.quarters:
        bar = "█" * round(q.revenue / top * BAR_WIDTH)
        table.add_row(q.quarter, str(q.orders), _money(q.revenue), Text(bar, style="cyan"))
    last, previous = orders.last_12_months, orders.previous_12_months
    table.caption = (
        f"last 12 months: {_orders(last.orders)}, {_money(last.revenue)} "
        f"({_percent(orders.revenue_change)}); previous 12 months: "
        f"{_orders(previous.orders)}, {_money(previous.revenue)}"
    )
    return table


def _timeline(events: list[TimelineEvent]) -> RenderableType:
    return _table(
        "Recent timeline",
        ("when", "kind", "what", "detail"),
        [
            (e.at.strftime("%Y-%m-%d %H:%M"), event_label(e.kind), _what(e), _short(e.detail))
            for e in events
        ],
    )


def _what(event: TimelineEvent) -> str:
    """The event's title with its amount, formatted here: money is data, never in the text."""
    if event.amount is None:
        return event.title
    return f"{event.title}: {_money(event.amount)} {event.currency or ''}".rstrip()


def _money(amount: float) -> str:
    return f"{amount:,.2f}"


def _orders(count: int) -> str:
    return f"{count} order" + ("" if count == 1 else "s")


def _percent(change: float | None) -> str:
    return "no earlier revenue" if change is None else f"{change:+.0%}"


def _flag(until: date | None, covered: bool) -> str:
    if until is None:
        return ""
    return f"{until} {'✓' if covered else '✗'}"


def _short(text: str | None) -> str | None:
    if text is None or len(text) <= DETAIL_WIDTH:
        return text
    return text[: DETAIL_WIDTH - 1] + "…"


@account_app.command("lost-reasons")
def lost_reasons_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Why we lose customers: lost accounts counted by their reason (see docs/web.md)."""
    with _session(ctx) as session:
        rows = lost_reason_counts(session, get_settings().lost_reasons)
    if as_json:
        print_json([{"key": r.key, "label": r.label, "accounts": r.accounts} for r in rows])
        return
    table = Table("Reason", "Lost accounts", box=box.SIMPLE)
    for r in rows:
        table.add_row(r.label, str(r.accounts))
    console.print(table)
