"""NPS/CSAT, detractor follow-up, the say–do gap, theme lift and the explorer on crafted data."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db.engine import session_scope
from keepwell.problems import TfidfSvd
from keepwell.record.models import Account, Interaction, Order, SurveyResponse
from keepwell.voice.nps import detractors, nps_by_segment, nps_trend, unheard_detractors
from keepwell.voice.saydo import say_do_gap
from keepwell.voice.service import explore_comments
from keepwell.voice.themes import find_themes

AS_OF = date(2025, 6, 30)
LATE = (
    "Lead times are never met, delivery late again.",
    "Your delivery is late again, lead times missed.",
    "Delivery late again and lead times not met.",
    "Lead times missed again, the delivery is late.",
)
PRAISE = (
    "Great service from the field technicians.",
    "The field technicians give great service.",
    "Great service, field technicians know their stuff.",
)


def _account(session: object, name: str, status: str = "active", segment: str = "OEM") -> Account:
    account = Account(name=name, source="crm", external_id=name, status=status, segment=segment)
    session.add(account)  # type: ignore[attr-defined]
    return account


def _survey(account: Account, n: int, score: float, day: datetime, comment: str | None) -> object:
    return SurveyResponse(
        account_id=account.id,
        source="s",
        external_id=f"S{n}",
        kind="nps",
        score=score,
        comment=comment,
        responded_at=day,
    )


@pytest.fixture
def crafted(engine: Engine) -> dict[str, int]:
    """Three accounts for NPS and the say–do gap, plus 20 that voice two themes."""
    with session_scope(engine) as session:
        happy_leaving = _account(session, "Happy Leaving")
        grumpy_staying = _account(session, "Grumpy Staying", segment="Utility")
        steady = _account(session, "Steady")
        session.flush()
        surveys = [
            _survey(happy_leaving, 1, 10, datetime(2025, 2, 1, 10), "Great service."),
            _survey(grumpy_staying, 2, 3, datetime(2025, 2, 3, 10), "Deliveries are late."),
            _survey(steady, 3, 5, datetime(2025, 6, 25, 10), None),  # window still open
            _survey(steady, 4, 8, datetime(2024, 11, 5, 10), "Fine."),
        ]
        session.add_all(surveys)
        session.add(
            SurveyResponse(
                account_id=steady.id,
                source="s",
                external_id="C1",
                kind="csat",
                score=5,
                responded_at=datetime(2025, 1, 9, 9),
            )
        )
        session.add(
            Interaction(
                account_id=grumpy_staying.id,
                source="crm",
                external_id="I1",
                kind="call",
                occurred_at=datetime(2025, 2, 10, 9),
                text="Called back.",
            )
        )
        orders = [(happy_leaving, 10, 1), (grumpy_staying, 5, 5), (steady, 4, 4)]
        n = 0
        for account, before, recent in orders:
            for i in range(before):
                n += 1
                session.add(
                    Order(
                        account_id=account.id,
                        source="erp",
                        external_id=f"O{n}",
                        ordered_at=AS_OF - timedelta(days=200 + i),
                        amount=10.0,
                    )
                )
            for i in range(recent):
                n += 1
                session.add(
                    Order(
                        account_id=account.id,
                        source="erp",
                        external_id=f"O{n}",
                        ordered_at=AS_OF - timedelta(days=10 + i),
                        amount=10.0,
                    )
                )
        voices = []
        for i in range(20):
            lost = i < 6  # 6 of 20 lost: base rate 0.3 (plus 3 accounts above, none lost)
            voice = _account(session, f"V{i}", status="lost" if lost else "active")
            voices.append(voice)
        session.flush()
        for i, voice in enumerate(voices):
            text = LATE[i % len(LATE)] if i < 5 or i == 10 else PRAISE[i % len(PRAISE)]
            session.add(
                _survey(
                    voice,
                    100 + i,
                    4 if text in LATE else 9,
                    datetime(2025, 3, 1, 9) + timedelta(days=i),
                    text,
                )
            )
        session.flush()
        return {"happy": happy_leaving.id, "grumpy": grumpy_staying.id, "steady": steady.id}


def test_nps_trend_segments_and_detractor_follow_up(
    engine: Engine, crafted: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        trend = {t["period"]: t for t in nps_trend(session, AS_OF)}
        assert trend["2024-Q4"]["nps"] == 0.0 and trend["2024-Q4"]["passives"] == 1
        q1 = trend["2025-Q1"]
        assert (q1["promoters"], q1["detractors"], q1["csat"]) == (15, 7, 100.0)
        assert trend["2025-Q2"]["detractors"] == 1
        segments = {s["segment"]: s for s in nps_by_segment(session, AS_OF)}
        assert segments["Utility"]["nps"] == -100.0
        found = {d.account_id: d for d in detractors(session, AS_OF)}
        assert found[crafted["grumpy"]].followed_up
        assert not found[crafted["steady"]].followed_up and not found[crafted["steady"]].due
        unheard = unheard_detractors(session, AS_OF)
        assert {d.account_id for d in unheard}.isdisjoint({crafted["grumpy"], crafted["steady"]})
        assert len(unheard) == 6  # the six "late" voices nobody called


def test_say_do_gap_both_ways(engine: Engine, crafted: dict[str, int]) -> None:
    with session_scope(engine) as session:
        gaps = {g.account_id: g for g in say_do_gap(session, AS_OF)}
    assert gaps[crafted["happy"]].gap == "says_happy_acts_leaving"
    assert (gaps[crafted["happy"]].orders_before, gaps[crafted["happy"]].orders_recent) == (10, 1)
    assert gaps[crafted["grumpy"]].gap == "complains_yet_stays"
    assert crafted["steady"] in gaps  # a detractor (5) whose orders held: complains, yet stays
    assert gaps[crafted["steady"]].gap == "complains_yet_stays"


def test_theme_lift_among_lost_accounts(engine: Engine, crafted: dict[str, int]) -> None:
    with session_scope(engine) as session:
        report = find_themes(
            session, as_of=AS_OF, sources=("survey",), representation=TfidfSvd(seed=0), min_size=4
        )
    assert report.accounts == 23 and report.lost_rate == round(6 / 23, 4)
    titles = {t.id: t.label.casefold() for t in report.themes}
    late = next(t for t in report.themes if "late" in titles[t.id] or "lead" in titles[t.id])
    praise = next(
        t for t in report.themes if {"service", "great", "field"} & set(titles[t.id].split())
    )
    assert late.accounts == 6 and late.sentiment < 0 < praise.sentiment
    assert late.churn_lift == round((5 / 6) / (6 / 23), 2)
    assert late.sentence is not None and "churn 3.2× as often" in late.sentence
    assert praise.churn_lift is not None and praise.churn_lift < 1


def test_explorer_filters_and_cli(
    engine: Engine, database_url: str, crafted: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        page = explore_comments(session, search="lead times", label="negative", limit=3)
        assert page.total == 6 and len(page.items) == 3
        assert page.items[0].at >= page.items[-1].at
        with pytest.raises(ValueError, match="source must be one of"):
            explore_comments(session, source="fax")
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "--database-url",
            database_url,
            "voice",
            "summary",
            "--json",
            "--no-themes",
            "--as-of",
            "2025-06-30",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["sentiment"]["survey"]["comments"] == 23
    assert summary["detractors"]["unheard"] == 6 and summary["detractors"]["followed_up"] == 1
    assert {g["gap"] for g in summary["say_do_gap"]} == {
        "says_happy_acts_leaving",
        "complains_yet_stays",
    }
    found = runner.invoke(
        app,
        [
            "--database-url",
            database_url,
            "voice",
            "comments",
            "--json",
            "--search",
            "technicians",
            "--sentiment",
            "positive",
        ],
    )
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["total"] == 14
