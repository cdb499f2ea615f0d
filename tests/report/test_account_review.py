"""The account review for the customer on a crafted record: sections, numbers, PDF (rendered
to pixels), nothing internal, the draft and its approval, and the CLI.

Delta Forge runs one KP-240 pump through 2026Q3: three days down after an alarm on 10 Aug
(two attributed to the fault, one a stop on their side) and two more stops on 1–2 Sep.
Four deliveries were promised, one came five days late. A complaint belongs to a
recurring problem that is contained. A detractor on 20 Aug was called two days later.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.plans.models import PlanMilestone, PlanObjective, SuccessPlan
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
from keepwell.report.account import (
    account_review,
    approve_review,
    parse_period,
    save_draft,
)
from keepwell.report.render import render_account_body, render_account_pdf
from keepwell.teams.errors import Conflict, TeamsError
from keepwell.telemetry.models import TelemetryDaily

Q3 = parse_period("2026Q3")
ACCENT = (0x1F, 0x6F, 0x8B)
"""The fill of chart bars and lines (``--accent``)."""
SECRETS = ("INTERNAL-PLAN-NOTE", "SECRET-OBJECTIVE", "INTERNAL-CALL-NOTE", "INTERNAL-ROOT")
HIDDEN_WORDS = ("risk", "health", "churn", "score", "987", "12,345", "12345", "Other Co")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "account-review"
PNG_SCALE = 1.5
FOOTER = 0.94
"""The share of the page's height above the page number."""
MARGIN = 0.1
"""The side bands left out when measuring (the cards' borders run down them)."""
WHITE = 240
HEADINGS = (
    "Summary",
    "Installed base",
    "Uptime and downtime",
    "On-time delivery",
    "Tickets and complaints",
    "Recurring problems that touched you",
    "Your feedback",
    "Progress on your objectives",
    "Proposed objectives for the next period",
)


