"""The pages' templates: the shared environment with the request, the navigation and the one
``render`` every page uses (filters shared with the reports: ``keepwell.rendering``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import Response

from keepwell.auth.permissions import Permission
from keepwell.rendering.templating import environment
from keepwell.web import feedback
from keepwell.web.state import web_state

templates = Jinja2Templates(env=environment)


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
