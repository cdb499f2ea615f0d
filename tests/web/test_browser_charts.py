"""Charts in a real Chromium: their text stays legible on a phone and at a desktop width.

The chart's text is drawn in SVG user units and scales with the chart; the stylesheet keeps
a chart 440–600 px wide (scrolling inside its own box on a phone), so the text keeps its
size. Measured as the rendered height of each ``<text>`` element.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from tests.web.conftest import SQLITE_ONLY
from tests.web.test_browser import Journey, chromium, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

CHART_TEXT = """() => [...document.querySelectorAll('svg.chart text')]
  .map((t) => t.getBoundingClientRect().height)"""
OUTLINED = """() => [...document.querySelectorAll('svg.chart text')]
  .filter((t) => getComputedStyle(t).stroke !== 'none'
    || Number(getComputedStyle(t).fontWeight) > 400).map((t) => t.textContent)"""
CHART_WIDTH = """() => [...document.querySelectorAll('.chart-box')]
  .map((b) => [b.clientWidth, b.scrollWidth])"""
PAGES = {"/portfolio": "Portfolio", "/reports/weekly": "Weekly retention review"}


@pytest.mark.parametrize("width", [390, 1440])
def test_chart_text_is_legible_on_a_phone_and_a_desktop(
    chromium: Browser,  # noqa: F811
    site: str,  # noqa: F811
    width: int,
    request: pytest.FixtureRequest,
) -> None:
    """On the portfolio and the weekly review every chart label's box is 10–19 px tall
    (text of 11–15 px; it was about 5 px at 390 px and 20 px at 1440 px); the page itself
    is never wider than the window, and only a phone scrolls a chart inside its own box."""
    context = chromium.new_context(viewport={"width": width, "height": 844})
    journey = Journey(context.new_page(), site, f"{request.node.originalname}-{width}")
    journey.sign_in("leader")
    for path, heading in PAGES.items():
        journey.page.goto(f"{site}{path}")
        expect(journey.page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        heights = journey.page.evaluate(CHART_TEXT)
        print(path, width, "chart text height", min(heights), "–", max(heights))
        assert len(heights) >= 5, f"{path} draws no chart"
        assert min(heights) >= 10 and max(heights) <= 19, (path, min(heights), max(heights))
        assert journey.page.evaluate(OUTLINED) == [], "chart text is drawn plain, not bold"
        assert journey.page.evaluate("document.documentElement.scrollWidth") <= width
        for client, scroll in journey.page.evaluate(CHART_WIDTH):
            assert scroll <= client or width < 440, (path, client, scroll)
        journey.shot(path.strip("/").replace("/", "-"))
    context.close()
