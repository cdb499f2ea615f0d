"""Who leaves, when and why: the churn stories planted in the demo company.

About 15% of customers leave during the period and about 5% show the first signs at
``as_of`` without having left yet. Every story sets when its signals start; the activity
generators read it and thin out orders, raise complaints, lower usage and so on from then.
"""

from __future__ import annotations

from keepwell.demo.catalog import (
    AT_RISK_SHARE,
    CAUSES,
    CERT_INDUSTRIES,
    CHURN_SHARE,
    MACHINE_PROBLEMS,
    PROBLEMS_BY_KEY,
)
from keepwell.demo.dice import Dice, Period, plus
from keepwell.demo.model import Customer, Employee, Story
from keepwell.demo.names import COMPETITORS
from keepwell.demo.text import lost_reason
from keepwell.demo.world import add_machine

SECONDARY = {
    "repeat_problems": ("unanswered_detractor", 0.35),
    "late_deliveries": ("price_competitor", 0.35),
    "owner_left": ("unanswered_detractor", 0.3),
}
AT_RISK_CAUSES = (
    "repeat_problems",
    "late_deliveries",
    "price_competitor",
    "unanswered_detractor",
    "usage_decline",
)


def plan_stories(
    seed: int, customers: list[Customer], staff: list[Employee], period: Period
) -> None:
    """Write a story into every customer that leaves or is about to."""
    dice = Dice(seed, "story")
    pool = [c for c in dice.shuffled(customers) if c.started_on <= period.start]
    owners = sorted(
        (e for e in staff if e.title == "Account Manager" and e.left_at), key=lambda e: e.number
    )
    for cause, count in quotas(max(1, round(len(customers) * CHURN_SHARE))).items():
        for k in range(count):
            owner = owners[k % len(owners)]
            customer = _take(pool, cause, owner, period)
            if customer is not None:
                _churn(Dice(seed, "story", customer.index), customer, cause, period, owner)
    for _ in range(round(len(customers) * AT_RISK_SHARE)):
        if pool:
            customer = pool.pop()
            _at_risk(Dice(seed, "risk", customer.index), customer, period)
    for customer in pool:
        if customer.tier != "A" and Dice(seed, "thread", customer.index).chance(0.08):
            customer.single_threaded = True


def quotas(churners: int) -> dict[str, int]:
    """How many churners each cause gets (largest remainder, at least one each from six)."""
    exact = {cause: share * churners for cause, share in CAUSES.items()}
    counts = {cause: int(value) for cause, value in exact.items()}
    if churners >= len(CAUSES):
        counts = {cause: max(count, 1) for cause, count in counts.items()}
    by_remainder = sorted(CAUSES, key=lambda c: counts[c] - exact[c])
    for cause in by_remainder[: max(churners - sum(counts.values()), 0)]:
        counts[cause] += 1
    return counts


def _take(pool: list[Customer], cause: str, owner: Employee, period: Period) -> Customer | None:
    """Remove and return the first customer of ``pool`` the cause can happen to."""
    for position, customer in enumerate(pool):
        if _fits(customer, cause, owner, period):
            return pool.pop(position)
    return None


def _fits(customer: Customer, cause: str, owner: Employee, period: Period) -> bool:
    if cause == "owner_left":
        assert owner.left_at is not None
        return customer.tier != "A" and (owner.left_at - customer.started_on).days > 365
    if cause == "repeat_problems":
        return (period.start - customer.started_on).days > 365
    return True


def _churn(dice: Dice, customer: Customer, cause: str, period: Period, owner: Employee) -> None:
    last = plus(period.as_of, -30)
    story = Story(causes=(cause,), competitor=dice.pick(COMPETITORS))
    customer.story = story
    if cause == "owner_left":
        assert owner.left_at is not None
        customer.single_threaded = True
        story.owner = owner
        story.signals_from = owner.left_at
        story.churn_on = min(plus(owner.left_at, dice.integer(110, 240)), last)
    elif cause == "usage_decline":
        story.churn_on = plus(period.as_of, -dice.integer(30, 200))
        start = plus(story.churn_on, -dice.integer(120, 170))
        story.signals_from = max(start, plus(period.as_of, -340))
        _connect_one(customer)
    elif cause == "repeat_problems":
        _problem_story(dice, customer, period)
    else:
        story.churn_on = plus(period.start, dice.integer(420, period.days - 30))
        start = plus(story.churn_on, -dice.integer(240, 400))
        story.signals_from = max(start, plus(period.start, 150))
    _second_cause(dice, customer, cause)
    if cause == "unanswered_detractor" or story.has("unanswered_detractor"):
        _place_detractor(dice, story)
    _trim_late_machines(dice, customer, period)
    _decommission(dice, customer, period)
    story.marked_lost = dice.chance(0.3 if cause == "owner_left" else 0.6)
    if story.marked_lost:
        story.lost_reason = lost_reason(dice, customer)


