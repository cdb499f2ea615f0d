"""The RFQ hand-off: the review gate, the response-time SLA and promises against delivery."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.teams.world import DAY, build

from keepwell.db import session_scope
from keepwell.people.models import Department, Employee
from keepwell.record.models import Order, Quote
from keepwell.teams.errors import Conflict, NotAllowed, TeamsError
from keepwell.teams.rfq import (
    broken_promises,
    check_specification,
    missing_reviews,
    promise_results,
    review_quote,
    reviewer_names,
    reviews_of,
    send_quote,
    sla_breaches,
    sla_state,
)
from keepwell.teams.rfq_report import rfq_list, rfq_metrics


def quote(session: Session, account_id: int, received: date, **values: object) -> Quote:
    row = Quote(
        account_id=account_id,
        received_at=received,
        source="test",
        external_id=f"q-{received}-{values.get('outcome', 'open')}",
        **values,
    )
    session.add(row)
    session.flush()
    return row


def review(session: Session, quote_id: int, kind: str, decision: str, note: str = "") -> None:
    review_quote(
        session,
        quote_id,
        kind=kind,
        decision=decision,
        note=note,
        user_id=None,
        employee_id=None,
        actor="test",
        is_admin=True,
    )


def test_a_quote_goes_out_only_after_every_review_approved(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        rfq = quote(session, ids["acme"], DAY - timedelta(days=2))
        assert sla_state(rfq, DAY) == ("open", 3)
        send = {"lead_time_days": 30, "specification": "316L, 40 bar", "day": DAY, "actor": "t"}
        with pytest.raises(Conflict, match="Engineering feasibility, Operations capacity, Quality"):
            send_quote(session, rfq.id, **send)
        review(session, rfq.id, "engineering", "approved")
        review(session, rfq.id, "operations", "approved")
        with pytest.raises(TeamsError, match="say what has to change"):
            review(session, rfq.id, "quality", "changes_needed")
        review(session, rfq.id, "quality", "changes_needed", "needs a PPAP level 3")
        with pytest.raises(Conflict, match=r"approve it: Quality requirements$"):
            send_quote(session, rfq.id, **send)
        assert missing_reviews(session, rfq.id) == ["quality"]
        with pytest.raises(TeamsError, match="one of: engineering"):
            review(session, rfq.id, "sales", "approved")
        review(session, rfq.id, "quality", "approved", "PPAP agreed")
        with pytest.raises(TeamsError, match="lead time is 1 to 730"):
            send_quote(session, rfq.id, **{**send, "lead_time_days": 0})
        sent = send_quote(session, rfq.id, **send)
        assert (sent.responded_at, sent.promised_lead_time_days) == (DAY, 30)
        assert sla_state(sent, DAY) == ("on_time", 2)
        with pytest.raises(Conflict, match="reviews are closed"):
            review(session, rfq.id, "quality", "declined", "too late")
        with pytest.raises(Conflict, match="went out on"):
            send_quote(session, rfq.id, **send)


def test_overdue_rfqs_are_sla_breaches(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        late = quote(session, ids["beta"], DAY - timedelta(days=9))
        quote(session, ids["acme"], DAY - timedelta(days=1))
        quote(session, ids["gamma"], DAY - timedelta(days=30), outcome="no_bid")
    with Session(engine) as session:
        assert [q.id for q in sla_breaches(session, DAY)] == [late.id]
        listed = rfq_list(session, as_of=DAY)
    assert [(r.account, r.sla, r.sla_days) for r in listed] == [
        ("Acme", "open", 4),
        ("Beta", "overdue", 4),
    ]
    assert listed[0].missing == ["engineering", "operations", "quality"]


def test_promises_are_checked_against_delivery(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        kept = quote(
            session,
            ids["acme"],
            DAY - timedelta(days=100),
            outcome="won",
            responded_at=DAY - timedelta(days=97),
            promised_lead_time_days=30,
        )
        broken = quote(
            session,
            ids["beta"],
            DAY - timedelta(days=90),
            outcome="won",
            responded_at=DAY - timedelta(days=80),
            promised_lead_time_days=20,
        )
        quote(
            session,
            ids["gamma"],
            DAY - timedelta(days=70),
            outcome="lost",
            responded_at=DAY - timedelta(days=66),
        )
        for n, (q, ordered, took) in enumerate(
            ((kept, 90, 28), (broken, 70, 35), (broken, 50, 10))
        ):
            session.add(
                Order(
                    account_id=q.account_id,
                    quote_id=q.id,
                    amount=100.0,
                    status="paid",
                    ordered_at=DAY - timedelta(days=ordered),
                    delivered_at=DAY - timedelta(days=ordered - took),
                    source="test",
                    external_id=f"po-{n}",
                )
            )
        session.flush()
        with pytest.raises(TeamsError, match="say what differed"):
            check_specification(session, kept.id, spec_met=False, note="", actor="t")
        check_specification(session, kept.id, spec_met=False, note="wrong flange", actor="t")
    with Session(engine) as session:
        results = {r.account: r for r in promise_results(session)}
        assert [r.account for r in broken_promises(session, ids["beta"])] == ["Beta"]
        metrics = rfq_metrics(session, DAY)
    acme, beta = results["Acme"], results["Beta"]
    assert (acme.lead_time_kept, acme.spec_met, acme.broken) == (True, False, True)
    assert (beta.worst_lead_time_days, beta.lead_time_kept, beta.broken) == (35, False, True)
    assert (beta.orders, beta.delivered) == (2, 2)
    assert metrics["rfqs"] == 3 and metrics["answered"] == 3
    assert metrics["median_turnaround_days"] == 4 and metrics["within_sla"] == 2
    assert (metrics["won"], metrics["decided"], metrics["win_rate"]) == (2, 3, 0.667)
    assert (metrics["promises_checked"], metrics["broken_promises"]) == (2, 2)


def test_a_review_is_recorded_by_its_department(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        rfq = quote(session, ids["acme"], DAY - timedelta(days=2))
        engineering = Department(name="Engineering")
        session.add(engineering)
        session.flush()
        eva = Employee(
            name="Eva Engineer",
            email="eva@maker.test",
            department_id=engineering.id,
            source="hr",
            external_id="eva",
        )
        session.add(eva)
        session.flush()
        given = {"decision": "approved", "note": "", "user_id": None, "actor": "t"}
        with pytest.raises(
            NotAllowed, match=r"someone in Engineering \(or an admin\); you are in Sales"
        ):
            review_quote(session, rfq.id, kind="engineering", employee_id=ids["ann"], **given)
        with pytest.raises(NotAllowed, match="you are not linked to an employee"):
            review_quote(session, rfq.id, kind="engineering", employee_id=None, **given)
        with pytest.raises(NotAllowed, match="someone in Quality"):
            review_quote(session, rfq.id, kind="quality", employee_id=eva.id, **given)
        review_quote(session, rfq.id, kind="engineering", employee_id=eva.id, **given)
        assert reviewer_names(session, reviews_of(session, rfq.id)) == {
            "engineering": "Eva Engineer"
        }
