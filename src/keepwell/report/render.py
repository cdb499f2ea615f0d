"""The weekly review as HTML (a page body or a standalone file) and as PDF."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from keepwell.rendering.templating import STYLESHEET, environment
from keepwell.report.account import AccountReview
from keepwell.report.weekly import WeeklyReview, currency_code

PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9px;
    font-family: system-ui, "DejaVu Sans", sans-serif; color: #4a5566; } }
body { background: #fff; }
/* A report, not a stack of cards: sections flow on across pages (a section kept whole
   left most of a page blank whenever the next one did not fit). Headings stay with what
   follows; a table row, a chart, the figures and a list item are never split. */
.review-section {
  break-inside: auto; border: 0; border-top: 2px solid #dfe3ea; border-radius: 0;
  box-shadow: none; padding: 0.5rem 0 0; margin: 0 0 1rem;
}
.review-section h2, .review-section h3, .review-section caption { break-after: avoid; }
.review-section tr, .review-section li, .chart-box, .chart-legend, .review-figures,
.accuracy { break-inside: avoid; }
.review-document table { display: table; }
.review-document thead { display: table-header-group; }
.review-document .chart-box { overflow: visible; }
"""
DOCUMENT = Markup(
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    "<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n"
    '<body>\n<main class="content review-document">\n{body}\n</main>\n</body>\n</html>\n'
)
"""The standalone file: a document of its own (not a page of the app), styles inlined."""


@dataclass(frozen=True)
class Reader:
    """Who the review is rendered for: only whether amounts may be shown."""

    sees_money: bool
    is_admin: bool = False


def render_body(review: WeeklyReview) -> Markup:
    """The review's sections as HTML, for the web page and for the document."""
    template = environment.get_template("report/body.html")
    reader = Reader(review.money, review.admin)
    context = {"review": review, "principal": reader, "currency": currency_code()}
    return Markup(template.render(**context))


def render_document(review: WeeklyReview) -> str:
    """A standalone HTML file: the review with its stylesheet inlined, no links out."""
    title = f"Weekly retention review {review.today.isoformat()}"
    return _document(title, render_body(review))


def _document(title: str, body: Markup) -> str:
    css = Markup(STYLESHEET.read_text(encoding="utf-8") + PRINT_CSS)
    return str(DOCUMENT.format(title=title, css=css, body=body))


def render_pdf(review: WeeklyReview) -> bytes:
    """The review as PDF (A4, charts as vector graphics, page numbers)."""
    return _pdf(render_document(review))


def render_account_body(review: AccountReview) -> Markup:
    """The account review's sections as HTML, for the page, the file and the PDF."""
    template = environment.get_template("report/account_body.html")
    return Markup(template.render(review=review))


def render_account_document(review: AccountReview) -> str:
    """The account review as a standalone HTML file for the customer."""
    title = f"Account review {review.account} {review.period.title}"
    return _document(title, render_account_body(review))


def render_account_pdf(review: AccountReview) -> bytes:
    """The account review as PDF, through the weekly review's print path."""
    return _pdf(render_account_document(review))


def _pdf(document: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=document).write_pdf()
    if not isinstance(pdf, bytes):
        raise RuntimeError("the PDF renderer produced no document")
    return pdf