def seed(engine: Engine) -> int:
    with Session(engine) as s:
        delta = Account(name="Delta Forge", contract_value=987654.32, source="t", external_id="D-1")
        other = Account(name="Other Co", source="t", external_id="O-1")
        s.add_all([delta, other])
        s.flush()
        petra = Contact(account_id=delta.id, name="Petra Plant", source="t", external_id="P")
        pump = Asset(
            account_id=delta.id,
            serial="SN-100",
            model="KP-240",
            product_line="pumps",
            installed_at=date(2025, 1, 10),
            source="t",
            external_id="SN-100",
        )
        s.add_all([petra, pump])
        s.flush()
        stopped = {date(2026, 8, 10), date(2026, 8, 11), date(2026, 8, 12)}
        stopped |= {date(2026, 9, 1), date(2026, 9, 2)}
        day = date(2026, 6, 25)
        while day <= Q3.end:
            if day not in stopped:
                s.add(TelemetryDaily(asset_id=pump.id, day=day, metric="run_hours", total=8.0))
            day += timedelta(days=1)
        s.add(TelemetryDaily(asset_id=pump.id, day=date(2026, 8, 10), metric="", alarms=1))
        for n, late in enumerate((0, 0, 0, 5)):
            promised = date(2026, 7, 10) + timedelta(days=20 * n)
            s.add(
                Order(
                    account_id=delta.id,
                    ordered_at=promised - timedelta(days=30),
                    amount=12345.67,
                    product_line="pumps",
                    promised_at=promised,
                    delivered_at=promised + timedelta(days=late),
                    source="t",
                    external_id=f"O{n}",
                )
            )
        s.add(
            Order(
                account_id=other.id,
                ordered_at=date(2026, 7, 1),
                amount=5.0,
                promised_at=date(2026, 7, 5),
                delivered_at=date(2026, 7, 30),
                source="t",
                external_id="X",
            )
        )
        opened = datetime(2026, 7, 5, 8)
        s.add(
            Ticket(
                account_id=delta.id,
                subject="Manual request",
                opened_at=opened,
                first_response_at=opened + timedelta(hours=2),
                closed_at=opened + timedelta(hours=24),
                source="t",
                external_id="T1",
            )
        )
        complaint = Ticket(
            account_id=delta.id,
            kind="complaint",
            subject="Seal leaking on KP-240",
            opened_at=datetime(2026, 8, 10, 9),
            first_response_at=datetime(2026, 8, 10, 13),
            closed_at=datetime(2026, 8, 12, 9),
            source="t",
            external_id="T2",
        )
        problem = ProblemRecord(
            label="Seal leak on KP-240 pumps",
            status="contained",
            root_cause="INTERNAL-ROOT-CAUSE",
            contained_on=date(2026, 8, 20),
        )
        s.add_all([complaint, problem])
        s.flush()
        s.add(ProblemTicket(ticket_id=complaint.id, problem_id=problem.id))
        for when, kind, score, contact in (
            (datetime(2026, 4, 15), "nps", 8.0, None),
            (datetime(2026, 7, 15), "nps", 9.0, None),
            (datetime(2026, 8, 20), "nps", 4.0, petra.id),
            (datetime(2026, 9, 10), "nps", 10.0, None),
            (datetime(2026, 9, 1), "csat", 5.0, None),
        ):
            s.add(
                SurveyResponse(
                    account_id=delta.id,
                    contact_id=contact,
                    kind=kind,
                    score=score,
                    responded_at=when,
                    source="t",
                    external_id=f"S{when:%m%d}",
                )
            )
        s.add(
            Interaction(
                account_id=delta.id,
                kind="call",
                occurred_at=datetime(2026, 8, 22, 10),
                text="INTERNAL-CALL-NOTE",
                source="t",
                external_id="I1",
            )
        )
        plan = SuccessPlan(
            account_id=delta.id,
            title="Plan 2026",
            internal_note="INTERNAL-PLAN-NOTE",
            review_on=date(2026, 12, 1),
            created_at=datetime(2026, 6, 1),
            created_by="t",
        )
        s.add(plan)
        s.flush()
        shared = PlanObjective(
            plan_id=plan.id,
            text="Cut unplanned downtime on line 3 by 20 %",
            status="at_risk",
            measure="on_time_delivery",
            target=95.0,
            internal_note="INTERNAL-PLAN-NOTE",
        )
        hidden = PlanObjective(plan_id=plan.id, text="SECRET-OBJECTIVE", shared=False)
        s.add_all([shared, hidden])
        s.flush()
        s.add(
            PlanMilestone(
                objective_id=shared.id, title="Spare seals on site", due_on=date(2026, 10, 15)
            )
        )
        s.commit()
        return delta.id


