"""The weekly review as HTML (a page body or a standalone file) and as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from keepwell.report.weekly import WeeklyReview
from keepwell.web.templating import templates

STYLESHEET = Path(__file__).resolve().parents[1] / "web" / "static" / "css" / "keepwell.css"


@dataclass(frozen=True)
class Reader:
    """Who the review is rendered for: only whether amounts may be shown."""

    sees_money: bool


def render_body(review: WeeklyReview) -> Markup:
    """The review's sections as HTML, for the web page and for the document."""
    template = templates.env.get_template("report/body.html")
    return Markup(template.render(review=review, principal=Reader(review.money)))


def render_document(review: WeeklyReview) -> str:
    """A standalone HTML file: the review with its stylesheet inlined, no links out."""
    template = templates.env.get_template("report/document.html")
    return template.render(
        review=review,
        body=render_body(review),
        stylesheet=Markup(STYLESHEET.read_text(encoding="utf-8")),
    )


def render_pdf(review: WeeklyReview) -> bytes:
    """The review as PDF (A4, charts as vector graphics, page numbers)."""
    from weasyprint import HTML

    pdf = HTML(string=render_document(review)).write_pdf()
    if not isinstance(pdf, bytes):
        raise RuntimeError("the PDF renderer produced no document")
    return pdf
