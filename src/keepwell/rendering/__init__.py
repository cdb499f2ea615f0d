"""What pages and reports both draw with: the Jinja2 environment and its filters, the SVG
charts, the links into the app and the stylesheet's location.

It sits below ``keepwell.web`` and ``keepwell.report`` and imports neither (nor the CLI).
"""

from keepwell.rendering.charts import Bar, Series, bar_chart, line_chart, series_chart
from keepwell.rendering.links import account_url, portfolio_url
from keepwell.rendering.templating import environment

__all__ = [
    "Bar",
    "Series",
    "account_url",
    "bar_chart",
    "charts",
    "environment",
    "line_chart",
    "links",
    "portfolio_url",
    "series_chart",
    "templating",
]
