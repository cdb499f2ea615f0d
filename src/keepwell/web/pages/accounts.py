"""The account 360 in tabs: overview, timeline (note form on top), team and contacts,
equipment, service and voice; each tab is its own URL (``?tab=timeline``).

Panels registered by features (``account_panels``) show in the tab ``PANEL_TABS`` names
(a panel not named there shows in the overview); only the shown tab's panels are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from keepwell.editing.notes import InteractionCreate, InteractionError, create_interaction
from keepwell.insight.agreement import disagreement
from keepwell.insight.overview import account_history
from keepwell.insight.snapshots import account_risk
from keepwell.record.models import Account
from keepwell.record.schemas import Account360, TimelineEvent
from keepwell.record.service import account_360
from keepwell.record.timeline import TIMELINE_FAMILIES, account_timeline
from keepwell.record.vocabulary import INTERACTION_KINDS
from keepwell.rendering.charts import Bar, bar_chart
from keepwell.teams.comments import notify_note_mentions
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.panels import account_panels
from keepwell.web.params import IdPath
from keepwell.web.redaction import visible_events
from keepwell.web.scores import account_chart, account_risk_view
from keepwell.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
NOTE_ADDED = "Note added to the timeline."
TIMELINE_PAGE = 25
TABS = (
    ("overview", "Overview"),
    ("timeline", "Timeline"),
    ("team", "Team and contacts"),
    ("equipment", "Equipment"),
    ("service", "Service"),
    ("voice", "Voice"),
)
TAB_KEYS = frozenset(key for key, _ in TABS)
PANEL_TABS = {
    "tasks": "overview",
    "read": "overview",
    "comments": "timeline",
    "coverage": "team",
    "equipment": "equipment",
    "problems": "service",
    "know-how": "service",
}
"""The tab of each registered panel; any other panel shows in the overview."""
Kinds = Annotated[list[str], Query(max_length=len(TIMELINE_FAMILIES))]
Page = Annotated[int, Query(ge=1, le=10_000)]


@dataclass(frozen=True)
class TimelinePage:
    """One page of an account's timeline under a kinds filter."""

    account_id: int
    events: list[TimelineEvent]
    kinds: list[str]
    page: int
    has_more: bool

    def url(self, page: int) -> str:
        """The link to another page with the same filter."""
        query = "&".join(f"kinds={k}" for k in self.kinds)
        query += f"&page={page}" if query else f"page={page}"
        return f"/accounts/{self.account_id}?tab=timeline&{query}#timeline"


