"""The retention page: survival chart and table, revenue retention, money only for money roles."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from tests.insight.test_retention_report import seed
from tests.web.conftest import Browser


def test_retention_page_shows_curves_and_hides_money_from_members(
    engine: Engine, browser: Callable[[str], Browser]
) -> None:
    seed(engine)
    leader = browser("leader").get("/retention?by=segment&period=year")
    assert leader.status_code == 200
    html = leader.text
    assert 'class="chart chart-lines"' in html and "S (3)" in html and "T (1)" in html
    assert "Revenue retention per year" in html and "Starting revenue" in html
    assert "No scores yet" in html and "an administrator can start it now" in html
    member = browser("member").get("/retention?by=cohort&period=quarter").text
    assert "Start year (cohort)" in member and "Starting revenue" not in member
    assert browser("member").get("/retention?by=nonsense").status_code == 400
