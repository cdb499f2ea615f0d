"""The RFQ hand-off: required reviews before a quote goes out, the response-time SLA,
and the promises a quote makes (lead time, specification) checked against delivery.

A quote goes out (``send_quote``) only when every required review approved it, so the
people who deliver after the sale shape what is sold. Lead-time promises are checked
against the orders placed on the quote; the specification is checked by a person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.models import User
from keepwell.days import utcnow
from keepwell.people.models import Department, Employee
from keepwell.record.models import Account, Order, Quote
from keepwell.teams.errors import Conflict, NotAllowed, NotFound, TeamsError
from keepwell.teams.models import PromiseCheck, QuoteReview

REVIEWS = {
    "engineering": "Engineering feasibility",
    "operations": "Operations capacity",
    "quality": "Quality requirements",
}
"""The reviews every RFQ needs before its quote goes out."""
REVIEWERS = {"engineering": "Engineering", "operations": "Operations", "quality": "Quality"}
"""The department whose people record each review (admins may record any)."""
DECISIONS = ("approved", "changes_needed", "declined")
RESPONSE_SLA_DAYS = 5
"""Days from receiving an RFQ to sending the quote."""


def get_quote(session: Session, quote_id: int) -> Quote:
    """The quote with ``quote_id``."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"no RFQ with id {quote_id}")
    return quote


def reviews_of(session: Session, quote_id: int) -> dict[str, QuoteReview]:
    """The latest review of each kind."""
    rows = session.scalars(select(QuoteReview).where(QuoteReview.quote_id == quote_id))
    return {row.kind: row for row in rows}


def reviewer_names(session: Session, reviews: dict[str, QuoteReview]) -> dict[str, str]:
    """Who recorded each review: the employee's name, else the user's, by review kind."""
    employees = {r.reviewer_employee_id for r in reviews.values()} - {None}
    users = {r.reviewer_user_id for r in reviews.values()} - {None}
    employee_names = dict(
        session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(employees))).all()
    )
    user_names = dict(session.execute(select(User.id, User.name).where(User.id.in_(users))).all())
    names = {}
    for kind, review in reviews.items():
        employee = employee_names.get(review.reviewer_employee_id or 0)
        name = employee or user_names.get(review.reviewer_user_id or 0)
        if name:
            names[kind] = name
    return names


def missing_reviews(session: Session, quote_id: int) -> list[str]:
    """Required reviews not (yet) approved, in the order of ``REVIEWS``."""
    done = reviews_of(session, quote_id)
    return [k for k in REVIEWS if k not in done or done[k].decision != "approved"]


def department_of(session: Session, employee_id: int | None) -> str | None:
    """The name of the employee's department, or None."""
    if employee_id is None:
        return None
    return session.scalar(
        select(Department.name)
        .join(Employee, Employee.department_id == Department.id)
        .where(Employee.id == employee_id)
    )


def reviews_allowed(department: str | None, *, is_admin: bool) -> list[str]:
    """The reviews a person of ``department`` may record: their department's, or all."""
    if is_admin:
        return list(REVIEWS)
    mine = (department or "").casefold()
    return [kind for kind, owner in REVIEWERS.items() if owner.casefold() == mine]


def review_quote(
    session: Session,
    quote_id: int,
    *,
    kind: str,
    decision: str,
    note: str,
    user_id: int | None,
    employee_id: int | None,
    actor: str,
    is_admin: bool = False,
) -> QuoteReview:
    """Record (or replace) one required review of an RFQ that has not been answered.

    Only someone of the reviewing department (``REVIEWERS``), or an admin, records it.
    """
    quote = get_quote(session, quote_id)
    if kind not in REVIEWS:
        raise TeamsError(f"the review is one of: {', '.join(REVIEWS)}")
    department = department_of(session, employee_id)
    if kind not in reviews_allowed(department, is_admin=is_admin):
        who = f"you are in {department}" if department else "you are not linked to an employee"
        raise NotAllowed(
            f"the {REVIEWS[kind]} review is recorded by someone in {REVIEWERS[kind]} "
            f"(or an admin); {who}"
        )
    if decision not in DECISIONS:
        raise TeamsError(f"the decision is one of: {', '.join(DECISIONS)}")
    if decision != "approved" and not note.strip():
        raise TeamsError("say what has to change (a note is required unless approving)")
    if quote.responded_at is not None:
        raise Conflict("this quote has already gone out; reviews are closed")
    row = reviews_of(session, quote_id).get(kind) or QuoteReview(quote_id=quote_id, kind=kind)
    row.decision, row.note = decision, note.strip()
    row.reviewer_user_id, row.reviewer_employee_id = user_id, employee_id
    row.reviewed_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="rfq.review",
        entity="quote",
        entity_id=quote_id,
        changes={"kind": kind, "decision": decision},
    )
    return row


