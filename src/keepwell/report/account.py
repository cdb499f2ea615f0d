"""The account review for the customer (the quarterly business review), built from the record.

Everything here is meant for the customer's eyes: installed base, uptime and downtime by
cause, delivery against promises, tickets and the 8D status of the recurring problems
that touched them, their survey answers and what was done about detractors, their plan's
progress and proposed objectives. Never risk, health, churn, scores, internal notes,
amounts or other accounts. The team's words (summary, proposed objectives) and the
approval come from :class:`~keepwell.plans.models.AccountReviewDraft`.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.models import User
from keepwell.auth.permissions import Permission
from keepwell.days import utcnow
from keepwell.plans.models import AccountReviewDraft
from keepwell.plans.service import may_edit, plan_view, plans_of
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import (
    Account,
    Asset,
    Contact,
    Interaction,
    Order,
    SurveyResponse,
    Ticket,
)
from keepwell.rendering.charts import Bar, bar_chart, line_chart, signed
from keepwell.teams.errors import Conflict, NotAllowed, NotFound, TeamsError
from keepwell.telemetry.health import AssetDowntime, downtime_between
from keepwell.voice.nps import DETRACTOR_MAX, FOLLOW_UP_DAYS, MIN_ANSWERS, csat, nps, too_few

PERIOD = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
VOICE_MONTHS = 12
MAX_SUMMARY = 4000
MAX_OBJECTIVES = 20
SHOWN_PROBLEMS = ("confirmed", "contained", "corrected", "closed")
STAGES = {
    "confirmed": "D2–D3 · problem described, being contained",
    "contained": "D3–D5 · contained, root cause and correction under way",
    "corrected": "D6–D7 · corrective action in place, prevention under way",
    "closed": "D8 · closed",
}
"""The 8D stage of a recurring problem in the customer's words."""
OBJECTIVE_STATUS = {
    "on_track": "on track",
    "at_risk": "needs attention",
    "done": "done",
    "dropped": "dropped",
}
"""Objective statuses in the customer's words (the company's risk words stay inside)."""
FOLLOW_UP_KINDS = {
    "call": "a call",
    "visit": "a visit",
    "meeting": "a meeting",
    "email": "an e-mail",
}


@dataclass(frozen=True)
class Period:
    """A calendar quarter, ``2026Q3``."""

    label: str
    start: date
    end: date

    @property
    def title(self) -> str:
        """The quarter for people: "Q3 2026 (1 Jul – 30 Sep)"."""
        return f"{self.label[4:]} {self.label[:4]}"


def parse_period(text: str) -> Period:
    """The quarter ``text`` names (``2026Q3``, ``2026-Q3``); a clear error otherwise."""
    found = PERIOD.match(text.strip())
    if not found:
        raise TeamsError(f"the period {text!r} is not a quarter like 2026Q3")
    year, quarter = int(found.group(1)), int(found.group(2))
    start = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return Period(f"{year}Q{quarter}", start, after - timedelta(days=1))


def period_of(day: date) -> Period:
    """The quarter ``day`` falls in."""
    return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")


@dataclass(frozen=True)
class Uptime:
    """Uptime of the installed base over the period, downtime split by cause."""

    assets: list[AssetDowntime]
    days: int
    fault_days: int
    customer_days: int
    chart: Markup | None

    @property
    def uptime(self) -> float | None:
        """The share (0–100) of expected asset-days without downtime."""
        if not self.days:
            return None
        return 100.0 * (self.days - self.fault_days - self.customer_days) / self.days


@dataclass(frozen=True)
class LateDelivery:
    """An order delivered after its promised day (or still open past it)."""

    ordered_at: date
    product_line: str | None
    promised_at: date
    delivered_at: date | None

    @property
    def days_late(self) -> int | None:
        """Days between the promise and the delivery (None while undelivered)."""
        return (self.delivered_at - self.promised_at).days if self.delivered_at else None


@dataclass(frozen=True)
class Delivery:
    """Deliveries promised within the period, against their promises."""

    promised: int
    on_time: int
    late: list[LateDelivery]

    @property
    def share(self) -> float | None:
        """The share (0–100) of promised deliveries kept."""
        return 100.0 * self.on_time / self.promised if self.promised else None


@dataclass(frozen=True)
class TicketLine:
    """A complaint as the customer raised it."""

    opened_at: datetime
    subject: str
    closed: bool