def test_the_review_reads_the_record(engine: Engine) -> None:
    account_id = seed(engine)
    with Session(engine) as session:
        review = account_review(session, account_id, Q3)
    assert (review.period.start, review.period.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert [a.serial for a in review.installed] == ["SN-100"]
    up = review.uptime
    assert (up.days, up.fault_days, up.customer_days) == (92, 2, 3)
    assert up.uptime == pytest.approx(100 * 87 / 92)
    assert (review.delivery.promised, review.delivery.on_time) == (4, 3)
    assert [o.days_late for o in review.delivery.late] == [5]
    assert review.service.support == 1 and len(review.service.complaints) == 1
    assert review.service.first_response_hours == 3.0  # median of 2 h and 4 h
    assert review.service.close_hours == 36.0
    (problem,) = review.problems
    assert problem.label == "Seal leak on KP-240 pumps" and problem.stage.startswith("D3")
    assert review.voice.nps == pytest.approx(100 * (2 - 1) / 3, abs=0.1)
    assert review.voice.csat == 100.0
    (low,) = review.voice.detractors
    assert low.contact == "Petra Plant" and low.follow_up is not None and "a call" in low.follow_up
    (plan,) = review.plans
    assert [o.text for o in plan.objectives] == ["Cut unplanned downtime on line 3 by 20 %"]
    assert plan.objectives[0].status == "needs attention"
    assert review.objectives == ["Cut unplanned downtime on line 3 by 20 %"]
    assert "3 of 4 delivery promises" in review.summary and not review.approved


def test_the_pdf_has_every_section_and_its_charts(engine: Engine) -> None:
    account_id = seed(engine)
    with Session(engine) as session:
        review = account_review(session, account_id, Q3)
    pdf = render_account_pdf(review)
    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    flat = " ".join(text.split())
    for heading in HEADINGS:
        assert heading in flat, heading
    assert "Account review: Delta Forge" in flat and "Draft, not yet approved" in flat
    assert "Seal leak on KP-240 pumps" in flat and "we followed up with a call" in flat
    accent = 0
    for page in document:
        pixels = np.asarray(page.render(scale=1.5).to_pil().convert("RGB")).reshape(-1, 3)
        accent += int(np.all(np.abs(pixels.astype(int) - ACCENT) <= 12, axis=1).sum())
    assert accent > 500, "the downtime bars and the NPS line are drawn"
    html = render_account_body(review)
    assert html.count('<svg class="chart') == 2


def test_the_feedback_chart_is_signed_and_says_how_many_answered(engine: Engine) -> None:
    """A month with one detractor reads −100 on a −100…+100 scale, with its one answer
    and "too few to judge" beside it, never an unlabelled 0…100 line."""
    account_id = seed(engine)
    with Session(engine) as session:
        review = account_review(session, account_id, Q3)
    chart = str(review.voice.chart)
    assert "Aug (1)" in chart and "Jul (1)" in chart, "each month names its answers"
    assert "August 2026: Net Promoter Score −100 from 1 answer, too few to judge" in chart
    assert "July 2026: Net Promoter Score +100 from 1 answer" in chart
    assert ">−100<" in chart and ">+100<" in chart, "the scale is labelled at both ends"
    html = render_account_body(review)
    assert "too few to judge" in html and "how likely to recommend us 4 of 10" in html
    assert ">nps" not in html.lower().replace("net promoter", "")


def page_fill(png: Path) -> float:
    """How far down the page the content reaches (0–1): the first to the last row with a
    non-white pixel between the side margins, above the page-number footer."""
    pixels = np.asarray(Image.open(png).convert("L"))
    height, width = pixels.shape
    body = pixels[: int(height * FOOTER), int(width * MARGIN) : int(width * (1 - MARGIN))]
    rows = np.nonzero((body < WHITE).any(axis=1))[0]
    return 0.0 if rows.size == 0 else float(rows[-1] - rows[0] + 1) / body.shape[0]


def test_the_pdf_as_png_pages_shows_every_section_and_fills_its_pages(engine: Engine) -> None:
    """Each page rendered to a PNG (kept in test-artifacts/account-review/ to look at): the
    sections' headings in order, both charts drawn, and no page but the last under a third
    full (a section pushed to the next page would leave a hole)."""
    account_id = seed(engine)
    with Session(engine) as session:
        save_draft(
            session,
            account_id,
            Q3,
            summary="Thank you for a busy quarter on line 3.",
            objectives="Commission four KP-240 pumps\nKeep 95 % of promises",
            actor="ida",
        )
        review = account_review(session, account_id, Q3)
    document = pdfium.PdfDocument(render_account_pdf(review))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages, text = [], []
    for number, page in enumerate(document, start=1):
        png = ARTIFACTS / f"page-{number}.png"
        page.render(scale=PNG_SCALE).to_pil().save(png, format="PNG")
        assert png.read_bytes().startswith(b"\x89PNG")
        pages.append(png)
        text.append(" ".join(page.get_textpage().get_text_range().split()))
    flat = " ".join(text)
    found = [flat.find(heading) for heading in HEADINGS]
    assert -1 not in found, dict(zip(HEADINGS, found, strict=True))
    assert found == sorted(found), "the sections come in their order"
    assert "Commission four KP-240 pumps" in flat and "Thank you for a busy quarter" in flat
    assert "machine fault" in flat and "customer-side stop" in flat, "the bar chart's labels"
    accent = [
        int(
            np.all(
                np.abs(np.asarray(Image.open(png).convert("RGB")).astype(int) - ACCENT) <= 12,
                axis=2,
            ).sum()
        )
        for png in pages
    ]
    assert sum(accent) > 500 * PNG_SCALE, "the downtime bars and the NPS line are drawn"
    fills = [page_fill(png) for png in pages]
    assert len(pages) >= 2
    for number, fill in enumerate(fills[:-1], start=1):
        assert fill >= 1 / 3, f"page {number} of {len(pages)} is only {fill:.0%} full: {fills}"
    assert 0 < fills[-1] <= 1


def test_nothing_internal_reaches_the_customer(engine: Engine) -> None:
    account_id = seed(engine)
    with Session(engine) as session:
        review = account_review(session, account_id, Q3)
    html = str(render_account_body(review))
    pdf_text = " ".join(
        page.get_textpage().get_text_range()
        for page in pdfium.PdfDocument(render_account_pdf(review))
    )
    for shown in (html, pdf_text):
        for secret in SECRETS:
            assert secret not in shown, secret
        # The customer's own recommendation figure is theirs to see; no other score is.
        lowered = " ".join(shown.split()).lower().replace("net promoter score", "")
        for word in HIDDEN_WORDS:
            assert word.lower() not in lowered, word
    assert "href=" not in html, "no link into the application"


def test_the_draft_is_edited_then_approved_and_frozen(engine: Engine) -> None:
    account_id = seed(engine)
    with Session(engine) as session:
        save_draft(
            session,
            account_id,
            Q3,
            summary="A good quarter.\nThank you.",
            objectives="- Commission four KP-240 pumps\n\n• Keep 95 % on time",
            actor="ida",
        )
        session.commit()
        review = account_review(session, account_id, Q3)
        assert review.summary == "A good quarter.\nThank you."
        assert review.objectives == ["Commission four KP-240 pumps", "Keep 95 % on time"]
        with pytest.raises(TeamsError, match="at most 20"):
            save_draft(session, account_id, Q3, summary="", objectives="x\n" * 21, actor="ida")
        approve_review(session, account_id, Q3, actor="leo")
        session.commit()
        approved = account_review(session, account_id, Q3)
        assert approved.approved and approved.approved_by == "leo"
        with pytest.raises(Conflict):
            save_draft(session, account_id, Q3, summary="changed", objectives="", actor="ida")
        with pytest.raises(Conflict):
            approve_review(session, account_id, Q3, actor="leo")
    assert "Draft" not in str(render_account_body(approved))


def test_periods_are_quarters() -> None:
    assert parse_period("2026-q4").end == date(2026, 12, 31)
    assert parse_period("2026Q1").start == date(2026, 1, 1)
    for bad in ("2026Q5", "2026", "Q3", "2026-07"):
        with pytest.raises(TeamsError, match="not a quarter"):
            parse_period(bad)


def test_cli_writes_the_review(database_url: str, tmp_path: Path) -> None:
    from keepwell.db import make_engine

    engine = make_engine(database_url)
    seed(engine)
    engine.dispose()
    runner = CliRunner()
    base = ["--database-url", database_url, "report", "account"]
    for fmt, who in (("html", "Delta Forge"), ("pdf", "D-1")):
        out = tmp_path / f"review.{fmt}"
        result = runner.invoke(
            app, [*base, who, "--period", "2026Q3", "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert "draft, not yet approved" in result.output
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Uptime and downtime" in html
    bad = runner.invoke(app, [*base, "Delta Forge", "--period", "2026Q9"])
    assert bad.exit_code == 2 and "not a quarter like 2026Q3" in " ".join(bad.output.split())
    unknown = runner.invoke(app, [*base, "Nobody", "--period", "2026Q3"])
    assert unknown.exit_code == 2 and "no account matches" in unknown.output
