"""The demo company's employees, who leaves when, and the account teams around each customer."""

from __future__ import annotations

from datetime import date

from keepwell.demo.catalog import COMPANY_DOMAIN, LEAVERS, ROSTER, Position
from keepwell.demo.dice import Dice, Period, plus
from keepwell.demo.model import Assignment, Customer, Employee
from keepwell.demo.world import ascii_slug, person_name

REGIONS = ("DACH", "Nordics", "Benelux", "France", "UK & Ireland", "Iberia", "Central Europe")
REGION_WEIGHTS = (70, 5, 5, 5, 6, 4, 5)
TEAM_ROLES = {
    "A": (
        "account_owner",
        "executive_sponsor",
        "service_lead",
        "technical_lead",
        "delivery_lead",
        "quality_lead",
        "finance_contact",
    ),
    "B": ("account_owner", "service_lead", "technical_lead", "delivery_lead", "finance_contact"),
    "C": ("account_owner", "service_lead"),
}
OPTIONAL = {"quality_lead": 0.3, "finance_contact": 0.45, "technical_lead": 0.25}
OWNER_TITLES = {"A": "Key Account Manager", "B": "Account Manager", "C": "Account Manager"}


def build_staff(seed: int, period: Period) -> list[Employee]:
    """The roster, the leavers with their leaving dates and the people hired to replace them."""
    dice = Dice(seed, "staff")
    employees = [
        _hire(dice, position, plus(period.start, -dice.integer(90, 20 * 365)))
        for position in ROSTER
        for _ in range(position.count)
    ]
    for title, when in LEAVERS:
        position = next(p for p in ROSTER if p.title == title)
        staying = [e for e in employees if e.title == title and e.left_at is None]
        leaver = dice.pick(staying)
        leaver.left_at = plus(period.start, when * period.days + dice.integer(-10, 10))
        employees.append(_hire(dice, position, plus(leaver.left_at, dice.integer(-25, 60))))
    _number_and_address(employees)
    return employees


def _hire(dice: Dice, position: Position, hired_at: date) -> Employee:
    region = dice.weighted(REGIONS, REGION_WEIGHTS)
    return Employee(
        number="",
        name=person_name(dice, region),
        email="",
        dept=position.dept,
        title=position.title,
        role=position.role,
        hired_at=hired_at,
    )


def _number_and_address(employees: list[Employee]) -> None:
    """Personnel numbers in order of hiring; unique first.last e-mail addresses."""
    used: set[str] = set()
    ordered = sorted(range(len(employees)), key=lambda i: (employees[i].hired_at, i))
    for number, i in enumerate(ordered, start=10_017):
        employee = employees[i]
        employee.number = str(number)
        first, _, last = employee.name.partition(" ")
        local = f"{ascii_slug(first, '')}.{ascii_slug(last, '')}"
        candidate, n = local, 1
        while candidate in used:
            n += 1
            candidate = f"{local}{n}"
        used.add(candidate)
        employee.email = f"{candidate}@{COMPANY_DOMAIN}"


def build_teams(
    seed: int, customers: list[Customer], staff: list[Employee], period: Period
) -> None:
    """Give every customer its account team, then hand over the accounts of leavers."""
    load: dict[str, int] = {e.number: 0 for e in staff}
    for customer in customers:
        dice = Dice(seed, "team", customer.index)
        for role in _roles(dice, customer):
            employee = customer.story.owner if role == "account_owner" else None
            employee = employee or _pick(dice, _pool(staff, customer, role, period), load)
            since = max(customer.started_on, employee.hired_at)
            customer.team.append(Assignment(employee, role, since))
            load[employee.number] += 1
        _hand_over(dice, customer, staff, period, load)


def _roles(dice: Dice, customer: Customer) -> list[str]:
    if customer.single_threaded:
        return ["account_owner"]
    return [
        role
        for role in TEAM_ROLES[customer.tier]
        if role not in OPTIONAL or not dice.chance(OPTIONAL[role])
    ]


def _pool(staff: list[Employee], customer: Customer, role: str, period: Period) -> list[Employee]:
    present = [e for e in staff if e.employed(max(customer.started_on, period.start))]
    if role == "account_owner":
        return [e for e in present if e.title == OWNER_TITLES[customer.tier]]
    return [e for e in present if e.role == role]


def _pick(dice: Dice, pool: list[Employee], load: dict[str, int]) -> Employee:
    """The least-loaded employee of ``pool`` (ties broken at random)."""
    return min(dice.shuffled(pool), key=lambda e: load[e.number])


def _hand_over(
    dice: Dice, customer: Customer, staff: list[Employee], period: Period, load: dict[str, int]
) -> None:
    """End the assignments of people who leave and give them to a colleague, if anyone."""
    for assignment in list(customer.team):
        left = assignment.employee.left_at
        if left is None or left > period.as_of:
            continue
        assignment.until = left
        orphaned = assignment.role == "account_owner" and customer.story.has("owner_left")
        if orphaned or customer.active_until(period) <= left:
            continue
        handover = plus(left, dice.integer(3, 45))
        colleagues = [
            e
            for e in staff
            if e.title == assignment.employee.title
            and e is not assignment.employee
            and e.left_at is None
        ]
        successor = _pick(dice, colleagues, load)
        since = max(handover, successor.hired_at)
        if since < customer.active_until(period):
            customer.team.append(Assignment(successor, assignment.role, since))
            load[successor.number] += 1
