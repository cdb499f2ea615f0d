"""Signals on tickets and surveys: complaints past their SLA, the same problem again,
unheard detractors."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy import exists, func, select

from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.playbooks.signals.common import days_ago, end_of, start_of
from keepwell.record.models import Interaction, SurveyResponse, Ticket

DEFAULT_SLA_HOURS: dict[str, float] = {"critical": 4, "high": 24, "medium": 72, "low": 120}
NEGATIVE_WORDS = (
    "disappointed",
    "unacceptable",
    "frustrat",
    "worst",
    "poor",
    "switch",
    "cancel",
    "never again",
    "angry",
)


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
        now = end_of(ctx.today)
        kinds = [k.lower() for k in params.kinds]
        query = select(Ticket).where(
            func.lower(Ticket.kind).in_(kinds),
            Ticket.first_response_at.is_(None),
            Ticket.closed_at.is_(None),
            Ticket.opened_at >= start_of(days_ago(ctx.today, params.lookback_days)),
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
    """The same recurring problem (a problem record) hit the customer ``min_tickets`` times."""

    name = "repeat_problem"
    description = "min_tickets or more of the account's tickets in one recurring problem lately."
    params = RepeatParams

    def find(self, ctx: Context, params: RepeatParams) -> list[Hit]:
        from keepwell.problems.impact import problem_hits

        found = problem_hits(
            ctx.session, ctx.today, days=params.window_days, min_tickets=params.min_tickets
        )
        return [
            Hit(
                hit.account_id,
                f"problem:{hit.problem_id}",
                f"{hit.tickets} tickets about {hit.label} in {params.window_days} days",
                {"problem": hit.label, "problem_id": hit.problem_id, "tickets": hit.tickets},
            )
            for hit in found
            if hit.account_id in ctx.accounts
        ]


class DetractorParams(Params):
    within_days: int = Field(default=30, ge=1, le=365)
    nps_max: float = 6
    csat_max: float = 2
    negative_words: list[str] = Field(default_factory=lambda: list(NEGATIVE_WORDS))


class Detractor(Signal[DetractorParams]):
    """A detractor score or a negative comment that nobody has followed up since."""

    name = "detractor"
    description = "Detractor NPS/CSAT or a negative comment with no interaction since."
    params = DetractorParams

    def find(self, ctx: Context, params: DetractorParams) -> list[Hit]:
        survey = SurveyResponse
        followed = exists().where(
            Interaction.account_id == survey.account_id,
            Interaction.occurred_at > survey.responded_at,
        )
        query = select(survey).where(
            survey.responded_at >= start_of(days_ago(ctx.today, params.within_days)),
            survey.responded_at < end_of(ctx.today),
            ~followed,
        )
        hits = []
        for row in ctx.session.scalars(query.order_by(survey.responded_at)):
            why = _detractor(row, params)
            if why and row.account_id in ctx.accounts:
                facts = {"kind": row.kind, "score": row.score, "comment": row.comment or ""}
                hits.append(
                    Hit(row.account_id, f"survey:{row.id}", f"{why}, not followed up", facts)
                )
        return hits


def _detractor(row: SurveyResponse, params: DetractorParams) -> str | None:
    kind = row.kind.lower()
    if (kind == "nps" and row.score <= params.nps_max) or (
        kind == "csat" and row.score <= params.csat_max
    ):
        return f"{kind.upper()} {row.score:g} on {row.responded_at.date()}"
    comment = (row.comment or "").lower()
    if any(word in comment for word in params.negative_words):
        return f"negative comment on {row.responded_at.date()}"
    return None