@dataclass(frozen=True)
class Service:
    """The tickets the customer opened in the period and how fast they were answered."""

    support: int
    complaints: list[TicketLine]
    first_response_hours: float | None
    close_hours: float | None


@dataclass(frozen=True)
class ProblemLine:
    """A recurring problem that touched the customer, with its 8D stage."""

    label: str
    stage: str
    tickets: int
    contained_on: date | None
    corrected_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class Detractor:
    """A low answer in the period and what was done about it."""

    responded_at: datetime
    contact: str | None
    kind: str
    score: float
    follow_up: str | None


@dataclass(frozen=True)
class Voice:
    """Survey answers over the year to the period's end, and the period's detractors."""

    nps: float | None
    csat: float | None
    answers: int
    detractors: list[Detractor]
    chart: Markup | None
    minimum: int = MIN_ANSWERS
    """Fewest answers behind a figure before it is judged."""

    @property
    def too_few(self) -> bool:
        """Whether the period's figures rest on too few answers to judge."""
        return too_few(self.answers)


@dataclass(frozen=True)
class ObjectiveLine:
    """A shared objective's progress."""

    text: str
    status: str
    measure: str | None
    milestones_done: int
    milestones: int
    next_due: date | None


@dataclass(frozen=True)
class PlanLine:
    """A success plan with its shared objectives."""

    title: str
    objectives: list[ObjectiveLine]


@dataclass(frozen=True)
class InstalledAsset:
    """A machine of the installed base."""

    serial: str
    model: str | None
    product_line: str | None
    installed_at: date | None


@dataclass
class AccountReview:
    """The review of one account for one period, ready to render."""

    account: str
    account_id: int
    period: Period
    summary: str
    objectives: list[str]
    status: str
    approved_at: datetime | None
    approved_by: str | None
    installed: list[InstalledAsset]
    uptime: Uptime
    delivery: Delivery
    service: Service
    problems: list[ProblemLine]
    voice: Voice
    plans: list[PlanLine] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        """Whether the account team approved the review for the customer."""
        return self.status == "approved"


