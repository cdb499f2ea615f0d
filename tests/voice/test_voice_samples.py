"""NPS/CSAT figures say how many answered; thin periods are too few to judge; staff notes
are not the customer's voice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from keepwell.db.engine import session_scope
from keepwell.record.models import Account, Interaction, SurveyResponse
from keepwell.voice.comments import load_comments
from keepwell.voice.nps import MIN_ANSWERS, nps_by_segment, nps_trend
from keepwell.web.pages.voice import nps_chart

AS_OF = date(2025, 6, 30)


def _answers(account: Account, start: datetime, scores: list[float], prefix: str) -> list[object]:
    return [
        SurveyResponse(
            account_id=account.id,
            source="s",
            external_id=f"{prefix}{i}",
            kind="nps",
            score=score,
            responded_at=start + timedelta(days=i),
        )
        for i, score in enumerate(scores)
    ]


def test_thin_quarters_and_segments_are_marked_too_few_to_judge(engine: Engine) -> None:
    with session_scope(engine) as session:
        big = Account(name="Big", source="crm", external_id="big", segment="OEM")
        small = Account(name="Small", source="crm", external_id="small", segment="Utility")
        session.add_all([big, small])
        session.flush()
        session.add_all(_answers(big, datetime(2025, 1, 5, 9), [9] * 8 + [3] * 4, "A"))
        session.add_all(_answers(small, datetime(2025, 4, 5, 9), [2, 3], "B"))
        session.flush()
        trend = {t["period"]: t for t in nps_trend(session, AS_OF)}
        assert trend["2025-Q1"]["nps_answers"] == 12 and not trend["2025-Q1"]["nps_too_few"]
        assert trend["2025-Q2"]["nps_answers"] == 2 and trend["2025-Q2"]["nps_too_few"]
        assert trend["2025-Q2"]["nps"] == -100.0  # still computed, but marked
        segments = {s["segment"]: s for s in nps_by_segment(session, AS_OF)}
        assert segments["Utility"]["nps_too_few"] and not segments["OEM"]["nps_too_few"]
        assert segments["OEM"]["csat_too_few"]  # no CSAT answers at all
        chart = str(nps_chart(list(trend.values())))
    assert "Q1 (12)" in chart and "Q2 (2)" in chart, "each quarter says how many answered"
    assert f"only 2 answers, too few to judge (fewer than {MIN_ANSWERS})" in chart
    assert chart.count("chart-bar") == 1  # the thin quarter draws no −100 bar


def test_staff_notes_are_not_the_customers_voice(engine: Engine) -> None:
    with session_scope(engine) as session:
        account = Account(name="Gone", source="crm", external_id="gone", status="lost")
        session.add(account)
        session.flush()
        for n, (kind, text) in enumerate(
            [
                ("note", "Customer lost: quality issues not resolved in time."),
                ("call", "Customer says the seals keep leaking on the KP-240."),
            ]
        ):
            session.add(
                Interaction(
                    account_id=account.id,
                    source="crm",
                    external_id=f"I{n}",
                    kind=kind,
                    subject="Account lost" if kind == "note" else "Call",
                    occurred_at=datetime(2025, 5, 1 + n, 9),
                    text=text,
                )
            )
        session.flush()
        texts = [c.text for c in load_comments(session, sources=("interaction",), as_of=AS_OF)]
    assert len(texts) == 1 and "seals keep leaking" in texts[0]
