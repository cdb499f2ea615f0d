"""The weekly retention review, assembled from sections.

Each section is a loader ``(session, today, money) -> dict | None`` registered with
:data:`report_sections`; features add their own (recurring problems, playbooks and
tasks, ...) without touching this module. A loader returning ``None`` leaves its section
out (nothing to report). ``money=False`` loaders must leave amounts out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.insight.history import RunPoint, latest_movers, outcomes, run_history
from keepwell.insight.risk import accuracy_story, risk_bands
from keepwell.insight.snapshots import ACCURACY_KEYS, latest_run
from keepwell.insight.wording import change_texts
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import Account
from keepwell.record.service import current_assignment
from keepwell.rendering.charts import Bar, line_chart
from keepwell.rendering.links import account_url, portfolio_url
from keepwell.settings import get_settings
from keepwell.teams.departure import departed_holdings

Loader = Callable[[Session, date, bool], dict[str, Any] | None]
WEEK = timedelta(days=7)
DEPARTURE_WINDOW = timedelta(days=30)
OWNER_ROLE = "account_owner"


@dataclass(frozen=True)
class ReportSection:
    """One section of the review: its template (under ``report/``) and its data."""

    key: str
    title: str
    template: str
    data: dict[str, Any]


@dataclass(frozen=True)
class WeeklyReview:
    """The review of the week ending ``today``."""

    today: date
    money: bool
    sections: list[ReportSection]
    base_url: str = ""
    """Prefix of the review's links: empty on the app's page, the public address elsewhere."""
    admin: bool = False
    """Whether the reader administers Keepwell (and so reads the model's measures)."""

    def portfolio(self, **params: str | bool | None) -> str:
        """A link to the portfolio's accounts behind a figure."""
        return portfolio_url(self.base_url, **params)

    def account(self, account_id: int) -> str:
        """A link to an account's page."""
        return account_url(account_id, self.base_url)

    def link(self, path: str) -> str:
        """A link to another page of the app."""
        return f"{self.base_url.rstrip('/')}{path}"

    @property
    def week_start(self) -> date:
        """The first day of the week under review."""
        return self.today - WEEK + timedelta(days=1)

    def section(self, key: str) -> ReportSection | None:
        """The section ``key``, if it had something to report."""
        return next((s for s in self.sections if s.key == key), None)


@dataclass
class SectionRegistry:
    """The review's sections in ``order``."""

    _entries: dict[str, tuple[int, str, str, Loader]] = field(default_factory=dict)

    def register(
        self, key: str, title: str, template: str, *, order: int = 100
    ) -> Callable[[Loader], Loader]:
        """Decorator: add the decorated loader as section ``key``."""

        def add(load: Loader) -> Loader:
            if key in self._entries:
                raise ValueError(f"the weekly review already has a section {key!r}")
            self._entries[key] = (order, title, template, load)
            return load

        return add

    def build(self, session: Session, today: date, money: bool) -> list[ReportSection]:
        """Every section with something to report."""
        found = []
        for key, (_, title, template, load) in sorted(
            self._entries.items(), key=lambda item: (item[1][0], item[0])
        ):
            data = load(session, today, money)
            if data is not None:
                found.append(ReportSection(key, title, template, data))
        return found


report_sections = SectionRegistry()


def weekly_review(
    session: Session,
    today: date | None = None,
    *,
    money: bool,
    base_url: str = "",
    admin: bool = False,
) -> WeeklyReview:
    """The review for the week ending ``today`` (default: today), its links under ``base_url``."""
    day = today or date.today()
    sections = report_sections.build(session, day, money)
    return WeeklyReview(day, money, sections, base_url, admin)


@report_sections.register(
    "portfolio", "Portfolio health and revenue at risk", "portfolio.html", order=10
)
def _portfolio(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    history = run_history(session)
    if not history:
        return {"history": [], "latest": None, "previous": None}
    latest = history[-1]
    run = latest_run(session)
    return {
        "history": history,
        "latest": latest,
        "bands": risk_bands(run.metrics if run is not None else None),
        "previous": history[-2] if len(history) > 1 else None,
        "chart": _trend_chart(history, money),
    }


def currency_code() -> str:
    """The company currency amounts are shown in."""
    return get_settings().currency


def _trend_chart(history: list[RunPoint], money: bool) -> Markup | None:
    """The portfolio page's trend: one point per scoring run, labelled by its day."""
    if len(history) < 2:
        return None
    if money:
        currency = currency_code()
        points = [
            Bar(
                p.as_of.isoformat(),
                p.revenue_at_risk,
                f"{p.as_of}: revenue at risk {p.revenue_at_risk:,.0f} {currency}",
            )
            for p in history
        ]
        return line_chart(points, title=f"Revenue at risk per scoring run ({currency})")
    points = [
        Bar(p.as_of.isoformat(), float(p.at_risk), f"{p.as_of}: {p.at_risk} accounts at risk")
        for p in history
    ]
    return line_chart(points, title="Accounts at risk per scoring run")


@report_sections.register("movers", "Biggest movers and why", "movers.html", order=20)
def _movers(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    return {
        "movers": [
            {
                "account_id": m.account_id,
                "name": m.name,
                "before": m.change.before,
                "after": m.change.after,
                "changes": change_texts(m.change.changes, money, currency_code()),
                "reasons": list(m.reasons),
            }
            for m in latest_movers(session)
        ]
    }


class HeldAccount(NamedTuple):
    """An active account a departed person held."""

    id: int
    name: str


@report_sections.register("coverage", "Coverage gaps and departures", "coverage.html", order=60)
def _coverage(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    since = today - DEPARTURE_WINDOW
    held: dict[int, list[HeldAccount]] = defaultdict(list)
    for holding in departed_holdings(session, today):
        held[holding.employee_id].append(HeldAccount(holding.account_id, holding.account))
    left = session.scalars(
        select(Employee)
        .where(Employee.left_at.is_not(None), Employee.left_at > since, Employee.left_at <= today)
        .order_by(Employee.left_at.desc())
    ).all()
    owned = (
        select(AccountTeamMember.account_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(RetentionRole.key == OWNER_ROLE, current_assignment(today))
    )
    ownerless = session.execute(
        select(Account.id, Account.name)
        .where(Account.status == "active", Account.id.not_in(owned))
        .order_by(Account.name)
    ).all()
    return {
        "since": since,
        "departures": [(e, sorted(held.get(e.id, []), key=lambda a: a.name)) for e in left],
        "ownerless": ownerless,
    }


@report_sections.register("accuracy", "Model accuracy versus outcomes", "accuracy.html", order=90)
def _accuracy(session: Session, today: date, money: bool) -> dict[str, Any] | None:
    run = latest_run(session)
    if run is None:
        return None
    backtest = {key: run.metrics.get(key) for key in ACCURACY_KEYS}
    story = accuracy_story(run.metrics)
    return {
        "run": run,
        "backtest": backtest,
        "story": story,
        "outcomes": outcomes(session, today),
    }
