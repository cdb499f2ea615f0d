"""Risk bands from backtest evidence, and the sentence when health and model disagree."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.insight.agreement import disagreement
from keepwell.insight.churn.bands import band_rates, risk_bands
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import risk_bands as risk_bands_of
from keepwell.insight.risk import risk_level
from keepwell.insight.snapshots import account_risk
from keepwell.record.models import Account


def test_bands_are_multiples_of_the_base_rate_with_their_evidence() -> None:
    # 1,000 calibrated predictions: 34 of the riskiest 100 (at 25-45 %) churned, 8 of the
    # next 200 (3-8 %), 7 of the other 700 (0-2 %); base rate 4.9 %.
    p = np.concatenate(
        [np.linspace(0.45, 0.25, 100), np.linspace(0.08, 0.03, 200), np.linspace(0.02, 0, 700)]
    )
    y = np.zeros(1000, dtype=np.int64)
    y[np.arange(0, 100, 3)] = 1
    y[np.arange(100, 300, 25)] = 1
    y[np.arange(300, 1000, 100)] = 1
    bands = risk_bands(y, p)
    base = y.mean()
    assert bands["base_rate"] == round(base, 4)
    assert bands["at_risk"] == round(3 * base, 4) and bands["watch"] == round(1.5 * base, 4)
    names = [b["band"] for b in bands["bands"]]
    assert names == ["at_risk", "watch", "low"]
    assert sum(b["examples"] for b in bands["bands"]) == 1000
    top = bands["bands"][0]
    assert top["examples"] == int(np.sum(p >= bands["at_risk"]))
    assert top["churned"] == int(y[p >= bands["at_risk"]].sum())
    assert top["examples"] == 100 and top["times_base_rate"] == round(0.34 / base, 4)
    assert bands["validated"] is True
    watch = (p >= bands["watch"]) & (p < bands["at_risk"])
    assert bands["bands"][1]["examples"] == int(watch.sum()) == 26  # of the 200 at 3-8 %


def test_bands_the_backtest_did_not_confirm_are_not_validated() -> None:
    # the riskiest predictions churned no more often than the rest
    p = np.linspace(0.5, 0.0, 1000)
    y = np.zeros(1000, dtype=np.int64)
    y[::20] = 1
    bands = risk_bands(y, p)
    assert bands["at_risk"] == 0.15 and bands["validated"] is False
    assert risk_bands_of({"risk_bands": bands}).source == "base_rate"
    assert risk_bands_of({"risk_bands": {**bands, "validated": True}}).source == "validated"


def test_a_high_base_rate_caps_the_at_risk_threshold_at_one_in_two() -> None:
    y = np.array([1, 0] * 50, dtype=np.int64)
    bands = risk_bands(y, np.full(100, 0.5))
    assert (bands["at_risk"], bands["watch"]) == (0.5, 0.5)
    assert [b["band"] for b in bands["bands"]] == ["at_risk", "watch", "low"]


def test_no_band_without_churners() -> None:
    bands = risk_bands(np.zeros(50, dtype=np.int64), np.full(50, 0.1))
    assert bands["at_risk"] is None and bands["watch"] is None and bands["validated"] is False
    assert [b["band"] for b in bands["bands"]] == ["low"]


def test_band_rates_per_health_band() -> None:
    y = np.array([1, 0, 0, 0, 1, 1], dtype=np.int64)
    rows = band_rates(y, ["at_risk", "healthy", "healthy", "watch", "at_risk", "watch"],
                      ["healthy", "watch", "at_risk"])  # fmt: skip
    assert [(r["band"], r["churned"], r["churn_rate"]) for r in rows] == [
        ("healthy", 0, 0.0),
        ("watch", 1, 0.5),
        ("at_risk", 2, 1.0),
    ]
    assert rows[2]["times_base_rate"] == 2.0


BANDS = {"at_risk": 0.2, "watch": 0.08, "base_rate": 0.05}
BREAKDOWN = [
    {"name": "Ordering rhythm", "metric": "gap_ratio", "value": 0.8, "score": 100.0, "weight": 25},
    {"name": "Customer sentiment (NPS)", "metric": "last_nps", "value": 3, "score": 0.0,
     "weight": 15},
]  # fmt: skip


def _risk(probability: float, health: float, band: str) -> dict[str, object]:
    return {
        "churn_probability": probability,
        "health_score": health,
        "health_band": band,
        "health_breakdown": BREAKDOWN,
        "reasons": ["no call, visit or e-mail for 267 days"],
    }


def test_healthy_by_the_rule_but_at_risk_by_the_model() -> None:
    sentence = disagreement(_risk(0.42, 74, "healthy"), BANDS)
    assert sentence == (
        "The health rule calls this account healthy (74, strongest on ordering rhythm "
        "(100 of 100)), but the churn model puts its risk at 42 %, in the at-risk band, "
        "mainly because no call, visit or e-mail for 267 days."
    )


def test_at_risk_by_the_rule_but_low_by_the_model() -> None:
    sentence = disagreement(_risk(0.01, 30, "at_risk"), BANDS)
    assert sentence is not None
    assert sentence.startswith(
        "The health rule calls this account at risk (30, weakest on customer sentiment (NPS) "
        "(0 of 100)), but the churn model puts its risk at only 1 %"
    )


def test_agreement_or_nearby_readings_or_no_bands_give_no_sentence() -> None:
    assert disagreement(_risk(0.42, 30, "at_risk"), BANDS) is None
    assert disagreement(_risk(0.02, 80, "healthy"), BANDS) is None
    assert disagreement(_risk(0.1, 74, "healthy"), BANDS) is None, "watch is not at risk"
    assert disagreement(_risk(0.1, 30, "at_risk"), BANDS) is None, "watch is not low"
    assert disagreement(_risk(0.42, 74, "healthy"), None) is None
    assert disagreement(_risk(0.42, 74, "healthy"), {"at_risk": None}) is None


def test_the_account_page_sentence_uses_the_bands_its_badge_uses(engine: Engine) -> None:
    """A run whose backtest validated an at-risk threshold (5 %) but no watch band falls
    back to multiples of the base rate for every label; the sentence must not call a 6 %
    account "in the at-risk band" beside a "Low risk" badge."""
    metrics = {"risk_bands": {"at_risk": 0.0514, "watch": None, "base_rate": 0.0451}}
    with session_scope(engine) as session:
        account = Account(name="Ludwig Bio", source="crm", external_id="L", status="active")
        run = ScoreRun(
            as_of=date(2026, 12, 7),
            engine="duckdb",
            model="blend",
            model_version="1",
            method="time-backtest",
            metrics=metrics,
        )
        session.add_all([account, run])
        session.flush()
        session.add(
            AccountScore(
                run_id=run.id,
                account_id=account.id,
                health_band="healthy",
                health_score=80.0,
                health_breakdown=BREAKDOWN,
                churn_probability=0.06,
                reasons=[{"sentence": "2 complaints in the last 12 months"}],
            )
        )
        session.flush()
        risk = account_risk(session, account.id)
    assert risk is not None and risk["level"] == risk_level(0.06, metrics) == "low"
    assert risk["risk_bands"]["at_risk"] == risk_bands_of(metrics).at_risk > 0.06
    assert disagreement(risk, risk["risk_bands"]) is None


def test_the_meaning_of_at_risk_reads_what_the_test_measured() -> None:
    y = np.zeros(1000, dtype=np.int64)
    y[:40] = 1  # the riskiest 40 all left: a base rate of 4 %
    p = np.concatenate([np.full(40, 0.5), np.full(960, 0.02)])
    measured = risk_bands_of({"risk_bands": risk_bands(y, p)})
    assert measured.measured == 25.0
    assert measured.meaning == (
        '"At risk" means a risk of leaving of 12% or more: in the model\'s test on past '
        "customers, those at this risk or more left 25 times as often as the usual 4%"
    )
    stored = risk_bands_of({"risk_bands": {"at_risk": 0.12, "watch": 0.06, "base_rate": 0.04}})
    assert stored.measured is None and "left at least 3 times as often" in stored.meaning
    unconfirmed = risk_bands_of({"risk_bands": {**risk_bands(y, p), "validated": False}})
    assert unconfirmed.meaning == (
        '"At risk" means a risk of leaving of 12% or more, 3 times the usual rate of 4%'
    )
    assert risk_bands_of(None).meaning == '"At risk" means a risk of leaving of 15% or more'
