"""The account review API: the quarterly business review for the customer, from draft to
approved, as JSON and as PDF.

Reading needs read access (every role); starting, editing and approving need a write
token (or a signed-in writer) of the account's team, a leader or an admin. The review
holds nothing internal and no amounts, whoever asks. Errors are RFC 9457 problem details.
The pages and ``keepwell report account`` call the same functions of
:mod:`keepwell.report.account`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from fastapi import APIRouter, Response

from keepwell.plans.models import AccountReviewDraft
from keepwell.plans.schemas import ReviewCreate, ReviewEdit
from keepwell.report.account import (
    AccountReview,
    account_review,
    approve_review,
    get_review,
    parse_period,
    require_reviewer,
    reviews_of,
    save_draft,
    start_review,
)
from keepwell.report.render import render_account_pdf
from keepwell.teams.team import get_account
from keepwell.web.api.plans import utc
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses

router = APIRouter(tags=["account reviews"], responses=problem_responses(401, 403, 404, 422))
T = TypeVar("T")
Json = dict[str, Any]
PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The review as PDF (marked as a draft until approved)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _run(db: SessionDep, action: Callable[[], T]) -> T:
    """Run a service call and commit its changes (a refusal propagates to the one
    error handler, which answers with its problem detail)."""
    result = action()
    db.commit()
    return result


def review_json(row: AccountReviewDraft, review: AccountReview) -> Json:
    """A saved review with its team's words as the customer will read them."""
    return {
        "id": row.id,
        "account_id": row.account_id,
        "account": review.account,
        "period": row.period,
        "period_title": review.period.title,
        "status": row.status,
        "summary": review.summary,
        "objectives": review.objectives,
        "created_at": utc(row.created_at),
        "created_by": row.created_by,
        "updated_at": utc(row.updated_at),
        "updated_by": row.updated_by,
        "approved_at": utc(row.approved_at) if row.approved_at else None,
        "approved_by": row.approved_by,
        "pdf": f"/api/v1/reviews/{row.id}.pdf",
    }


def sections_json(review: AccountReview) -> Json:
    """The review's sections as figures (no charts, nothing internal, no amounts)."""
    uptime, delivery, service, voice = review.uptime, review.delivery, review.service, review.voice
    return {
        "installed_base": [asdict(a) for a in review.installed],
        "uptime": {
            "expected_days": uptime.days,
            "fault_days": uptime.fault_days,
            "customer_days": uptime.customer_days,
            "uptime": uptime.uptime,
            "assets": [asdict(a) | {"uptime": a.uptime} for a in uptime.assets],
        },
        "delivery": {
            "promised": delivery.promised,
            "on_time": delivery.on_time,
            "share": delivery.share,
            "late": [asdict(d) | {"days_late": d.days_late} for d in delivery.late],
        },
        "service": {
            "support_tickets": service.support,
            "complaints": [asdict(c) for c in service.complaints],
            "first_response_hours": service.first_response_hours,
            "close_hours": service.close_hours,
        },
        "recurring_problems": [asdict(p) for p in review.problems],
        "feedback": {
            "nps": voice.nps,
            "csat": voice.csat,
            "answers": voice.answers,
            "low_answers": [asdict(d) for d in voice.detractors],
        },
        "plans": [asdict(p) for p in review.plans],
    }


def _full(db: SessionDep, row: AccountReviewDraft) -> Json:
    review = account_review(db, row.account_id, parse_period(row.period))
    return review_json(row, review) | {"sections": sections_json(review)}


@router.get("/accounts/{account_id}/reviews", summary="An account's reviews")
def list_reviews_endpoint(account_id: IdPath, db: SessionDep, who: ApiReader) -> list[Json]:
    """The account's started reviews, drafts and approved, newest period first."""

    def act() -> list[Json]:
        rows = reviews_of(db, account_id)
        return [
            review_json(row, account_review(db, account_id, parse_period(row.period)))
            for row in rows
        ]

    return _run(db, act)


@router.post(
    "/accounts/{account_id}/reviews",
    status_code=201,
    summary="Start the review of a quarter",
    responses=problem_responses(409),
)
def start_review_endpoint(
    account_id: IdPath, data: ReviewCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """A draft for the quarter, built from the record; the team's words where given.
    A quarter that has a review answers 409."""

    def act() -> Json:
        period = parse_period(data.period)
        get_account(db, account_id)  # 404 for an unknown account before 403
        require_reviewer(db, who.user, who.permissions, account_id)
        objectives = None if data.objectives is None else "\n".join(data.objectives)
        row = start_review(
            db,
            account_id,
            period,
            actor=who.actor,
            summary=data.summary,
            objectives=objectives,
        )
        return _full(db, row)

    return _run(db, act)


@router.get(
    "/reviews/{review_id}.pdf",
    summary="An account review as PDF",
    response_class=Response,
    responses=PDF,
)
def review_pdf_endpoint(review_id: IdPath, db: SessionDep, who: ApiReader) -> Response:
    """The document for the customer; until approved it says "Draft, not yet approved"."""

    def act() -> tuple[AccountReviewDraft, bytes]:
        row = get_review(db, review_id)
        return row, render_account_pdf(account_review(db, row.account_id, parse_period(row.period)))

    row, pdf = _run(db, act)
    name = f"account-review-{row.account_id}-{row.period}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/reviews/{review_id}", summary="An account review")
def get_review_endpoint(review_id: IdPath, db: SessionDep, who: ApiReader) -> Json:
    """The review with its sections: installed base, uptime and downtime by cause, delivery
    against promises, tickets and recurring problems, feedback, progress on objectives."""
    return _run(db, lambda: _full(db, get_review(db, review_id)))


@router.patch(
    "/reviews/{review_id}", summary="Edit a draft review", responses=problem_responses(409)
)
def edit_review_endpoint(
    review_id: IdPath, data: ReviewEdit, db: SessionDep, who: ApiWriter
) -> Json:
    """Change the summary or the proposed objectives; an approved review answers 409."""

    def act() -> Json:
        row = get_review(db, review_id)
        require_reviewer(db, who.user, who.permissions, row.account_id)
        save_draft(
            db,
            row.account_id,
            parse_period(row.period),
            summary=row.summary if data.summary is None else data.summary,
            objectives=row.objectives if data.objectives is None else "\n".join(data.objectives),
            actor=who.actor,
        )
        return _full(db, row)

    return _run(db, act)


@router.post(
    "/reviews/{review_id}/approve",
    summary="Approve a review for the customer",
    responses=problem_responses(409),
)
def approve_review_endpoint(review_id: IdPath, db: SessionDep, who: ApiWriter) -> Json:
    """Freeze the review: it may now be shared as PDF and through the plan's link.
    An approved review answers 409."""

    def act() -> Json:
        row = get_review(db, review_id)
        require_reviewer(db, who.user, who.permissions, row.account_id)
        approve_review(db, row.account_id, parse_period(row.period), actor=who.actor)
        return _full(db, row)

    return _run(db, act)
