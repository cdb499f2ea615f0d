"""What really happened in the demo company, written next to the exports as ``ground_truth.json``.

For every customer that left: its ids, when, why, and the records that show it coming; for
every planted recurring problem: the tickets that belong to it. Analytics built on the
imported data (churn reasons, problem detection) can be checked against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from keepwell.demo.catalog import COMPANY, PROBLEMS
from keepwell.demo.company import Company
from keepwell.demo.formats import write_json
from keepwell.demo.model import Customer
from keepwell.demo.rows import Activity

FILE_NAME = "ground_truth.json"


@dataclass(frozen=True)
class ChurnedAccount:
    """A customer that left (or, for ``at_risk``, is about to) and the evidence of why."""

    account: str
    erp_customer_no: str
    name: str
    causes: list[str]
    signals_from: str
    churned_on: str | None
    marked_lost: bool = False
    problem: str | None = None
    owner_who_left: str | None = None
    last_order: str | None = None
    problem_tickets: list[str] = field(default_factory=list)
    unanswered_detractors: list[str] = field(default_factory=list)
    late_orders: list[str] = field(default_factory=list)
    lost_quotes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlantedProblem:
    """A recurring problem and the tickets that report it."""

    key: str
    title: str
    models: list[str]
    tickets: list[str]


@dataclass(frozen=True)
class GroundTruth:
    """The planted truth of one generated demo company."""

    company: str
    seed: int
    accounts: int
    as_of: str
    period_start: str
    rows: dict[str, int]
    churned: list[ChurnedAccount]
    at_risk: list[ChurnedAccount]
    problems: list[PlantedProblem]
    single_threaded: list[str]

    def churned_by_cause(self) -> dict[str, int]:
        """How many churned accounts each cause contributed to (a churner may have two)."""
        counts: dict[str, int] = {}
        for account in self.churned:
            for cause in account.causes:
                counts[cause] = counts.get(cause, 0) + 1
        return dict(sorted(counts.items()))


def build_ground_truth(company: Company, rows: dict[str, int]) -> GroundTruth:
    """The ground truth of ``company`` (``rows``: rows written per kind)."""
    world, activity = company.world, company.activity
    return GroundTruth(
        company=COMPANY,
        seed=world.seed,
        accounts=len(world.customers),
        as_of=world.period.as_of.isoformat(),
        period_start=world.period.start.isoformat(),
        rows=rows,
        churned=[_account(c, activity) for c in world.customers if c.story.churned],
        at_risk=[_account(c, activity) for c in world.customers if c.story.at_risk],
        problems=[
            PlantedProblem(
                p.key,
                p.title,
                list(p.models),
                [t.number for t in activity.tickets if t.problem == p.key],
            )
            for p in PROBLEMS
        ],
        single_threaded=[c.crm_id for c in world.customers if c.single_threaded],
    )


def _account(customer: Customer, activity: Activity) -> ChurnedAccount:
    story = customer.story
    assert story.signals_from is not None
    signals = story.signals_from
    own = [o for o in activity.orders if o.customer is customer]
    last_order = max((o.ordered_at for o in own), default=None)
    return ChurnedAccount(
        account=customer.crm_id,
        erp_customer_no=customer.erp_no,
        name=customer.name,
        causes=list(story.causes),
        signals_from=signals.isoformat(),
        churned_on=story.churn_on.isoformat() if story.churned and story.churn_on else None,
        marked_lost=story.marked_lost,
        problem=story.problem,
        owner_who_left=story.owner.number if story.owner else None,
        last_order=last_order.isoformat() if last_order else None,
        problem_tickets=[
            t.number
            for t in activity.tickets
            if t.customer is customer and story.problem and t.problem == story.problem
        ],
        unanswered_detractors=[
            s.number
            for s in activity.surveys
            if s.customer is customer
            and s.kind == "nps"
            and s.score <= 6
            and not s.followed_up
            and s.responded_at.date() >= signals
        ],
        late_orders=[o.number for o in own if o.late_days >= 7 and o.ordered_at >= signals],
        lost_quotes=[
            q.number
            for q in activity.quotes
            if q.customer is customer and q.outcome == "lost" and q.received_at >= signals
        ],
    )


def write_ground_truth(truth: GroundTruth, out_dir: Path) -> Path:
    """Write ``ground_truth.json`` into ``out_dir``."""
    path = out_dir / FILE_NAME
    write_json(path, asdict(truth))
    return path


def load_ground_truth(out_dir: Path) -> GroundTruth:
    """Read the ground truth a demo build wrote into ``out_dir``."""
    data: dict[str, Any] = json.loads((out_dir / FILE_NAME).read_text(encoding="utf-8"))
    return GroundTruth(
        **{
            **data,
            "churned": [ChurnedAccount(**item) for item in data["churned"]],
            "at_risk": [ChurnedAccount(**item) for item in data["at_risk"]],
            "problems": [PlantedProblem(**item) for item in data["problems"]],
        }
    )