def account_review(session: Session, account_id: int, period: Period) -> AccountReview:
    """The review of the account for ``period``, with the team's saved words if any."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account with id {account_id}")
    draft = get_draft(session, account_id, period.label)
    plans = plan_progress(session, account_id, period.end)
    delivery = _delivery(session, account_id, period)
    service = _service(session, account_id, period)
    uptime = _uptime(session, account_id, period)
    summary = draft.summary if draft else ""
    objectives = objective_lines(draft.objectives) if draft else _proposed(plans)
    return AccountReview(
        account=account.name,
        account_id=account.id,
        period=period,
        summary=summary or _default_summary(account.name, period, delivery, uptime, service),
        objectives=objectives,
        status=draft.status if draft else "draft",
        approved_at=draft.approved_at if draft else None,
        approved_by=draft.approved_by if draft else None,
        installed=_installed(session, account_id, period.end),
        uptime=uptime,
        delivery=delivery,
        service=service,
        problems=recurring_problems(session, account_id, period.end),
        voice=_voice(session, account_id, period),
        plans=plans,
    )


def _installed(session: Session, account_id: int, end: date) -> list[InstalledAsset]:
    rows = session.scalars(
        select(Asset)
        .where(Asset.account_id == account_id, Asset.status == "active")
        .order_by(Asset.serial)
    )
    return [
        InstalledAsset(a.serial, a.model, a.product_line, a.installed_at)
        for a in rows
        if a.installed_at is None or a.installed_at <= end
    ]


def _uptime(session: Session, account_id: int, period: Period) -> Uptime:
    assets = [a for a in downtime_between(session, account_id, period.start, period.end) if a.days]
    fault = sum(a.fault_days for a in assets)
    customer = sum(a.customer_days for a in assets)
    chart = None
    if assets:
        chart = bar_chart(
            [
                Bar("machine fault", float(fault), f"{fault} downtime days after an alarm"),
                Bar("customer-side stop", float(customer), f"{customer} days stopped on site"),
            ],
            title="Downtime days by cause",
        )
    return Uptime(assets, sum(a.days for a in assets), fault, customer, chart)


def _delivery(session: Session, account_id: int, period: Period) -> Delivery:
    orders = session.scalars(
        select(Order)
        .where(
            Order.account_id == account_id,
            Order.promised_at.is_not(None),
            Order.promised_at >= period.start,
            Order.promised_at <= period.end,
        )
        .order_by(Order.promised_at, Order.id)
    ).all()
    on_time, late = 0, []
    for order in orders:
        assert order.promised_at is not None
        kept = order.delivered_at is not None and order.delivered_at <= order.promised_at
        if kept:
            on_time += 1
        elif order.delivered_at is not None or order.promised_at < min(period.end, date.today()):
            late.append(
                LateDelivery(
                    order.ordered_at, order.product_line, order.promised_at, order.delivered_at
                )
            )
    return Delivery(len(orders), on_time, late)


def _span(period: Period) -> tuple[datetime, datetime]:
    return datetime.combine(period.start, time(0)), datetime.combine(
        period.end + timedelta(days=1), time(0)
    )


def _hours(pairs: list[tuple[datetime, datetime | None]]) -> float | None:
    spans = [(b - a).total_seconds() / 3600 for a, b in pairs if b is not None and b >= a]
    return round(statistics.median(spans), 1) if spans else None


def _service(session: Session, account_id: int, period: Period) -> Service:
    since, until = _span(period)
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.account_id == account_id, Ticket.opened_at >= since, Ticket.opened_at < until)
        .order_by(Ticket.opened_at, Ticket.id)
    ).all()
    complaints = [
        TicketLine(t.opened_at, t.subject, t.closed_at is not None)
        for t in tickets
        if t.kind == "complaint"
    ]
    return Service(
        support=len(tickets) - len(complaints),
        complaints=complaints,
        first_response_hours=_hours([(t.opened_at, t.first_response_at) for t in tickets]),
        close_hours=_hours([(t.opened_at, t.closed_at) for t in tickets]),
    )


def response_times(session: Session, account_id: int, period: Period) -> Service:
    """The tickets of ``period`` and their median first-response and close times."""
    return _service(session, account_id, period)


def recurring_problems(session: Session, account_id: int, end: date) -> list[ProblemLine]:
    until = datetime.combine(end + timedelta(days=1), time(0))
    rows = session.execute(
        select(ProblemRecord, Ticket.id)
        .join(ProblemTicket, ProblemTicket.problem_id == ProblemRecord.id)
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(
            Ticket.account_id == account_id,
            Ticket.opened_at < until,
            ProblemRecord.status.in_(SHOWN_PROBLEMS),
        )
        .order_by(ProblemRecord.id)
    ).all()
    tickets: dict[int, int] = defaultdict(int)
    problems: dict[int, ProblemRecord] = {}
    for problem, _ticket in rows:
        problems[problem.id] = problem
        tickets[problem.id] += 1
    return [
        ProblemLine(
            p.label,
            STAGES[p.status],
            tickets[p.id],
            p.contained_on,
            p.corrected_on,
            p.closed_on,
        )
        for p in problems.values()
    ]


def _months(end: date, count: int) -> list[date]:
    months = []
    year, month = end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _voice(session: Session, account_id: int, period: Period) -> Voice:
    months = _months(period.end, VOICE_MONTHS)
    _, until = _span(period)
    answers = session.scalars(
        select(SurveyResponse)
        .where(
            SurveyResponse.account_id == account_id,
            SurveyResponse.responded_at >= datetime.combine(months[0], time(0)),
            SurveyResponse.responded_at < until,
        )
        .order_by(SurveyResponse.responded_at, SurveyResponse.id)
    ).all()
    by_month: dict[date, list[float]] = defaultdict(list)
    for a in answers:
        if a.kind == "nps":
            by_month[a.responded_at.date().replace(day=1)].append(a.score)
    points = [
        _nps_point(m, value, len(by_month[m]))
        for m in months
        if (value := nps(by_month.get(m, []))) is not None
    ]
    chart = (
        line_chart(
            points,
            title="Net Promoter Score by month, −100 to +100 (answers in brackets)",
            top=100,
            low=-100,
            label=signed,
        )
        if points
        else None
    )
    start = datetime.combine(period.start, time(0))
    within = [a for a in answers if a.responded_at >= start]
    return Voice(
        nps=nps([a.score for a in within if a.kind == "nps"]),
        csat=csat([a.score for a in within if a.kind == "csat"]),
        answers=len(within),
        detractors=_detractors(session, account_id, within),
        chart=chart,
    )


def _nps_point(month: date, value: float, answers: int) -> Bar:
    """One month's NPS, saying how many answered and whether that is too few to judge."""
    counted = f"{answers} answer" + ("" if answers == 1 else "s")
    caution = ", too few to judge" if too_few(answers) else ""
    note = f"{month:%B %Y}: Net Promoter Score {signed(value)} from {counted}{caution}"
    return Bar(f"{month:%b} ({answers})", value, note)