@router.get("/accounts/{account_id}")
def account_page(
    request: Request,
    account_id: IdPath,
    who: CurrentUser,
    db: SessionDep,
    kinds: Kinds = [],  # noqa: B006 - FastAPI copies defaults per request
    page: Page = 1,
    tab: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """One tab of the account (the overview by default; a timeline filter or page opens
    the timeline); htmx asking for ``#timeline`` gets just the timeline."""
    if is_htmx(request) and request.headers.get("hx-target") == "timeline":
        if db.get(Account, account_id) is None:
            raise HTTPException(404, f"There is no account with id {account_id}.")
        timeline = _timeline(db, account_id, kinds, page, who)
        return render(request, "_timeline.html", {"timeline": timeline})
    shown = tab or ("timeline" if kinds or page > 1 else "overview")
    if shown not in TAB_KEYS:
        raise HTTPException(
            404, f"An account has no tab {tab!r}; choose one of: {', '.join(TAB_KEYS)}."
        )
    view = _view(db, account_id)
    return render(request, "account.html", _context(db, view, who, shown, kinds, page))


@router.post("/accounts/{account_id}/notes")
def add_note(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    text: Annotated[str, Form(max_length=20_000)] = "",
    subject: Annotated[str, Form(max_length=512)] = "",
    kind: Annotated[str, Form(max_length=16)] = "note",
    contacts_met: Annotated[list[int], Form(max_length=50)] = [],  # noqa: B006 - copied
) -> Response:
    """Add a note (or a logged call, visit, ...) to the account from the page; a visit or
    call names the contacts met, who then count toward relationship coverage."""
    view = _view(db, account_id)
    error = _note_error(text, kind)
    if error is None:
        data = InteractionCreate.model_validate(
            {
                "account_id": account_id,
                "kind": kind,
                "subject": subject,
                "text": text,
                "contacts_met": contacts_met,
            }
        )
        try:
            create_interaction(db, data, writer=who.writer(db))
        except InteractionError as exc:
            error = str(exc)
    if error is None:
        notify_note_mentions(
            db, account_id=account_id, text=text, author=who.user.name, author_user_id=who.user.id
        )
        db.commit()
        if not is_htmx(request):
            return feedback.redirect(request, f"/accounts/{account_id}?tab=timeline", NOTE_ADDED)
    note = {"error": error, "text": text, "subject": subject, "kind": kind} if error else {}
    context = {**_context(db, view, who, "timeline", [], 1), "note": note}
    if is_htmx(request):
        context["note_saved"] = NOTE_ADDED if error is None else None
        return render(request, "_activity.html", context)
    return render(request, "account.html", context, status=422 if error else 200)


def _view(db: SessionDep, account_id: int) -> Account360:
    return account_360(db, account_id, timeline=0)


def _timeline(
    db: SessionDep, account_id: int, kinds: list[str], page: int, who: Principal
) -> TimelinePage:
    wanted = [k for k in dict.fromkeys(kinds) if k in TIMELINE_FAMILIES]
    limit = page * TIMELINE_PAGE
    events = account_timeline(db, account_id, kinds=set(wanted) or None, limit=limit + 1)
    shown = visible_events(events[limit - TIMELINE_PAGE : limit], who.sees_money)
    return TimelinePage(account_id, shown, wanted, page, len(events) > limit)


def _note_error(text: str, kind: str) -> str | None:
    if not text.strip():
        return "Write something in the note."
    if kind not in INTERACTION_KINDS:
        return f"Choose one of: {', '.join(INTERACTION_KINDS)}."
    return None


def _context(
    db: SessionDep, view: Account360, who: Principal, tab: str, kinds: list[str], page: int
) -> dict[str, Any]:
    def in_tab(key: str) -> bool:
        return PANEL_TABS.get(key, "overview") == tab

    context: dict[str, Any] = {
        "tab": tab,
        "tabs": TABS,
        "panels": account_panels.panels(db, who, view, only=in_tab),
        "view": view,
        "account": view.account,
        "families": TIMELINE_FAMILIES,
        "interaction_kinds": INTERACTION_KINDS,
        "note": {},
        "note_saved": None,
    }
    if tab == "overview":
        history = account_history(db, view.account.id)
        risk = account_risk(db, view.account.id)
        context |= {
            "risk": account_risk_view(risk, who.sees_money),
            "disagreement": disagreement(risk, risk["risk_bands"]) if risk else None,
            "risk_chart": account_chart(history) if len(history) > 1 else None,
            "chart": _orders_chart(view, who.sees_money),
        }
    if tab == "timeline":
        context["timeline"] = _timeline(db, view.account.id, kinds, page, who)
    return context


def _orders_chart(view: Account360, sees_money: bool) -> Markup:
    bars = []
    for quarter in view.orders.quarters:
        orders = f"{quarter.orders} order{'s' if quarter.orders != 1 else ''}"
        if sees_money:
            bars.append(
                Bar(
                    quarter.quarter,
                    quarter.revenue,
                    f"{quarter.quarter}: {orders}, revenue {quarter.revenue:,.2f}",
                )
            )
        else:
            bars.append(Bar(quarter.quarter, quarter.orders, f"{quarter.quarter}: {orders}"))
    title = "Revenue per quarter" if sees_money else "Orders per quarter"
    return bar_chart(bars, title=title)
