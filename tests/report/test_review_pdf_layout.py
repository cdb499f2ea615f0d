"""The weekly review PDF reads as a report: sections flow across pages, no half-empty page.

The review is the demo company's in size (every section, a trend chart, a score of movers,
recurring problems, playbook activity, departures and unowned accounts), built from the
sections' own data types so the layout is tested without building the demo. Each page is
rendered to PNG (pypdfium2) and its non-white pixel rows counted.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pypdfium2 as pdfium
import pytest

from keepwell.insight.history import RunPoint
from keepwell.insight.risk import AccuracyStory, RiskBands
from keepwell.report.render import render_pdf
from keepwell.report.weekly import (
    HeldAccount,
    ReportSection,
    WeeklyReview,
    _trend_chart,
)

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "test-artifacts" / "review-pdf"
TODAY = date(2025, 6, 30)
SCALE = 1.0
"""PDF points to pixels: an A4 page is 595 × 842 px."""
INK = 245
"""A pixel darker than this (of 255) is ink."""
MARGIN_ROWS = 14 / 297
"""The bottom page margin (14 mm of 297) holds the page number; it is not content."""


def demo_sized_review() -> WeeklyReview:
    """A review with the demo company's sections and amounts of content."""
    history = [
        RunPoint(
            run,
            TODAY - timedelta(days=28 * (2 - run)),
            300,
            0.12 + 0.01 * run,
            30 + run,
            410_000.0 + 9_000 * run,
            0.78,
        )
        for run in range(3)
    ]
    movers = [
        {
            "account_id": n,
            "name": f"Customer {n:03d} District Heating",
            "before": 0.08,
            "after": 0.25 + n / 100,
            "changes": [
                "Orders in the last 90 days divided by orders in the same 90 days a year "
                "earlier: 1.00 times → 0.00 times",
                "Days since the last order before the cutoff: 63 days → 92 days",
                "Tickets of any kind opened in the last 365 days: 2 → 3",
            ],
            "reasons": [
                "no order for 2.5× its usual interval (223 days; usually every 89)",
                "no order in the last 6 months, though it used to order regularly",
                "3 machine alarms in the last 90 days",
            ],
        }
        for n in range(5)
    ]
    problem = SimpleNamespace(
        id=7,
        label="Seal leaks on the KP-240",
        tickets=12,
        accounts=5,
        revenue_12m=81_000.0,
        first_seen=TODAY - timedelta(days=3),
        last_30d=9,
        previous_30d=3,
        corrected_on=TODAY - timedelta(days=60),
        after_fix=4,
    )
    people = [
        (
            SimpleNamespace(name=f"Person {n}", left_at=TODAY - timedelta(days=3 * n)),
            [HeldAccount(100 + k, f"Held account {n}-{k}") for k in range(3)],
        )
        for n in range(2)
    ]
    outcome = SimpleNamespace(
        as_of=TODAY - timedelta(days=28),
        days_since=28,
        accounts=300,
        churned_since=6,
        top_decile_rate=0.5,
        base_rate=0.02,
        roc_auc=0.81,
    )
    sections = [
        ReportSection(
            "portfolio",
            "Portfolio health and revenue at risk",
            "portfolio.html",
            {
                "history": history,
                "latest": history[-1],
                "previous": history[-2],
                "bands": RiskBands(0.3, 0.15, 0.1, "validated"),
                "chart": _trend_chart(history, True),
            },
        ),
        ReportSection("movers", "Biggest movers and why", "movers.html", {"movers": movers}),
        ReportSection(
            "problems",
            "New and worsening recurring problems",
            "problems.html",
            {
                "new": [problem] * 3,
                "worsening": [problem] * 4,
                "recurred": [problem] * 2,
                "money": True,
            },
        ),
        ReportSection(
            "playbooks",
            "Playbook activity and overdue tasks",
            "playbooks.html",
            {
                "created": 23,
                "closed": 17,
                "overdue_total": 9,
                "firings": [(f"Playbook {n}", n + 1) for n in range(4)],
                "overdue": [(f"Owner {n}", n + 1, 3 * n) for n in range(5)],
            },
        ),
        ReportSection(
            "leadership",
            "For the leadership review",
            "leadership.html",
            {
                "review": [
                    SimpleNamespace(
                        account_id=n,
                        account=f"Customer {n}",
                        rule="Order gap",
                        note="Orders stopped after the price change",
                        days_open=n,
                    )
                    for n in range(3)
                ],
            },
        ),
        ReportSection(
            "coverage",
            "Coverage gaps and departures",
            "coverage.html",
            {
                "since": TODAY - timedelta(days=30),
                "departures": people,
                "ownerless": [
                    SimpleNamespace(id=n, name=f"Unowned customer {n}") for n in range(8)
                ],
            },
        ),
        ReportSection(
            "accuracy",
            "Model accuracy versus outcomes",
            "accuracy.html",
            {
                "run": SimpleNamespace(model="lightgbm", method="backtest"),
                "backtest": {"roc_auc": 0.81, "pr_auc": 0.4, "brier": 0.05, "top_decile_lift": 3.1},
                "story": AccuracyStory(0.3, 0.05, 90, 0.81),
                "outcomes": [outcome] * 2,
            },
        ),
    ]
    return WeeklyReview(TODAY, True, sections)


def page_fill(page: pdfium.PdfPage) -> float:
    """How far down its content area the page is filled: the last row with ink, as a share
    of the rows above the bottom margin (which holds only the page number)."""
    grey = np.asarray(page.render(scale=SCALE).to_pil().convert("L"))
    rows = grey[: int(len(grey) * (1 - MARGIN_ROWS))]
    inked = np.flatnonzero((rows < INK).any(axis=1))
    return float(inked[-1] + 1) / len(rows) if len(inked) else 0.0


@pytest.mark.timeout(300)
def test_the_weekly_review_pdf_has_no_half_empty_page() -> None:
    """Every page but the last is filled at least a third of the way down; the sections
    flow on across pages (kept whole, a section that did not fit left the rest of its page
    blank)."""
    pdf = render_pdf(demo_sized_review())
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "weekly-review.pdf").write_bytes(pdf)
    document = pdfium.PdfDocument(pdf)
    fills = []
    for number, page in enumerate(document, start=1):
        page.render(scale=SCALE).to_pil().save(ARTEFACTS / f"weekly-review-page-{number}.png")
        fills.append(round(page_fill(page), 2))
    print("pages", len(fills), "fill", fills)
    assert len(fills) >= 2, "the demo-sized review takes more than one page"
    assert all(fill >= 1 / 3 for fill in fills[:-1]), fills
    text = "".join(page.get_textpage().get_text_range() for page in document)
    for title in ("Biggest movers and why", "Coverage gaps and departures", "Unowned customer 5"):
        assert title in text
