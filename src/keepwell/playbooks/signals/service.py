"""Signals on tickets and surveys: complaints past their SLA, the same problem again,
unheard detractors."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import func, select

from keepwell.days import days_before, end_of_day, start_of_day
from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.record.models import Ticket
from keepwell.voice.nps import CSAT_POOR_MAX, DETRACTOR_MAX, awaiting_follow_up
from keepwell.voice.nps import Detractor as Answer

DEFAULT_SLA_HOURS: dict[str, float] = {"critical": 4, "high": 24, "medium": 72, "low": 120}


class SlaParams(Params):
    kinds: list[str] = Field(default_factory=lambda: ["complaint"])
    sla_hours: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    lookback_days: int = Field(default=180, ge=1, le=3650)


class ComplaintSla(Signal[SlaParams]):
    """A complaint without a first response past the SLA hours of its severity."""

    name = "complaint_sla"
    description = "Complaints without a first response past the SLA hours of their severity."
    params = SlaParams

    def find(self, ctx: Context, params: SlaParams) -> list[Hit]:
        now = end_of_day(ctx.today)
        kinds = [k.lower() for k in params.kinds]
        query = select(Ticket).where(
            func.lower(Ticket.kind).in_(kinds),
            Ticket.first_response_at.is_(None),
            Ticket.closed_at.is_(None),
            Ticket.opened_at >= start_of_day(days_before(ctx.today, params.lookback_days)),
            Ticket.opened_at < now,
        )
        hits = []
        for ticket in ctx.session.scalars(query):
            sla = params.sla_hours.get(ticket.severity.lower(), max(params.sla_hours.values()))
            waited = (now - ticket.opened_at).total_seconds() / 3600
            if ticket.account_id in ctx.accounts and waited > sla:
                summary = (
                    f"{ticket.kind} {ticket.external_id} unanswered for {waited:.0f} h "
                    f"(SLA {sla:.0f} h)"
                )
                facts = {
                    "ticket": ticket.external_id,
                    "subject": ticket.subject,
                    "severity": ticket.severity,
                    "hours_waiting": round(waited),
                }
                hits.append(Hit(ticket.account_id, f"ticket:{ticket.id}", summary, facts))
        return hits


class RepeatParams(Params):
    min_tickets: int = Field(default=3, ge=2)
    window_days: int = Field(default=90, ge=1, le=730)


class RepeatProblem(Signal[RepeatParams]):
    """The same recurring problem (a problem record) hit the customer ``min_tickets`` times.

    Only problems that are real enough to create work count: confirmed by a
    person, or passing the evidence bar of :mod:`keepwell.problems.evidence`.
    """

    name = "repeat_problem"
    description = (
        "min_tickets or more of the account's tickets in one confirmed recurring problem "
        "(or one whose evidence passes the bar) lately."
    )
    params = RepeatParams

    def find(self, ctx: Context, params: RepeatParams) -> list[Hit]:
        from keepwell.problems.evidence import actionable_problems
        from keepwell.problems.impact import problem_hits

        found = problem_hits(
            ctx.session, ctx.today, days=params.window_days, min_tickets=params.min_tickets
        )
        real = actionable_problems(ctx.session)
        return [
            Hit(
                hit.account_id,
                f"problem:{hit.problem_id}",
                f"{hit.tickets} tickets about {hit.label} in {params.window_days} days "
                f"(problem {real[hit.problem_id].reason()})",
                {
                    "problem": hit.label,
                    "problem_id": hit.problem_id,
                    "tickets": hit.tickets,
                    "confidence": real[hit.problem_id].confidence,
                },
            )
            for hit in found
            if hit.account_id in ctx.accounts and hit.problem_id in real
        ]


class DetractorParams(Params):
    within_days: int = Field(default=30, ge=1, le=365)
    nps_max: float = DETRACTOR_MAX
    csat_max: float = CSAT_POOR_MAX


class Detractor(Signal[DetractorParams]):
    """A detractor score or a negative comment nobody has followed up (the voice's rule)."""

    name = "detractor"
    description = "Detractor NPS/CSAT or a negative comment nobody has followed up."
    params = DetractorParams

    def find(self, ctx: Context, params: DetractorParams) -> list[Hit]:
        found = awaiting_follow_up(
            ctx.session,
            ctx.today,
            days=params.within_days,
            nps_max=params.nps_max,
            csat_max=params.csat_max,
        )
        return [
            Hit(d.account_id, f"survey:{d.survey_id}", f"{_why(d)}, not followed up", _facts(d))
            for d in sorted(found, key=lambda d: (d.responded_at, d.survey_id))
            if d.account_id in ctx.accounts
        ]


def _why(d: Answer) -> str:
    if d.negative_comment:
        return f"negative comment on {d.responded_at.date()}"
    return f"{d.kind.upper()} {d.score:g} on {d.responded_at.date()}"


def _facts(d: Answer) -> dict[str, Any]:
    return {"kind": d.kind, "score": d.score, "comment": d.comment or ""}
