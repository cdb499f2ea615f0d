"""Every built-in signal on crafted records: what fires, and what does not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.tasks.world import account, assign, employee, small_world

from keepwell.auth.models import User
from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import risk_level
from keepwell.people.models import Employee
from keepwell.playbooks.core import Context, Hit
from keepwell.playbooks.plugins import registry
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import (
    Account,
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)
from keepwell.teams.models import HumanRead
from keepwell.telemetry.rollups import rebuild_rollups
from keepwell.voice.nps import unheard_detractors

TODAY = date(2026, 6, 30)
SEEN = iter(range(1, 1_000_000))


def ago(days: int, hour: int = 9) -> datetime:
    """A moment ``days`` before TODAY."""
    return datetime.combine(TODAY - timedelta(days=days), time(hour))


def day(days: int) -> date:
    """The day ``days`` before TODAY (negative: after)."""
    return TODAY - timedelta(days=days)


def add(session: Session, model: type, **values: Any) -> Any:
    """Add a record row with fresh provenance."""
    row = model(source="test", external_id=f"x{next(SEEN)}", **values)
    session.add(row)
    session.flush()
    return row


def add_plain(session: Session, model: type, **values: Any) -> Any:
    """Add a row of a table without provenance (problems and their memberships)."""
    row = model(**values)
    session.add(row)
    session.flush()
    return row


def hits(session: Session, signal: str, **params: Any) -> list[Hit]:
    """The signal's hits as of TODAY."""
    found = registry().signals[signal]
    return found.find(Context(session, TODAY), found.params.model_validate(params))


def by_account(found: list[Hit]) -> dict[int, list[str]]:
    """Reason keys by account."""
    out: dict[int, list[str]] = {}
    for hit in found:
        out.setdefault(hit.account_id, []).append(hit.reason_key)
    return out


def scores(
    session: Session,
    values: dict[int, tuple[float, float]],
    metrics: dict[str, Any] | None = None,
) -> None:
    """A scoring run with (churn probability, health) per account."""
    run = ScoreRun(
        as_of=TODAY,
        engine="duckdb",
        model="test",
        model_version="1",
        method="t",
        metrics=metrics or {},
    )
    session.add(run)
    session.flush()
    for account_id, (risk, health) in values.items():
        band = "red" if health < 40 else "green"
        reasons = [{"sentence": "orders fell by half"}]
        session.add(
            AccountScore(
                run_id=run.id,
                account_id=account_id,
                churn_probability=risk,
                health_score=health,
                health_band=band,
                reasons=reasons,
            )
        )
    session.flush()


