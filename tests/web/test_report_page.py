"""The weekly review page and its HTML and PDF downloads."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from tests.report.test_weekly import seed
from tests.web.conftest import Browser


def test_review_page_and_downloads(engine: Engine, browser: Callable[[str], Browser]) -> None:
    seed(engine)
    leader = browser("leader")
    page = leader.get("/reports/weekly")
    assert page.status_code == 200 and "Coverage gaps and departures" in page.text
    pdf = leader.get("/reports/weekly.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    member = browser("member").get("/reports/weekly.html")
    assert member.status_code == 200 and "Revenue at risk per scoring run" not in member.text
