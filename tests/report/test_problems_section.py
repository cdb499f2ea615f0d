"""The weekly review's recurring-problems section on crafted problems."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.problems.crafted import add_problem
from tests.problems.records import add_accounts

from keepwell.db import session_scope
from keepwell.record.models import Order
from keepwell.report import weekly_review
from keepwell.report.render import render_document

TODAY = date(2025, 6, 30)


def _day(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 0)


def _craft(engine: Engine) -> dict[str, int]:
    a, b, c = add_accounts(engine, 3)
    with session_scope(engine) as session:
        session.add(
            Order(
                account_id=a,
                ordered_at=date(2025, 6, 1),
                amount=1000.0,
                source="erp",
                external_id="O1",
            )
        )
        session.add(
            Order(
                account_id=b,
                ordered_at=date(2025, 3, 1),
                amount=250.0,
                source="erp",
                external_id="O2",
            )
        )
    return {
        "new": add_problem(engine, "Display flickers", [(a, _day(6, 27)), (b, _day(6, 29))]),
        "growing": add_problem(
            engine,
            "Valve sticks",
            [(c, _day(1, 10)), (c, _day(5, 10)), (a, _day(6, 5)), (c, _day(6, 10))],
        ),
        "steady": add_problem(
            engine,
            "Paint chips",
            [(a, _day(5, 5)), (a, _day(5, 6)), (a, _day(6, 5)), (a, _day(6, 6))],
        ),
        "back": add_problem(
            engine,
            "Seal leaks",
            [(b, _day(3, 1)), (b, _day(4, 15))],
            status="corrected",
            corrected_on=date(2025, 4, 1),
        ),
        "dismissed": add_problem(engine, "Noise", [(a, _day(6, 28))], status="dismissed"),
        "later": add_problem(engine, "Future", [(a, _day(7, 5))]),
    }


def test_new_growing_and_recurred_problems(engine: Engine) -> None:
    ids = _craft(engine)
    with Session(engine) as session:
        review = weekly_review(session, TODAY, money=True)
        hidden = weekly_review(session, TODAY, money=False)
    assert [s.key for s in review.sections][:3] == ["portfolio", "movers", "problems"]
    section = review.section("problems")
    assert section is not None
    (new,) = section.data["new"]
    assert (new.id, new.tickets, new.accounts, new.revenue_12m) == (ids["new"], 2, 2, 1250.0)
    assert new.first_seen == date(2025, 6, 27)
    (growing,) = section.data["worsening"]
    assert (growing.id, growing.last_30d, growing.previous_30d) == (ids["growing"], 2, 1)
    assert (growing.tickets, growing.accounts, growing.revenue_12m) == (4, 2, 1000.0)
    (back,) = section.data["recurred"]
    assert (back.id, back.after_fix, back.accounts, back.revenue_12m) == (ids["back"], 1, 1, 250.0)
    quiet = hidden.section("problems")
    assert quiet is not None and quiet.data["new"][0].revenue_12m is None
    html = render_document(review)
    assert "New and worsening recurring problems" in html and "Display flickers" in html
    assert "Revenue of accounts" in html and "Paint chips" not in html and "Noise" not in html
    plain = render_document(hidden)
    assert "Valve sticks" in plain and "Revenue of accounts" not in plain
    assert "<script" not in plain and "style=" not in plain.split("</style>")[-1]


def test_section_left_out_without_problems_to_report(engine: Engine) -> None:
    (a,) = add_accounts(engine, 1)
    add_problem(engine, "Old issue", [(a, _day(1, 5)), (a, _day(1, 6))])
    with Session(engine) as session:
        assert weekly_review(session, TODAY, money=True).section("problems") is None
