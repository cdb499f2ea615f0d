"""Human read vs model: an account owner's own read beside the model's, and who was right.

The model's read is the health band of the latest scoring run (healthy / watch /
at_risk), shown with the churn probability. Both reads are kept as recorded; the
report compares them read by read and never blends them into one number.

An outcome is known when the account was lost within ``horizon`` days after the read
(churned) or when ``horizon`` days passed with the account still a customer (stayed).
"at_risk" predicts churn; "healthy" and "watch" predict that the customer stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.days import utcnow
from keepwell.db import prepared
from keepwell.insight.snapshots import latest_run, latest_scores
from keepwell.people.models import Employee
from keepwell.record.models import Account
from keepwell.teams.access import owns_account
from keepwell.teams.errors import NotAllowed, TeamsError
from keepwell.teams.models import HumanRead
from keepwell.teams.team import get_account

READS = ("healthy", "watch", "at_risk")
HORIZON_DAYS = 180
SEVERITY = {read: i for i, read in enumerate(READS)}


def record_read(
    session: Session,
    account_id: int,
    *,
    user_id: int,
    employee_id: int | None,
    read: str,
    reason: str,
    actor: str,
    day: date | None = None,
) -> HumanRead:
    """Store the owner's read of the account with the model's read at that moment."""
    get_account(session, account_id)
    if read not in READS:
        raise TeamsError(f"the read is one of: {', '.join(READS)}")
    if not reason.strip():
        raise TeamsError("say why: the reason is what makes a read useful to others")
    if not owns_account(session, employee_id, account_id, day or date.today()):
        raise NotAllowed("only the account owner records a read of this account")
    run = latest_run(session)
    score = latest_scores(session, [account_id]).get(account_id)
    row = HumanRead(
        account_id=account_id,
        user_id=user_id,
        employee_id=employee_id,
        read=read,
        reason=reason.strip(),
        recorded_at=datetime.combine(day, utcnow().time()) if day else utcnow(),
        model_read=score.health_band if score else None,
        model_probability=score.churn_probability if score else None,
        run_id=run.id if run and score else None,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="read.record",
        entity="account",
        entity_id=account_id,
        changes={"read": read, "model_read": row.model_read},
    )
    return row


@dataclass(frozen=True)
class Disagreement:
    """An account whose owner reads it differently from the model today."""

    account_id: int
    account: str
    owner: str | None
    human_read: str
    reason: str
    recorded_at: datetime
    model_read: str
    churn_probability: float | None
    human_more_worried: bool

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**self.__dict__, "recorded_at": self.recorded_at.isoformat()}


def latest_reads(session: Session, account_ids: list[int] | None = None) -> dict[int, HumanRead]:
    """The newest read of each account."""
    chosen = account_ids is not None
    newest = prepared.read(session, _newest(chosen), ids=account_ids or []).scalars().all()
    if not newest:
        return {}
    rows = session.scalars(select(HumanRead).where(HumanRead.id.in_(newest)))
    return {row.account_id: row for row in rows}


@prepared.prepared
def _newest(chosen: bool) -> Select[*tuple[Any, ...]]:
    """The id of each account's newest read (of the accounts ``ids`` when ``chosen``)."""
    query = select(func.max(HumanRead.id)).group_by(HumanRead.account_id)
    if chosen:
        return query.where(HumanRead.account_id.in_(bindparam("ids", expanding=True)))
    return query


def disagreements(session: Session) -> list[Disagreement]:
    """Accounts whose latest human read differs from the latest model read, most apart first."""
    reads = latest_reads(session)
    scores = latest_scores(session, list(reads))
    names = dict(
        session.execute(select(Account.id, Account.name).where(Account.id.in_(reads))).all()
    )
    owners = dict(session.execute(select(Employee.id, Employee.name)).all())
    found = []
    for account_id, read in reads.items():
        score = scores.get(account_id)
        if score is None or score.health_band == read.read:
            continue
        found.append(
            Disagreement(
                account_id,
                names[account_id],
                owners.get(read.employee_id) if read.employee_id else None,
                read.read,
                read.reason,
                read.recorded_at,
                score.health_band,
                score.churn_probability,
                SEVERITY[read.read] > SEVERITY.get(score.health_band, 0),
            )
        )
    return sorted(found, key=lambda d: (-_gap(d), d.account))


def _gap(item: Disagreement) -> int:
    return abs(SEVERITY[item.human_read] - SEVERITY.get(item.model_read, 0))


def outcome(account: Account, recorded: date, as_of: date, horizon: int) -> str:
    """``churned``, ``stayed`` or ``pending`` for a read made on ``recorded``."""
    end = recorded + timedelta(days=horizon)
    if account.status == "lost" and account.ended_on and recorded < account.ended_on <= end:
        return "churned"
    if account.status == "lost" and account.ended_on and account.ended_on <= recorded:
        return "pending"
    return "stayed" if end <= as_of else "pending"


def right(read: str | None, result: str) -> bool | None:
    """Whether a read matched the outcome (``None`` when there was no read)."""
    if read is None:
        return None
    return (read == "at_risk") == (result == "churned")


def read_accuracy(
    session: Session, as_of: date | None = None, *, horizon: int = HORIZON_DAYS
) -> dict[str, Any]:
    """How often the owners and the model were right, over reads whose outcome is known."""
    day = as_of or date.today()
    rows = session.execute(
        select(HumanRead, Account).join(Account, Account.id == HumanRead.account_id)
    )
    tally = {
        "reads": 0,
        "decided": 0,
        "pending": 0,
        "human_right": 0,
        "model_scored": 0,
        "model_right": 0,
        "disagreed": 0,
        "human_right_when_disagreed": 0,
        "model_right_when_disagreed": 0,
    }
    for read, account in rows.all():
        tally["reads"] += 1
        result = outcome(account, read.recorded_at.date(), day, horizon)
        if result == "pending":
            tally["pending"] += 1
            continue
        tally["decided"] += 1
        human = bool(right(read.read, result))
        model = right(read.model_read, result)
        tally["human_right"] += human
        if model is None:
            continue
        tally["model_scored"] += 1
        tally["model_right"] += model
        if read.model_read != read.read:
            tally["disagreed"] += 1
            tally["human_right_when_disagreed"] += human
            tally["model_right_when_disagreed"] += model
    return {
        "as_of": day.isoformat(),
        "horizon_days": horizon,
        **tally,
        "human_rate": _rate(tally["human_right"], tally["decided"]),
        "model_rate": _rate(tally["model_right"], tally["model_scored"]),
    }


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None