def _low(answer: SurveyResponse) -> bool:
    if answer.kind == "nps":
        return answer.score <= DETRACTOR_MAX
    return answer.kind == "csat" and answer.score <= 2


def _detractors(
    session: Session, account_id: int, answers: list[SurveyResponse]
) -> list[Detractor]:
    low = [a for a in answers if _low(a)]
    if not low:
        return []
    first = min(a.responded_at for a in low)
    contacts = {
        c.id: c.name
        for c in session.scalars(select(Contact).where(Contact.account_id == account_id))
    }
    contacts_moments = session.execute(
        select(Interaction.kind, Interaction.occurred_at)
        .where(Interaction.account_id == account_id, Interaction.occurred_at >= first)
        .order_by(Interaction.occurred_at)
    ).all()
    found = []
    for a in low:
        limit = a.responded_at + timedelta(days=FOLLOW_UP_DAYS)
        after = next(
            (r for r in contacts_moments if a.responded_at <= r.occurred_at <= limit), None
        )
        follow_up = None
        if after is not None:
            how = FOLLOW_UP_KINDS.get(after.kind, "a conversation")
            follow_up = f"we followed up with {how} on {after.occurred_at:%d %b %Y}"
        found.append(
            Detractor(a.responded_at, contacts.get(a.contact_id or 0), a.kind, a.score, follow_up)
        )
    return found


def plan_progress(session: Session, account_id: int, end: date) -> list[PlanLine]:
    lines = []
    for plan in plans_of(session, account_id):
        view = plan_view(session, plan, day=end, shared_only=True)
        objectives = []
        for o in view.objectives:
            milestones = [m.milestone for m in o.milestones]
            open_dues = [m.due_on for m in milestones if m.done_at is None]
            objectives.append(
                ObjectiveLine(
                    o.objective.text,
                    OBJECTIVE_STATUS.get(o.objective.status, o.objective.status),
                    o.reading.text if o.reading else None,
                    sum(m.done_at is not None for m in milestones),
                    len(milestones),
                    min(open_dues) if open_dues else None,
                )
            )
        if objectives:
            lines.append(PlanLine(plan.title, objectives))
    return lines


def _proposed(plans: list[PlanLine]) -> list[str]:
    """The default proposals: the shared objectives still open, carried into the next period."""
    return [
        o.text for p in plans for o in p.objectives if o.status in ("on track", "needs attention")
    ][:MAX_OBJECTIVES]


def _default_summary(
    name: str, period: Period, delivery: Delivery, uptime: Uptime, service: Service
) -> str:
    parts = [f"This review covers {period.title} for {name}."]
    if delivery.share is not None:
        parts.append(
            f"We kept {delivery.on_time} of {delivery.promised} delivery promises "
            f"({delivery.share:.0f} %)."
        )
    if uptime.uptime is not None:
        parts.append(f"Your connected machines were up {uptime.uptime:.1f} % of the time.")
    opened = service.support + len(service.complaints)
    if opened:
        parts.append(f"You opened {opened} ticket{'s' if opened != 1 else ''} with us.")
    return " ".join(parts)


def objective_lines(text: str) -> list[str]:
    """Proposed objectives from the form's text: one a line, blanks dropped."""
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


# The team's draft


def require_reviewer(
    session: Session, user: User, permissions: frozenset[Permission], account_id: int
) -> None:
    """Refuse unless the user may edit and approve the account's review: writers on its
    current team, leaders and admins."""
    if not may_edit(session, user, permissions, account_id):
        raise NotAllowed("only the account's team, leaders and admins edit and approve its review")


def get_draft(session: Session, account_id: int, period: str) -> AccountReviewDraft | None:
    """The team's saved words for the account's review of ``period``, if any."""
    return session.scalar(
        select(AccountReviewDraft).where(
            AccountReviewDraft.account_id == account_id, AccountReviewDraft.period == period
        )
    )