def send_quote(
    session: Session,
    quote_id: int,
    *,
    lead_time_days: int,
    specification: str,
    day: date | None = None,
    actor: str,
) -> Quote:
    """Answer the RFQ with its promises, once every required review has approved it."""
    quote = get_quote(session, quote_id)
    if quote.responded_at is not None:
        raise Conflict(f"this quote went out on {quote.responded_at.isoformat()}")
    missing = missing_reviews(session, quote_id)
    if missing:
        raise Conflict(
            "the quote cannot go out before these reviews approve it: "
            + ", ".join(REVIEWS[k] for k in missing)
        )
    if not 1 <= lead_time_days <= 730:
        raise TeamsError("the promised lead time is 1 to 730 days")
    if not specification.strip():
        raise TeamsError("write down the specification promised to the customer")
    sent = day or date.today()
    if sent < quote.received_at:
        raise TeamsError("a quote cannot go out before its RFQ arrived")
    quote.responded_at = sent
    quote.promised_lead_time_days = lead_time_days
    quote.specification = specification.strip()
    session.flush()
    record(
        session,
        actor=actor,
        action="rfq.send",
        entity="quote",
        entity_id=quote_id,
        changes={"lead_time_days": lead_time_days, "responded_at": sent.isoformat()},
    )
    return quote


def sla_state(quote: Quote, day: date, sla_days: int = RESPONSE_SLA_DAYS) -> tuple[str, int]:
    """``(state, days)``: on_time/late with the turnaround, or open/overdue with days left/over."""
    if quote.responded_at is not None:
        took = (quote.responded_at - quote.received_at).days
        return ("on_time" if took <= sla_days else "late"), took
    waited = (day - quote.received_at).days
    if quote.outcome != "open":
        return "closed", waited
    return ("open", sla_days - waited) if waited <= sla_days else ("overdue", waited - sla_days)


def sla_breaches(
    session: Session, day: date | None = None, sla_days: int = RESPONSE_SLA_DAYS
) -> list[Quote]:
    """Open RFQs past the response-time SLA, oldest first (a playbook signal)."""
    today = day or date.today()
    query = select(Quote).where(Quote.responded_at.is_(None), Quote.outcome == "open")
    quotes = session.scalars(query.order_by(Quote.received_at, Quote.id))
    return [q for q in quotes if sla_state(q, today, sla_days)[0] == "overdue"]


@dataclass(frozen=True)
class PromiseResult:
    """One quote's promises against what was delivered on it."""

    quote_id: int
    account_id: int
    account: str
    promised_lead_time_days: int | None
    specification: str | None
    orders: int
    delivered: int
    worst_lead_time_days: int | None
    lead_time_kept: bool | None
    spec_met: bool | None

    @property
    def broken(self) -> bool:
        """True when a delivery came later than promised or missed the specification."""
        return self.lead_time_kept is False or self.spec_met is False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**asdict(self), "broken": self.broken}


def check_specification(
    session: Session, quote_id: int, *, spec_met: bool, note: str, actor: str
) -> PromiseCheck:
    """Record whether what was delivered met the specification the quote promised."""
    quote = get_quote(session, quote_id)
    if quote.outcome != "won":
        raise Conflict("only a won quote has deliveries to check")
    if not spec_met and not note.strip():
        raise TeamsError("say what differed from the promised specification")
    row = session.scalar(select(PromiseCheck).where(PromiseCheck.quote_id == quote_id))
    row = row or PromiseCheck(quote_id=quote_id)
    row.spec_met, row.note, row.checked_by = spec_met, note.strip(), actor
    row.checked_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="rfq.spec_check",
        entity="quote",
        entity_id=quote_id,
        changes={"spec_met": spec_met},
    )
    return row


def promise_results(
    session: Session, quote_ids: list[int] | None = None, *, account_id: int | None = None
) -> list[PromiseResult]:
    """Won quotes with their lead-time and specification promises checked against delivery."""
    query = (
        select(Quote, Account.name)
        .join(Account, Account.id == Quote.account_id)
        .where(Quote.outcome == "won")
    )
    if quote_ids is not None:
        query = query.where(Quote.id.in_(quote_ids))
    if account_id is not None:
        query = query.where(Quote.account_id == account_id)
    found = [(q, name) for q, name in session.execute(query).all()]
    ids = [q.id for q, _ in found]
    orders: dict[int, list[Order]] = {}
    for order in session.scalars(select(Order).where(Order.quote_id.in_(ids))):
        assert order.quote_id is not None
        orders.setdefault(order.quote_id, []).append(order)
    checks = {
        c.quote_id: c.spec_met
        for c in session.scalars(select(PromiseCheck).where(PromiseCheck.quote_id.in_(ids)))
    }
    return [_result(q, name, orders.get(q.id, []), checks.get(q.id)) for q, name in found]


def _result(quote: Quote, account: str, orders: list[Order], spec: bool | None) -> PromiseResult:
    delivered = [o for o in orders if o.delivered_at is not None]
    times = [(o.delivered_at - o.ordered_at).days for o in delivered if o.delivered_at]
    worst = max(times) if times else None
    promised = quote.promised_lead_time_days
    late_vs_date = any(
        o.promised_at and o.delivered_at and o.delivered_at > o.promised_at for o in delivered
    )
    if promised is not None and worst is not None:
        kept: bool | None = worst <= promised and not late_vs_date
    else:
        kept = (not late_vs_date) if delivered and any(o.promised_at for o in delivered) else None
    return PromiseResult(
        quote.id,
        quote.account_id,
        account,
        promised,
        quote.specification,
        len(orders),
        len(delivered),
        worst,
        kept,
        spec,
    )


def broken_promises(session: Session, account_id: int | None = None) -> list[PromiseResult]:
    """Won quotes whose delivery broke the promised lead time or specification (a signal)."""
    return [r for r in promise_results(session, account_id=account_id) if r.broken]
