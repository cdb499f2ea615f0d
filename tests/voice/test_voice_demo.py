"""On the demo company: sentiment agrees with the survey scores, unheard detractors are found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.conftest import DEMO_AS_OF, DemoCompany
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import make_engine
from keepwell.demo import load_ground_truth
from keepwell.record.models import SurveyResponse
from keepwell.voice.nps import detractors
from keepwell.voice.sentiment import sentiment

pytestmark = pytest.mark.slow

AS_OF = DEMO_AS_OF


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_company: DemoCompany) -> Path:
    """The demo company (300 accounts): the module's copy of its SQLite file, and ``files``."""
    base = tmp_path_factory.mktemp("voice-demo")
    demo_company.copy(base).dispose()
    (base / "files").symlink_to(demo_company.files)
    return base


def _engine(demo: Path) -> Engine:
    return make_engine(f"sqlite:///{demo / 'demo.sqlite3'}")


def test_sentiment_agrees_with_survey_scores(demo: Path) -> None:
    """Labels: NPS 9-10 and CSAT 4-5 positive, NPS 0-6 and CSAT 1-3 negative."""
    engine = _engine(demo)
    with Session(engine) as session:
        rows = session.execute(
            select(SurveyResponse.kind, SurveyResponse.score, SurveyResponse.comment).where(
                SurveyResponse.comment.is_not(None)
            )
        ).all()
    engine.dispose()
    labelled = [
        (("positive" if score >= 9 else "negative"), text)
        for kind, score, text in rows
        if kind == "nps" and (score >= 9 or score <= 6)
    ] + [
        (("positive" if score >= 4 else "negative"), text)
        for kind, score, text in rows
        if kind == "csat"
    ]
    assert len(labelled) > 300
    right = sum(sentiment(text).label == truth for truth, text in labelled)
    assert right / len(labelled) > 0.9, right / len(labelled)


def test_unheard_detractors_match_the_planted_ones(demo: Path) -> None:
    truth = load_ground_truth(demo / "files")
    planted = {s for a in truth.churned + truth.at_risk for s in a.unanswered_detractors}
    engine = _engine(demo)
    with Session(engine) as session:
        ids = dict(session.execute(select(SurveyResponse.id, SurveyResponse.external_id)).all())
        unheard = {ids[d.survey_id] for d in detractors(session, AS_OF, days=None) if d.unheard}
    engine.dispose()
    assert len(planted) > 20
    assert len(planted & unheard) >= 0.7 * len(planted)


def test_voice_summary_cli_on_the_demo(demo: Path) -> None:
    url = f"sqlite:///{demo / 'demo.sqlite3'}"
    result = CliRunner().invoke(
        app,
        [
            "--database-url",
            url,
            "voice",
            "summary",
            "--json",
            "--no-themes",
            "--as-of",
            AS_OF.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["sentiment"]["ticket"]["negative"] > summary["sentiment"]["ticket"]["positive"]
    assert summary["detractors"]["unheard"] > 0
    assert any(g["gap"] == "says_happy_acts_leaving" for g in summary["say_do_gap"])
