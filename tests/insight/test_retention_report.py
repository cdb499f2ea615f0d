"""The retention report on a crafted record: delayed-entry survival, GRR/NRR, revenue at risk.

As of 2025-03-01; the record (first order) begins 2022-01-01. Segment S: A started
2020-01-01 (enters at 24 months) and left 2023-01-01; B started 2022-01-01 and left
2022-07-02; C started 2022-01-01 and stays. D left in 2021, before the record, and is
left out. Segment T: E started 2023-01-01 and stays.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.retention import kaplan_meier
from keepwell.insight.retention_report import DAYS_PER_MONTH, retention_report
from keepwell.record.models import Account, Order

AS_OF = date(2025, 3, 1)
ACCOUNTS = {
    "A": ("S", date(2020, 1, 1), date(2023, 1, 1)),
    "B": ("S", date(2022, 1, 1), date(2022, 7, 2)),
    "C": ("S", date(2022, 1, 1), None),
    "D": ("S", date(2019, 1, 1), date(2021, 6, 1)),
    "E": ("T", date(2023, 1, 1), None),
}
ORDERS = [
    ("A", date(2022, 1, 1), 100.0),
    ("B", date(2022, 2, 1), 50.0),
    ("C", date(2022, 5, 1), 200.0),
    ("C", date(2023, 3, 1), 300.0),
    ("E", date(2023, 4, 1), 80.0),
    ("C", date(2024, 6, 1), 150.0),
    ("E", date(2024, 7, 1), 120.0),
    ("E", date(2025, 1, 15), 999.0),  # the running year: left out
    ("C", date(2023, 6, 1), 5000.0, "cancelled"),
]


def months(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def seed(engine: Engine, first_order: date = date(2022, 1, 1)) -> dict[str, int]:
    with Session(engine) as session:
        ids = {}
        for name, (segment, started, ended) in ACCOUNTS.items():
            account = Account(
                name=name,
                segment=segment,
                started_on=started,
                ended_on=ended,
                status="lost" if ended else "active",
                source="test",
                external_id=name,
            )
            session.add(account)
            session.flush()
            ids[name] = account.id
        for n, (name, day, amount, *status) in enumerate(ORDERS):
            day = first_order if n == 0 else day
            session.add(
                Order(
                    account_id=ids[name],
                    ordered_at=day,
                    amount=amount,
                    status=status[0] if status else "paid",
                    source="test",
                    external_id=f"O{n}",
                )
            )
        session.commit()
    return ids


def test_delayed_entry_keeps_old_customers_out_of_early_risk_sets() -> None:
    curve = kaplan_meier([36.0, 6.0, 38.0], [1, 1, 0], entry=[24.0, 0.0, 0.0])
    assert curve.at_risk == (2, 2)  # A is not at risk at 6 months: it entered at 24
    assert curve.survival == pytest.approx((0.5, 0.25))
    assert kaplan_meier([36.0, 6.0, 38.0], [1, 1, 0]).survival[0] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="entry times"):
        kaplan_meier([5.0], [1], entry=[6.0])


def test_report_survival_revenue_retention_and_risk(engine: Engine) -> None:
    ids = seed(engine)
    with Session(engine) as session:
        report = retention_report(session, group_by="segment", period="year", as_of=AS_OF)
    s, t = report.curves
    assert (s.group, s.customers, s.churned, t.group, t.customers, t.churned) == (
        "S",
        3,
        2,
        "T",
        1,
        0,
    )
    b_left = months(date(2022, 1, 1), date(2022, 7, 2))
    a_left = months(date(2020, 1, 1), date(2023, 1, 1))
    assert [p[0] for p in s.points] == pytest.approx(
        [0.0, round(b_left, 2), round(a_left, 2), round(months(date(2022, 1, 1), AS_OF), 2)]
    )
    assert [p[1] for p in s.points] == [1.0, 0.5, 0.25, 0.25]
    assert s.survival == {"12m": 0.5, "36m": 0.5, "60m": None, "120m": None}
    assert t.survival == {"12m": 1.0, "36m": None, "60m": None, "120m": None}
    assert s.median_months == round(b_left, 1)

    first, second = report.revenue
    assert (first.period, first.starting_revenue, first.revenue) == ("2023", 350.0, 300.0)
    assert (first.gross, first.net) == pytest.approx((200 / 350, 300 / 350))
    assert (second.period, second.starting_revenue, second.revenue) == ("2024", 380.0, 270.0)
    assert (second.gross, second.net) == pytest.approx((230 / 380, 270 / 380))
    assert report.risk_run_id is None and report.risk == []

    with Session(engine) as session:
        run = ScoreRun(
            as_of=AS_OF, engine="duckdb", model="lightgbm", model_version="t", method="cv"
        )
        session.add(run)
        session.flush()
        for name, revenue, p in (("C", 150.0, 0.2), ("E", 120.0, 0.5)):
            session.add(
                AccountScore(
                    run_id=run.id,
                    account_id=ids[name],
                    churn_probability=p,
                    health_band="watch",
                    annual_revenue=revenue,
                    revenue_at_risk=revenue * p,
                )
            )
        session.commit()
        scored = retention_report(session, as_of=AS_OF)
    assert scored.risk_run_id == run.id
    assert [(r.segment, r.accounts, r.revenue_at_risk) for r in scored.risk] == [
        ("T", 1, 60.0),
        ("S", 1, 30.0),
    ]
    assert scored.revenue_at_risk == 90.0
    hidden = scored.as_dict(money=False)
    assert hidden["revenue_at_risk"] is None
    assert "starting_revenue" not in hidden["revenue_retention"][0]
    assert hidden["risk_by_segment"] == [
        {"segment": "T", "accounts": 1},
        {"segment": "S", "accounts": 1},
    ]


def test_partial_first_period_and_cohorts(engine: Engine) -> None:
    seed(engine, first_order=date(2022, 1, 20))  # the record starts mid-year: 2022 is partial
    with Session(engine) as session:
        report = retention_report(session, group_by="cohort", period="year", as_of=AS_OF)
    assert [r.period for r in report.revenue] == ["2024"]
    assert [(c.group, c.customers) for c in report.curves] == [
        ("2020", 1),
        ("2022", 2),
        ("2023", 1),
    ]
    old = report.curves[0]
    assert old.observed_from == round(months(date(2020, 1, 1), date(2022, 1, 20)), 1)
    assert old.survival["12m"] is None  # nobody of 2020 was observed at 12 months


def test_cli_prints_the_report_as_json(database_url: str) -> None:
    from keepwell.db import make_engine

    engine = make_engine(database_url)
    seed(engine)
    engine.dispose()
    result = CliRunner().invoke(
        app,
        [
            "--database-url",
            database_url,
            "retention",
            "--by",
            "segment",
            "--as-of",
            "2025-03-01",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["group"] for c in data["curves"]] == ["S", "T"]
    assert [r["period"] for r in data["revenue_retention"]] == ["2023", "2024"]
    assert data["risk_run_id"] is None
    table = CliRunner().invoke(app, ["--database-url", database_url, "retention"])
    assert table.exit_code == 0 and "Revenue retention per year" in table.stdout