def _problem_story(dice: Dice, customer: Customer, period: Period) -> None:
    """Pick a recurring problem the customer can suffer from and time the churn around it."""
    story = customer.story
    owned = {m.model.name for m in customer.machines}
    options = [k for k in MACHINE_PROBLEMS if owned & set(PROBLEMS_BY_KEY[k].models)]
    if customer.industry in CERT_INDUSTRIES:
        options.append("missing_certs")
    if not options:
        key = dice.pick(MACHINE_PROBLEMS)
        add_machine(dice, customer, period, PROBLEMS_BY_KEY[key].models)
        options = [key]
    story.problem = dice.pick(options)
    low, high = PROBLEMS_BY_KEY[story.problem].window
    opens = period.day(low * period.days)
    closes = min(period.day(high * period.days + 150), plus(period.as_of, -30))
    earliest = max(plus(opens, 200), plus(period.start, 420))
    story.churn_on = plus(earliest, dice.integer(0, max((closes - earliest).days, 0)))
    start = plus(story.churn_on, -dice.integer(270, 420))
    story.signals_from = max(start, plus(opens, 10), plus(period.start, 150))


def _second_cause(dice: Dice, customer: Customer, cause: str) -> None:
    if cause in SECONDARY:
        extra, p = SECONDARY[cause]
        if dice.chance(p):
            customer.story.causes = (cause, extra)


def _place_detractor(dice: Dice, story: Story) -> None:
    assert story.churn_on is not None
    assert story.signals_from is not None
    span = (story.churn_on - story.signals_from).days
    story.detractor_on = plus(story.signals_from, dice.integer(span // 4, span * 2 // 3))


def _connect_one(customer: Customer) -> None:
    if not any(m.connected for m in customer.machines):
        customer.machines[0].connected = True


def _trim_late_machines(dice: Dice, customer: Customer, period: Period) -> None:
    """A customer on its way out buys no new machines."""
    signals = customer.story.signals_from
    assert signals is not None
    cutoff = plus(signals, -45)
    customer.machines = [
        m for m in customer.machines if m.ordered_at is None or m.ordered_at < cutoff
    ]
    if not customer.machines:
        add_machine(dice, customer, period, ("KP-210", "SC-37", "DP-12"))
    if customer.story.has("usage_decline"):
        _connect_one(customer)


def _decommission(dice: Dice, customer: Customer, period: Period) -> None:
    """Machines of a lost customer go out of service (all of them when production stops)."""
    churn = customer.story.churn_on
    assert churn is not None
    winding_down = customer.story.has("usage_decline")
    for machine in customer.machines:
        if winding_down or dice.chance(0.6):
            day = plus(churn, dice.integer(0, 30 if winding_down else 90))
            machine.decommissioned_at = day if day <= period.as_of else None


def _at_risk(dice: Dice, customer: Customer, period: Period) -> None:
    cause = dice.pick(AT_RISK_CAUSES)
    story = Story(causes=(cause,), at_risk=True, competitor=dice.pick(COMPETITORS))
    customer.story = story
    story.signals_from = plus(period.as_of, -dice.integer(100, 200))
    story.churn_on = plus(period.as_of, dice.integer(60, 180))
    if cause == "repeat_problems":
        owned = {m.model.name for m in customer.machines}
        options = [
            k
            for k in ("seal_leak", "bearing_noise", "corrosion")
            if owned & set(PROBLEMS_BY_KEY[k].models)
        ]
        if not options:
            story.causes = ("late_deliveries",)
        else:
            story.problem = dice.pick(options)
    if cause == "unanswered_detractor":
        story.detractor_on = plus(period.as_of, -dice.integer(20, 80))
    if cause == "usage_decline":
        _connect_one(customer)
    _trim_late_machines(dice, customer, period)