def save_draft(
    session: Session,
    account_id: int,
    period: Period,
    *,
    summary: str,
    objectives: str,
    actor: str,
) -> AccountReviewDraft:
    """Save the team's summary and proposed objectives; an approved review is not changed."""
    if session.get(Account, account_id) is None:
        raise NotFound(f"no account with id {account_id}")
    text = summary.strip()
    if len(text) > MAX_SUMMARY:
        raise TeamsError(f"the summary holds at most {MAX_SUMMARY:,} characters")
    proposals = objective_lines(objectives)
    if len(proposals) > MAX_OBJECTIVES:
        raise TeamsError(f"propose at most {MAX_OBJECTIVES} objectives")
    if any(len(p) > 500 for p in proposals):
        raise TeamsError("a proposed objective holds at most 500 characters")
    now = utcnow()
    draft = get_draft(session, account_id, period.label)
    if draft is not None and draft.status == "approved":
        raise Conflict("the review is approved; it can no longer be changed")
    if draft is None:
        draft = AccountReviewDraft(
            account_id=account_id,
            period=period.label,
            status="draft",
            created_at=now,
            created_by=actor,
        )
        session.add(draft)
    draft.summary = text
    draft.objectives = "\n".join(proposals)
    draft.updated_at, draft.updated_by = now, actor
    session.flush()
    record(
        session,
        actor=actor,
        action="account_review.saved",
        entity="accounts",
        entity_id=account_id,
        changes={"period": period.label, "objectives": len(proposals)},
    )
    return draft


def approve_review(
    session: Session, account_id: int, period: Period, *, actor: str
) -> AccountReviewDraft:
    """Approve the review for the customer (saving the built summary if none was written)."""
    draft = get_draft(session, account_id, period.label)
    if draft is not None and draft.status == "approved":
        raise Conflict("the review is already approved")
    if draft is None:
        review = account_review(session, account_id, period)
        draft = save_draft(
            session,
            account_id,
            period,
            summary=review.summary,
            objectives="\n".join(review.objectives),
            actor=actor,
        )
    elif not draft.summary:
        review = account_review(session, account_id, period)
        draft.summary = review.summary
    draft.status = "approved"
    draft.approved_at, draft.approved_by = utcnow(), actor
    session.flush()
    record(
        session,
        actor=actor,
        action="account_review.approved",
        entity="accounts",
        entity_id=account_id,
        changes={"period": period.label},
    )
    return draft


def approved_reviews(session: Session, account_id: int) -> list[AccountReviewDraft]:
    """The account's approved reviews, newest period first."""
    return list(
        session.scalars(
            select(AccountReviewDraft)
            .where(
                AccountReviewDraft.account_id == account_id,
                AccountReviewDraft.status == "approved",
            )
            .order_by(AccountReviewDraft.period.desc())
        )
    )


def get_review(session: Session, review_id: int) -> AccountReviewDraft:
    """The saved review with ``review_id``; :class:`NotFound` otherwise."""
    found = session.get(AccountReviewDraft, review_id)
    if found is None:
        raise NotFound(f"no account review with id {review_id}")
    return found


def reviews_of(session: Session, account_id: int) -> list[AccountReviewDraft]:
    """The account's saved reviews (drafts and approved), newest period first."""
    if session.get(Account, account_id) is None:
        raise NotFound(f"no account with id {account_id}")
    return list(
        session.scalars(
            select(AccountReviewDraft)
            .where(AccountReviewDraft.account_id == account_id)
            .order_by(AccountReviewDraft.period.desc())
        )
    )


def start_review(
    session: Session,
    account_id: int,
    period: Period,
    *,
    actor: str,
    summary: str | None = None,
    objectives: str | None = None,
) -> AccountReviewDraft:
    """Start the draft of the account's review of ``period``: the team's words, or those
    built from the record (the summary and the open shared objectives) where none are given.
    A period that has a review already is a :class:`Conflict`."""
    review = account_review(session, account_id, period)
    if get_draft(session, account_id, period.label) is not None:
        raise Conflict(f"the review of {period.title} is started already")
    return save_draft(
        session,
        account_id,
        period,
        summary=review.summary if summary is None else summary,
        objectives="\n".join(review.objectives) if objectives is None else objectives,
        actor=actor,
    )
