"""Jinja2 templates, their filters, the navigation and the one ``render`` every page uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.responses import Response

from keepwell.audit.words import action_label, field_label
from keepwell.auth.permissions import Permission
from keepwell.insight.risk import LEVEL_LABELS, NEGLIGIBLE_REVENUE_AT_RISK, is_negligible
from keepwell.insight.wording import event_label, feature_label, feature_value
from keepwell.web import feedback
from keepwell.web.state import web_state

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.auto_reload = False  # templates ship with the package; no stat per render
DEFAULT_CURRENCY = "EUR"
HIDDEN = Markup('<span class="redacted" title="Hidden for your role">hidden</span>')


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation; ``coming`` entries are shown but not linked."""

    group: str
    label: str
    href: str
    permission: Permission | None = None
    coming: bool = False


NAVIGATION = (
    NavItem("Customers", "At risk", "/at-risk", Permission.READ),
    NavItem("Customers", "My work", "/my-work", Permission.READ),
    NavItem("Customers", "Portfolio", "/portfolio", Permission.READ),
    NavItem("Customers", "Tasks", "/tasks", Permission.READ),
    NavItem("Customers", "Tickets", "/tickets", Permission.READ),
    NavItem("Customers", "Fleet", "/fleet", Permission.READ),
    NavItem("Insight", "Weekly review", "/reports/weekly", Permission.READ),
    NavItem("Insight", "Retention", "/retention", Permission.READ),
    NavItem("Insight", "Problems", "/problems", Permission.READ),
    NavItem("Insight", "Voice", "/voice", Permission.READ),
    NavItem("Insight", "Playbooks", "/playbooks", Permission.READ),
    NavItem("Insight", "Knowledge", "/knowledge", Permission.READ),
    NavItem("Team", "Roles", "/roles", Permission.READ),
    NavItem("Team", "Coverage", "/coverage", Permission.READ),
    NavItem("Team", "Human vs model", "/reads", Permission.READ),
    NavItem("Team", "RFQs", "/rfqs", Permission.READ),
    NavItem("Team", "Workforce", "/workforce", Permission.MONEY),
    NavItem("Data", "Imports", "/imports", Permission.IMPORT),
    NavItem("Data", "Telemetry", "/telemetry", Permission.IMPORT),
    NavItem("Data", "API reference", "/api/docs", Permission.READ),
    NavItem("System", "Audit log", "/audit", Permission.AUDIT),
    NavItem("System", "Admin", "/admin", Permission.ADMIN),
)


def navigation(principal: Any) -> list[NavItem]:
    """The entries ``principal`` may see (coming ones for everyone signed in)."""
    if principal is None:
        return []
    return [
        i for i in NAVIGATION if i.coming or i.permission is None or principal.can(i.permission)
    ]


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render template ``name`` with the principal, its CSRF token and the navigation;
    a full page also gets the inbox's unread count and the one-time confirmation
    (``keepwell.web.feedback``)."""
    principal = getattr(request.state, "principal", None)
    page = principal is not None and not is_htmx(request)
    full = {
        "principal": principal,
        "csrf_token": principal.csrf_token if principal else "",
        "nav": navigation(principal),
        "path": request.url.path,
        "flash": feedback.take(request) if page else None,
        "unread": _unread(request, principal) if page else 0,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, full, status_code=status, headers=headers)
    if page:
        feedback.clear(request, response)
    return response


def _unread(request: Request, principal: Any) -> int:
    """The signed-in person's unread inbox entries (one statement)."""
    from keepwell.notify.inbox import reader_for, unread_statement

    with web_state(request).engine.connect() as connection:
        return int(connection.scalar(unread_statement(reader_for(principal.user))) or 0)


def is_htmx(request: Request) -> bool:
    """True when htmx made the request (it then wants a fragment)."""
    return request.headers.get("hx-request") == "true"


@pass_context
def money(context: Context, value: float | None, currency: str | None = None) -> Markup | str:
    """An amount for people whose role may see it, a 'hidden' mark for the others."""
    principal = context.get("principal")
    if principal is None or not principal.sees_money:
        return HIDDEN
    if value is None:
        return "—"
    return f"{value:,.2f} {currency or context.get('currency') or DEFAULT_CURRENCY}"


@pass_context
def at_risk_money(context: Context, value: float | None) -> Markup | str:
    """An account's revenue at risk: its amount, or "negligible" under the documented floor."""
    if is_negligible(value) and context.get("principal") and context["principal"].sees_money:
        floor = money(context, NEGLIGIBLE_REVENUE_AT_RISK)
        return Markup('<span class="muted" title="Under {}">negligible</span>').format(floor)
    return money(context, value)


def format_date(value: date | datetime | None) -> str:
    """``2024-06-30``, or a dash."""
    if value is None:
        return "—"
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def format_datetime(value: datetime | None) -> str:
    """``2024-06-30 14:05``, or a dash."""
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


def format_change(value: float | None) -> str:
    """A relative change as ``+12 %``, or a dash when there was nothing before."""
    if value is None:
        return "—"
    percent = round(value * 100)
    return f"{percent:+d} %" if percent else "0 %"


def format_number(value: float | int | None) -> str:
    """A number with thousands separators, without needless decimals."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def trend(change: float | None) -> Markup:
    """A change against the twelve months before, with an arrow: up, flat or down."""
    if change is None:
        return Markup('<span class="muted">—</span>')
    if change > TREND_FLAT:
        css, mark = "trend-up", "▲"
    elif change < -TREND_FLAT:
        css, mark = "trend-down", "▼"
    else:
        css, mark = "trend-flat", "●"
    text = f"{mark} {format_change(change)}"  # digits, signs and symbols: nothing to escape
    return Markup(
        f'<span class="trend {css}" title="Against the twelve months before">{text}</span>'
    )


TREND_FLAT = 0.005
"""Changes within half a percent either way count as flat."""

templates.env.filters["money"] = money
templates.env.filters["at_risk_money"] = at_risk_money
templates.env.filters["trend"] = trend
templates.env.filters["day"] = format_date
templates.env.filters["moment"] = format_datetime
templates.env.filters["change"] = format_change
templates.env.filters["number"] = format_number
templates.env.filters["action_label"] = action_label
templates.env.filters["field_label"] = field_label


def format_value(value: float | None, spec: str = ".0f") -> str:
    """``value`` in the format ``spec`` (``.0%``, ``.2f``), or a dash."""
    return "—" if value is None else format(value, spec)


templates.env.filters["fmt"] = format_value
templates.env.filters["feature_label"] = feature_label
templates.env.filters["event_label"] = event_label


@pass_context
def show_feature_value(context: Context, key: str | None, value: float | None) -> str:
    """A feature's value in its unit and the company currency."""
    return feature_value(key or "", value, currency=context.get("currency") or DEFAULT_CURRENCY)


templates.env.filters["feature_value"] = show_feature_value
templates.env.globals["level_labels"] = LEVEL_LABELS


def playbook_title(name: str) -> str:
    """A playbook's title instead of its name."""
    from keepwell.playbooks.service import rule_title

    return rule_title(name)


def signal_label(name: str) -> str:
    """A playbook signal in words (``order_gap`` → ``Order gap``)."""
    return name.replace("_", " ").capitalize()


CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """Text with its `backticked` parts set as code (API descriptions name keys on purpose)."""
    return Markup(CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))


templates.env.filters["code_spans"] = code_spans
templates.env.globals["playbook_title"] = playbook_title
templates.env.globals["signal_label"] = signal_label
