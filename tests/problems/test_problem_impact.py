"""Impact figures and recurrence after the fix, on crafted data with known answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from keepwell.db.engine import session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.problems import service as problems
from keepwell.problems.impact import problem_counts_by_account, problem_impacts
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.problems.views import account_problems, list_problems, problem_detail
from keepwell.record.models import Account, Order, Ticket

AS_OF = date(2025, 6, 30)


def _world(engine: Engine) -> dict[str, int]:
    """Three accounts (one lost, one at risk), two problems, tickets on known days."""
    with session_scope(engine) as session:
        a, b, c = (
            Account(name=n, source="crm", external_id=n, status=s)
            for n, s in (("Alpha", "active"), ("Beta", "lost"), ("Gamma", "active"))
        )
        session.add_all([a, b, c])
        session.flush()
        orders = [
            (a, date(2025, 3, 1), 1000.0, "closed"),
            (a, date(2024, 3, 1), 5000.0, "closed"),  # older than 12 months
            (b, date(2025, 1, 15), 300.0, "closed"),
            (b, date(2025, 2, 15), 99.0, "cancelled"),
            (c, date(2025, 6, 1), 50.0, "closed"),
        ]
        session.add_all(
            Order(
                account_id=acc.id,
                ordered_at=day,
                amount=amount,
                status=status,
                source="erp",
                external_id=f"O{i}",
            )
            for i, (acc, day, amount, status) in enumerate(orders)
        )
        run = ScoreRun(as_of=AS_OF, engine="duckdb", model="m", model_version="1", method="t")
        session.add(run)
        session.flush()
        session.add(AccountScore(run_id=run.id, account_id=c.id, health_band="at_risk"))
        seal = ProblemRecord(label="seal leak", status="confirmed")
        other = ProblemRecord(label="late parts", status="candidate")
        session.add_all([seal, other])
        session.flush()
        days = [
            (a, seal, datetime(2025, 4, 2)),
            (a, seal, datetime(2025, 5, 20)),
            (b, seal, datetime(2025, 5, 25)),
            (a, seal, datetime(2025, 6, 20)),  # after the fix
            (c, other, datetime(2025, 6, 10)),
            (a, seal, datetime(2025, 7, 5)),  # after AS_OF: not counted
        ]
        for i, (acc, problem, opened) in enumerate(days):
            ticket = Ticket(
                account_id=acc.id,
                source="hd",
                external_id=f"T{i}",
                subject="s",
                text="t",
                opened_at=opened,
                product_line="KP-240",
            )
            session.add(ticket)
            session.flush()
            session.add(ProblemTicket(ticket_id=ticket.id, problem_id=problem.id))
        return {"a": a.id, "b": b.id, "c": c.id, "seal": seal.id, "other": other.id}


def test_impact_counts_revenue_lost_at_risk_and_trend(engine: Engine) -> None:
    ids = _world(engine)
    with session_scope(engine) as session:
        problems.update_problem(
            session,
            ids["seal"],
            {"status": "corrected", "corrected_on": date(2025, 6, 1)},
            actor="anna",
        )
    with session_scope(engine) as session:
        impacts = problem_impacts(session, as_of=AS_OF)
    seal, other = impacts[ids["seal"]], impacts[ids["other"]]
    assert (seal.tickets, seal.accounts, seal.assets) == (4, 2, 0)
    assert seal.products == ["KP-240"]
    assert seal.revenue_12m == 1300.0  # Alpha 1000 + Beta 300; old and cancelled orders left out
    assert (seal.lost_accounts, seal.at_risk_accounts) == (1, 0)
    assert (other.accounts, other.at_risk_accounts, other.revenue_12m) == (1, 1, 50.0)
    assert seal.first_seen == date(2025, 4, 2) and seal.last_seen == date(2025, 6, 20)
    trend = dict(seal.monthly)
    assert len(trend) == 12 and list(trend)[-1] == "2025-06"
    assert (trend["2025-04"], trend["2025-05"], trend["2025-06"], trend["2025-03"]) == (1, 2, 1, 0)
    assert seal.recurred_after_fix == 1 and seal.recurred
    assert other.recurred_after_fix == 0 and not other.recurred


def test_counts_by_account_for_repeat_problems(engine: Engine) -> None:
    ids = _world(engine)
    with session_scope(engine) as session:
        assert problem_counts_by_account(session, AS_OF) == {ids["a"]: 1}
        assert problem_counts_by_account(session, AS_OF, min_tickets=1) == {
            ids["a"]: 1,
            ids["b"]: 1,
            ids["c"]: 1,
        }
        problems.dismiss(session, ids["seal"], actor="anna")
        assert problem_counts_by_account(session, AS_OF) == {}


def test_views_hide_money_unless_allowed_and_list_account_problems(engine: Engine) -> None:
    ids = _world(engine)
    with session_scope(engine) as session:
        listed = list_problems(session, as_of=AS_OF)
        assert [p["id"] for p in listed] == [ids["seal"], ids["other"]]
        assert "revenue_12m" not in listed[0]["impact"]
        detail = problem_detail(session, ids["seal"], as_of=AS_OF, money=True)
        assert detail["impact"]["revenue_12m"] == 1300.0
        assert [a["name"] for a in detail["accounts"]] == ["Alpha", "Beta"]
        assert len(detail["tickets"]) == 5  # the detail lists every ticket, also later ones
        mine = account_problems(session, ids["a"])
        assert [(p["id"], p["tickets"]) for p in mine] == [(ids["seal"], 4)]
