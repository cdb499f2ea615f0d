"""The weekly retention review as a page, and as HTML and PDF downloads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from keepwell.report import WeeklyReview, weekly_review
from keepwell.report.render import render_body, render_document, render_pdf
from keepwell.web.deps import CurrentUser, Principal, SessionDep, StateDep
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


def _review(db: SessionDep, who: Principal, base_url: str) -> WeeklyReview:
    return weekly_review(db, money=who.sees_money, base_url=base_url, admin=who.is_admin)


@router.get("/reports/weekly")
def weekly_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """This week's review; amounts only for roles that see money."""
    review = _review(db, who, "")
    return render(request, "report/page.html", {"review": review, "body": render_body(review)})


@router.get("/reports/weekly.html")
def weekly_html(who: CurrentUser, db: SessionDep, state: StateDep) -> Response:
    """The review as a standalone HTML file to keep or mail (links to the public address)."""
    review = _review(db, who, state.settings.public_url)
    name = f"weekly-review-{review.today.isoformat()}.html"
    return Response(
        render_document(review),
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/reports/weekly.pdf")
def weekly_pdf(who: CurrentUser, db: SessionDep, state: StateDep) -> Response:
    """The review as PDF (links to the public address)."""
    review = _review(db, who, state.settings.public_url)
    name = f"weekly-review-{review.today.isoformat()}.pdf"
    return Response(
        render_pdf(review),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
