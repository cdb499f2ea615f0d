"""The machine platform's data for the last twelve months: daily run hours and alarms.

Connected machines report their operating hours per day (less at weekends, holidays and
the summer stop) and raise alarms now and then, and before a reported fault of their
model's recurring problem. Machines of customers winding down production run less and less.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from keepwell.demo.catalog import PROBLEMS_BY_KEY
from keepwell.demo.dice import Dice, plus
from keepwell.demo.model import Customer, Machine, World
from keepwell.demo.rows import Telemetry, TicketRow

DAYS = 365
GENERIC_ALARMS = (
    ("W210", "WARN"),
    ("W115", "WARN"),
    ("E301", "ALARM"),
    ("I001", "INFO"),
    ("W402", "WARN"),
)
PROBLEM_LEVELS = {"seal_leak": "ALARM", "firmware_reset": "TRIP", "bearing_noise": "WARN"}


def build_telemetry(world: World, tickets: list[TicketRow]) -> Telemetry:
    """Readings and alarms of every connected machine over the last twelve months."""
    reported: dict[str, list[TicketRow]] = defaultdict(list)
    for row in tickets:
        if row.machine is not None and row.problem in PROBLEM_LEVELS:
            reported[row.machine.serial].append(row)
    table = Telemetry()
    for customer in world.customers:
        dice = Dice(world.seed, "telemetry", customer.index)
        five_day = customer.tier == "C" or dice.chance(0.35)
        for machine in customer.machines:
            days = _reporting_days(world, customer, machine)
            if machine.connected and days:
                hours = _run_hours(dice, customer, machine, days, five_day)
                table.readings(machine.serial, days, hours)
                _alarms(dice, world, machine, days, reported[machine.serial], table)
    return table


def _reporting_days(world: World, customer: Customer, machine: Machine) -> list[date]:
    first = max(plus(world.period.as_of, -(DAYS - 1)), machine.installed_at)
    last = min(world.period.as_of, plus(customer.active_until(world.period), -1))
    if machine.decommissioned_at is not None:
        last = min(last, plus(machine.decommissioned_at, -1))
    return [plus(first, k) for k in range((last - first).days + 1)]


def _run_hours(
    dice: Dice, customer: Customer, machine: Machine, days: list[date], five_day: bool
) -> npt.NDArray[np.float64]:
    ordinals = np.array([d.toordinal() for d in days])
    weekday = (ordinals - 1) % 7
    factor = np.ones(len(days))
    if five_day:
        factor[weekday >= 5] = 0.15
    factor *= _holidays(dice, days)
    factor *= _decline(customer, days)
    noise = dice.rng.normal(0.0, 1.1, len(days))
    hours = np.clip(machine.hours_per_day * factor + noise * factor, 0.0, 24.0)
    return np.round(hours, 1)


def _holidays(dice: Dice, days: list[date]) -> npt.NDArray[np.float64]:
    summer_start = dice.integer(190, 225)
    factor = np.ones(len(days))
    for k, day in enumerate(days):
        doy = day.timetuple().tm_yday
        if summer_start <= doy < summer_start + 14:
            factor[k] = 0.05
        elif (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day == 1):
            factor[k] = 0.3
    return factor


def _decline(customer: Customer, days: list[date]) -> npt.NDArray[np.float64]:
    """Usage falling towards the churn date of customers winding down production."""
    story = customer.story
    factor = np.ones(len(days))
    if not story.has("usage_decline") or story.signals_from is None or story.churn_on is None:
        return factor
    span = max((story.churn_on - story.signals_from).days, 1)
    since = np.array([(d - story.signals_from).days for d in days], dtype=float)
    return np.where(since > 0, np.maximum(0.08, 1.0 - 0.92 * since / span), 1.0)


def _alarms(
    dice: Dice,
    world: World,
    machine: Machine,
    days: list[date],
    reports: list[TicketRow],
    table: Telemetry,
) -> None:
    seen: set[tuple[datetime, str]] = set()

    def emit(day: date, code: str, level: str) -> None:
        if days[0] <= day <= days[-1]:
            ts = datetime(day.year, day.month, day.day) + timedelta(minutes=dice.integer(0, 1439))
            if (ts, code) not in seen:
                seen.add((ts, code))
                table.alarm_event(machine.serial, ts, code, level)

    for _ in range(dice.poisson(len(days) / 30 * 0.5)):
        code, level = dice.pick(GENERIC_ALARMS)
        emit(dice.pick(days), code, level)
    for report in reports:
        problem = PROBLEMS_BY_KEY[report.problem or ""]
        for _ in range(dice.integer(1, 3)):
            emit(
                plus(report.opened_at.date(), -dice.integer(1, 10)),
                problem.alarm or "",
                PROBLEM_LEVELS[problem.key],
            )
    if machine.model.name in PROBLEMS_BY_KEY["firmware_reset"].models:
        low, high = PROBLEMS_BY_KEY["firmware_reset"].window
        opens = world.period.day(low * world.period.days)
        closes = world.period.day(high * world.period.days)
        live = [d for d in days if opens <= d <= closes]
        for _ in range(dice.poisson(len(live) / 25)):
            emit(dice.pick(live), "C501", "TRIP")