def test_churn_risk_health_and_renewal(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        lost = account(s, "lost", status="lost").id
        s.get_one(Account, acme).renewal_date = day(-30)
        s.get_one(Account, beta).renewal_date = day(-200)
        scores(s, {acme: (0.7, 35.0), beta: (0.2, 80.0), lost: (0.9, 10.0)})
        assert by_account(hits(s, "churn_risk", min_probability=0.5)) == {acme: ["churn_risk"]}
        assert by_account(hits(s, "health_low", max_health=40)) == {acme: ["health_low"]}
        renewal = hits(s, "renewal_due", within_days=90)
        assert [(h.account_id, h.facts["days_to_renewal"]) for h in renewal] == [(acme, 30)]
        assert "orders fell by half" in renewal[0].summary
        assert hits(s, "renewal_due", within_days=10) == []


def test_churn_risk_defaults_to_the_at_risk_band_every_list_uses(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        scores(s, {acme: (0.3, 80.0), beta: (0.1, 80.0)})
        found = hits(s, "churn_risk")
        assert by_account(found) == {acme: ["churn_risk"]}, "no bands: 3 times a 5 % base rate"
        assert risk_level(0.3, None) == "at_risk" and risk_level(0.1, None) != "at_risk"
        partial = {"at_risk": 0.05, "watch": None, "base_rate": 0.045}  # the lists fall back
        scores(s, {acme: (0.3, 80.0), beta: (0.1, 80.0)}, {"risk_bands": partial})
        assert by_account(hits(s, "churn_risk")) == {acme: ["churn_risk"]}
        bands = {"at_risk": 0.25, "watch": 0.08, "base_rate": 0.06}
        scores(s, {acme: (0.3, 80.0), beta: (0.1, 80.0)}, {"risk_bands": bands})
        assert by_account(hits(s, "churn_risk")) == {acme: ["churn_risk"]}
        assert by_account(hits(s, "churn_risk", min_probability=0.05)) == {
            acme: ["churn_risk"],
            beta: ["churn_risk"],
        }


def test_order_gap_overdue_invoice_stalled_rfq_and_broken_promise(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        for days_back in (130, 160, 190, 220):  # usual gap 30 days, last 130 days ago
            add(s, Order, account_id=acme, ordered_at=day(days_back), amount=100)
        for days_back in (10, 40, 70, 100):  # on rhythm
            add(s, Order, account_id=beta, ordered_at=day(days_back), amount=100)
        gap = hits(s, "order_gap", min_ratio=2.0)
        assert [(h.account_id, h.facts["days_since"], h.facts["usual_gap"]) for h in gap] == [
            (acme, 130, 30)
        ]
        add(s, Order, account_id=beta, ordered_at=day(90), amount=50, due_at=day(45))
        add(
            s,
            Order,
            account_id=acme,
            ordered_at=day(90),
            amount=50,
            due_at=day(45),
            paid_at=day(44),
        )
        overdue = hits(s, "overdue_invoice", grace_days=30)
        assert [(h.account_id, h.facts["invoices"]) for h in overdue] == [(beta, 1)]
        assert hits(s, "overdue_invoice", grace_days=60) == []
        stale = add(s, Quote, account_id=acme, received_at=day(9))
        add(s, Quote, account_id=beta, received_at=day(9), responded_at=day(8))
        add(s, Quote, account_id=beta, received_at=day(2))
        assert by_account(hits(s, "stalled_rfq", max_days=5)) == {acme: [f"rfq:{stale.id}"]}
        late = add(
            s,
            Order,
            account_id=acme,
            ordered_at=day(40),
            amount=1,
            promised_at=day(20),
            delivered_at=day(10),
        )
        add(
            s,
            Order,
            account_id=beta,
            ordered_at=day(40),
            amount=1,
            promised_at=day(20),
            delivered_at=day(19),
        )
        pending = add(s, Order, account_id=beta, ordered_at=day(40), amount=1, promised_at=day(12))
        won = add(
            s,
            Quote,
            account_id=beta,
            received_at=day(40),
            responded_at=day(38),
            outcome="won",
            promised_lead_time_days=10,
        )
        on_quote = {"account_id": beta, "amount": 1, "quote_id": won.id}
        add(s, Order, ordered_at=day(30), delivered_at=day(15), **on_quote)  # 15 days
        add(s, Order, ordered_at=day(30), delivered_at=day(22), **on_quote)  # 8 days: kept
        slow = add(s, Quote, account_id=acme, received_at=day(20), responded_at=day(10))
        found = hits(s, "broken_promise", min_days_late=3)
        broken = {h.reason_key: h for h in found}
        assert set(broken) == {
            f"late:{late.id}",
            f"late:{pending.id}",
            f"quote:{won.id}",
            f"rfq_late:{slow.id}",
        }
        assert broken[f"late:{late.id}"].account_id == acme
        assert broken[f"late:{late.id}"].facts["days_late"] == 10
        assert broken[f"late:{pending.id}"].facts == {"late_orders": 1, "days_late": 12}
        assert broken[f"quote:{won.id}"].account_id == beta
        assert broken[f"quote:{won.id}"].facts["days_late"] == 5
        assert broken[f"rfq_late:{slow.id}"].facts == {"rfq": slow.external_id, "days_late": 5}
        assert [h.reason_key for h in hits(s, "broken_promise", within_days=5)] == []


def test_complaint_sla_repeat_problem_and_detractor(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        waiting = add(
            s,
            Ticket,
            account_id=acme,
            kind="complaint",
            subject="Leak",
            severity="high",
            opened_at=ago(3),
        )
        add(
            s,
            Ticket,
            account_id=beta,
            kind="complaint",
            subject="Noise",
            severity="low",
            opened_at=ago(2),
        )  # 2-3 days < 120 h
        add(
            s,
            Ticket,
            account_id=beta,
            kind="complaint",
            subject="Rust",
            severity="high",
            opened_at=ago(5),
            first_response_at=ago(5, 11),
        )
        add(
            s,
            Ticket,
            account_id=beta,
            kind="support",
            subject="How to",
            severity="high",
            opened_at=ago(5),
        )
        assert by_account(hits(s, "complaint_sla")) == {acme: [f"ticket:{waiting.id}"]}
        seals = add_plain(s, ProblemRecord, label="seal leaks", status="confirmed")
        gone = add_plain(s, ProblemRecord, label="old noise", status="dismissed")
        seal_tickets = [
            add(s, Ticket, account_id=beta, kind="support", subject="Seal", opened_at=ago(d))
            for d in (10, 40, 80)
        ]
        seal_tickets.append(
            add(s, Ticket, account_id=acme, kind="support", subject="Seal", opened_at=ago(100))
        )
        noise = [
            add(s, Ticket, account_id=acme, kind="support", subject="Noise", opened_at=ago(d))
            for d in (5, 6, 7)
        ]
        for ticket in seal_tickets:
            add_plain(s, ProblemTicket, ticket_id=ticket.id, problem_id=seals.id)
        for ticket in noise:  # a dismissed problem does not count
            add_plain(s, ProblemTicket, ticket_id=ticket.id, problem_id=gone.id)
        repeat = hits(s, "repeat_problem", min_tickets=3, window_days=90)
        assert [(h.account_id, h.reason_key, h.facts["tickets"]) for h in repeat] == [
            (beta, f"problem:{seals.id}", 3)
        ]
        assert repeat[0].facts["problem"] == "seal leaks"


def test_detractor_reads_the_voice_sentiment_and_follow_up(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]

        def answer(account: int, kind: str, score: float, days: int, comment: str = "") -> int:
            row = add(
                s,
                SurveyResponse,
                account_id=account,
                kind=kind,
                score=score,
                responded_at=ago(days),
                comment=comment or None,
            )
            return int(row.id)

        angry = answer(acme, "nps", 3, 5)
        answer(beta, "nps", 2, 6)
        add(s, Interaction, account_id=beta, kind="call", occurred_at=ago(4))  # followed up
        german = answer(acme, "nps", 8, 4, "Lieferverzug schon wieder, die Dichtungen undicht.")
        lexicon = answer(beta, "csat", 4, 3, "Lead times are never met and the seals leak")
        answer(acme, "nps", 10, 3, "Great support, no reason to switch suppliers")
        answer(acme, "csat", 5, 2, "Excellent service, we would never cancel")
        late = answer(beta, "nps", 1, 25)  # the call 4 days ago came after the 14 days
        answer(beta, "nps", 0, 40)  # before within_days
        found = {h.reason_key: h for h in hits(s, "detractor", within_days=30)}
        assert set(found) == {
            f"survey:{angry}",
            f"survey:{german}",
            f"survey:{lexicon}",
            f"survey:{late}",
        }
        assert found[f"survey:{angry}"].summary == f"NPS 3 on {day(5)}, not followed up"
        assert found[f"survey:{german}"].summary == (
            f"negative comment on {day(4)}, not followed up"
        )
        assert found[f"survey:{lexicon}"].facts == {
            "kind": "csat",
            "score": 4,
            "comment": "Lead times are never met and the seals leak",
        }
        assert found[f"survey:{late}"].account_id == beta
        strict = hits(s, "detractor", within_days=30, nps_max=2, csat_max=1)
        assert {h.reason_key for h in strict} == {
            f"survey:{german}",
            f"survey:{lexicon}",
            f"survey:{late}",
        }
        unheard = {d.survey_id for d in unheard_detractors(s, TODAY, days=30)}
        assert unheard == {late} and {f"survey:{i}" for i in unheard} <= set(found)


def test_key_contact_employee_left_and_single_threaded(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        gone = add(
            s, Contact, account_id=acme, name="Jane", is_key=True, active=False, left_at=day(10)
        )
        add(s, Contact, account_id=acme, name="Old", is_key=True, active=False, left_at=day(300))
        add(s, Contact, account_id=beta, name="Minor", is_key=False, active=False, left_at=day(5))
        assert by_account(hits(s, "key_contact_left")) == {acme: [f"contact:{gone.id}"]}
        boss = employee(s, "boss")
        sven = s.get_one(Employee, w.employees["sven"])
        sven.left_at, sven.manager_id = day(3), boss.id
        leavers = hits(s, "employee_left")
        assert [(h.account_id, h.reason_key, h.fallback_owner_id) for h in leavers] == [
            (acme, f"handover:{sven.id}:service_lead", boss.id)
        ]
        lena = employee(s, "lena2")
        assign(s, acme, lena.id, "service_lead", since=day(1))
        assert hits(s, "employee_left") == []
        assert len(hits(s, "employee_left", only_vacant=False)) == 1
        olga_user = User(
            email="olga@maker.test",
            name="Olga",
            password_hash="x",
            role="member",
            active=False,
            employee_id=w.employees["olga"],
        )
        s.add(olga_user)
        s.flush()
        handovers = by_account(hits(s, "employee_left"))
        assert handovers == {
            acme: [f"handover:{w.employees['olga']}:account_owner"],
            beta: [f"handover:{w.employees['olga']}:account_owner"],
        }
        for name in ("acme", "beta"):
            for n in range(2):
                add(s, Order, account_id=w.accounts[name], ordered_at=day(30 + n), amount=1)
        buyers = [add(s, Contact, account_id=beta, name=f"Buyer {n}") for n in range(3)]
        a1, a2 = (add(s, Contact, account_id=acme, name=f"Eng {n}") for n in range(2))
        talks = [(acme, lena.id, a1.id), (acme, lena.id, a2.id)]
        talks += [(beta, lena.id, buyers[0].id), (beta, boss.id, buyers[1].id)]
        for account_id, employee_id, contact_id in talks:
            add(
                s,
                Interaction,
                account_id=account_id,
                employee_id=employee_id,
                contact_id=contact_id,
                occurred_at=ago(10),
            )
        threaded = hits(s, "single_threaded")
        assert {h.account_id: h.facts for h in threaded} == {
            acme: {"contacts": 2, "team": 1, "threading": "one person"},  # beta: two each side
        }
        assert hits(s, "single_threaded", window_days=5) == []  # uncovered is not threaded
        uncovered = hits(s, "single_threaded", window_days=5, include_uncovered=True)
        assert {h.account_id: h.facts["threading"] for h in uncovered} == {
            acme: "uncovered",
            beta: "uncovered",
        }
        assert hits(s, "single_threaded", min_orders_365d=3) == []


def test_model_human_disagreement(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        scores(s, {acme: (0.7, 35.0), beta: (0.1, 80.0)})
        for score in s.scalars(select(AccountScore)):
            score.health_band = "at_risk" if score.account_id == acme else "healthy"
        user = User(email="olga@maker.test", name="Olga", password_hash="x", role="member")
        s.add(user)
        s.flush()
        for account_id in (acme, beta):
            read = HumanRead(
                account_id=account_id,
                user_id=user.id,
                employee_id=w.employees["olga"],
                read="healthy",
                reason="they just doubled the order",
            )
            s.add(read)
        s.flush()
        found = hits(s, "model_human_disagreement")
        assert [(h.account_id, h.reason_key) for h in found] == [(acme, "read:healthy:at_risk")]
        assert found[0].facts["reader"] == "Olga"
        assert hits(s, "model_human_disagreement", only_more_worried=True) == []


def test_usage_decline_and_alarm_spike(engine: Engine) -> None:
    with session_scope(engine) as s:
        w = small_world(s)
        acme, beta = w.accounts["acme"], w.accounts["beta"]
        falling = add(s, Asset, account_id=acme, serial="P-1")
        steady = add(s, Asset, account_id=beta, serial="P-2")
        for days_back in range(90):
            level = 2.0 if days_back < 30 else 8.0
            for asset, value in ((falling, level), (steady, 8.0)):
                s.add(
                    TelemetryEvent(
                        asset_id=asset.id,
                        ts=ago(days_back),
                        metric="run_hours",
                        value=value,
                        source="test",
                    )
                )
        for days_back in range(0, 12, 2):
            s.add(
                TelemetryEvent(
                    asset_id=steady.id,
                    ts=ago(days_back, 3),
                    alarm_code="E7",
                    severity="high",
                    source="test",
                )
            )
        s.add(TelemetryEvent(asset_id=falling.id, ts=ago(50, 3), alarm_code="E1", source="test"))
        s.flush()
        rebuild_rollups(s)  # what ingest or `keepwell run` leaves behind
        usage = hits(s, "usage_decline", min_drop=0.3)
        assert [(h.account_id, h.facts["drop"], h.facts["usage_30d"]) for h in usage] == [
            (acme, 0.75, 60.0)
        ]
        assert hits(s, "usage_decline", min_drop=0.8) == []
        spike = hits(s, "alarm_spike", min_alarms=5, min_ratio=3)
        assert [(h.account_id, h.facts["alarms"]) for h in spike] == [(beta, 6)]
        assert hits(s, "alarm_spike", min_alarms=7) == []
