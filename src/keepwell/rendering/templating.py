"""The Jinja2 environment pages and reports share: its loader and its filters.

Nothing here knows about requests: ``keepwell.web.templating`` wraps this environment for
the pages (principal, CSRF token, navigation), and ``keepwell.report`` renders the
reviews with it directly. The templates ship in ``keepwell/web/templates`` (the pages
own most of them); the reviews' templates are under ``report/`` there.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from keepwell.audit.words import action_label, field_label
from keepwell.insight.risk import LEVEL_LABELS, NEGLIGIBLE_REVENUE_AT_RISK, is_negligible
from keepwell.insight.wording import (
    event_label,
    feature_label,
    feature_value,
    method_label,
    model_label,
)
from keepwell.record.vocabulary import in_words

__all__ = [
    "DEFAULT_CURRENCY",
    "HIDDEN",
    "STYLESHEET",
    "TEMPLATES",
    "environment",
    "format_change",
    "format_date",
    "format_datetime",
    "format_number",
    "format_value",
    "trend",
]

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "web" / "templates"
STYLESHEET = PACKAGE / "web" / "static" / "css" / "keepwell.css"
"""The one stylesheet: linked by the pages, inlined into the reviews' files and PDFs."""
DEFAULT_CURRENCY = "EUR"
HIDDEN = Markup('<span class="redacted" title="Hidden for your role">hidden</span>')
TREND_FLAT = 0.005
"""Changes within half a percent either way count as flat."""


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


def format_value(value: float | None, spec: str = ".0f") -> str:
    """``value`` in the format ``spec`` (``.0%``, ``.2f``), or a dash."""
    return "—" if value is None else format(value, spec)


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


@pass_context
def show_feature_value(context: Context, key: str | None, value: float | None) -> str:
    """A feature's value in its unit and the company currency."""
    return feature_value(key or "", value, currency=context.get("currency") or DEFAULT_CURRENCY)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(),
        auto_reload=False,  # templates ship with the package; no stat per render
    )
    env.filters.update(
        money=money,
        at_risk_money=at_risk_money,
        trend=trend,
        day=format_date,
        moment=format_datetime,
        change=format_change,
        number=format_number,
        fmt=format_value,
        action_label=action_label,
        field_label=field_label,
        feature_label=feature_label,
        event_label=event_label,
        feature_value=show_feature_value,
        model_label=model_label,
        method_label=method_label,
        words=in_words,
    )
    env.globals["level_labels"] = LEVEL_LABELS
    return env


environment = _environment()
"""The one environment: pages add their request-bound globals to it (``keepwell.web``)."""
