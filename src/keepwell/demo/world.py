"""The customers of the demo company: who they are, whom they employ, what they run."""

from __future__ import annotations

import unicodedata
from datetime import date

from keepwell.demo.catalog import MODEL_WEIGHTS, MODELS
from keepwell.demo.dice import Dice, Period, plus
from keepwell.demo.model import Contact, Customer, Machine
from keepwell.demo.names import (
    CONTACT_TITLES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    FIRST_NAMES,
    INDUSTRIES,
    INDUSTRY_WEIGHTS,
    LAST_NAMES,
    PREFIXES_COMPANY,
    SURNAMES_COMPANY,
    Country,
)

TIERS = ("A", "B", "C")
SEGMENTS = ("Enterprise", "Mid-Market", "Small Business")
SEGMENT_WEIGHTS = {"A": (80, 20, 0), "B": (15, 70, 15), "C": (0, 30, 70)}
CONTRACT_TYPES = ("Full Service", "Parts Only", "Time & Material", "None")
CONTRACT_WEIGHTS = {"A": (55, 25, 15, 5), "B": (30, 30, 30, 10), "C": (10, 20, 45, 25)}
CONTACT_COUNTS = {"A": (5, 8), "B": (3, 5), "C": (1, 3)}
MACHINE_COUNTS = {"A": (4, 8), "B": (2, 4), "C": (1, 2)}
FLEET_SIZES = {"A": (40, 220), "B": (10, 60), "C": (2, 15)}
_FOLD = str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "'": ""})


def ascii_slug(text: str, sep: str = "-") -> str:
    """``text`` lower-cased, reduced to ASCII letters and digits joined by ``sep``."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == " "))
    return sep.join(plain.lower().split())


def person_name(dice: Dice, region: str) -> str:
    """A first and last name typical of ``region``."""
    return f"{dice.pick(FIRST_NAMES[region])} {dice.pick(LAST_NAMES[region])}"


def build_customers(seed: int, count: int, period: Period) -> list[Customer]:
    """``count`` customers with their contacts and machines (ids are assigned later)."""
    taken: set[str] = set()
    customers = []
    for index in range(count):
        dice = Dice(seed, "customer", index)
        customer = _customer(dice, index, period, taken)
        customer.contacts = _contacts(dice, customer, period)
        customer.machines = _machines(dice, customer, period)
        customers.append(customer)
    return customers


def _customer(dice: Dice, index: int, period: Period, taken: set[str]) -> Customer:
    country = dice.weighted(COUNTRIES, COUNTRY_WEIGHTS)
    industry = dice.weighted(list(INDUSTRIES), INDUSTRY_WEIGHTS)
    tier = dice.weighted(TIERS, (15, 35, 50))
    name = _company_name(dice, country, industry, taken)
    contract = dice.weighted(CONTRACT_TYPES, CONTRACT_WEIGHTS[tier])
    low, high = FLEET_SIZES[tier]
    fleet = dice.integer(low, high)
    return Customer(
        index=index,
        crm_id="",
        erp_no="",
        name=name,
        domain=_domain(name, country),
        country=country,
        industry=industry,
        segment=dice.weighted(SEGMENTS, SEGMENT_WEIGHTS[tier]),
        tier=tier,
        started_on=_started_on(dice, period),
        contract_type=contract,
        payment_days=dice.weighted((30, 45, 60), (5, 3, 2)),
        late_payer=dice.chance(0.12),
        fleet_size=fleet,
        contract_value=_contract_value(dice, contract, fleet),
    )


def _company_name(dice: Dice, country: Country, industry: str, taken: set[str]) -> str:
    for _ in range(50):
        stem = dice.weighted(
            (dice.pick(country.cities), dice.pick(SURNAMES_COMPANY), dice.pick(PREFIXES_COMPANY)),
            (5, 3, 2),
        )
        name = f"{stem} {dice.pick(INDUSTRIES[industry])} {dice.pick(country.legal_forms)}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of company names")


def _domain(name: str, country: Country) -> str:
    words = ascii_slug(name).split("-")[:2]
    return f"{'-'.join(words)}.{country.tld}"


def _started_on(dice: Dice, period: Period) -> date:
    if dice.chance(0.8):
        return plus(period.start, -dice.integer(60, 15 * 365))
    return plus(period.start, dice.integer(0, period.days - 300))


def _contract_value(dice: Dice, contract: str, fleet: int) -> float | None:
    if contract == "Full Service":
        return round(dice.lognormal(9_000 + 320 * fleet, 0.25), -2)
    if contract == "Parts Only":
        return round(dice.lognormal(3_000 + 90 * fleet, 0.25), -2)
    return None


def _contacts(dice: Dice, customer: Customer, period: Period) -> list[Contact]:
    low, high = CONTACT_COUNTS[customer.tier]
    roles = ["decision maker", "user", "purchaser", "user", "finance", "user", "purchaser", "user"]
    contacts = [
        _contact(dice, customer, role, is_key=k == 0 or (k == 1 and customer.tier != "C"))
        for k, role in enumerate(roles[: dice.integer(low, high)])
    ]
    for contact in list(contacts):
        if dice.chance(0.13):
            contact.left_at = plus(period.start, dice.integer(60, period.days - 20))
            successor = _contact(dice, customer, contact.role, contact.is_key)
            successor.joined_at = plus(contact.left_at, dice.integer(-30, 90))
            contacts.append(successor)
    return contacts


def _contact(dice: Dice, customer: Customer, role: str, is_key: bool) -> Contact:
    name = person_name(dice, customer.country.region)
    first, _, last = name.partition(" ")
    phone = f"{customer.country.phone} {dice.integer(20, 99)} {dice.integer(100000, 9999999)}"
    return Contact(
        crm_id="",
        name=name,
        email=f"{ascii_slug(first, '')}.{ascii_slug(last, '')}@{customer.domain}",
        phone=phone,
        title=dice.pick(CONTACT_TITLES[role]),
        role=role,
        is_key=is_key,
    )


def _machines(dice: Dice, customer: Customer, period: Period) -> list[Machine]:
    low, high = MACHINE_COUNTS[customer.tier]
    machines = []
    first_day = max(period.start, customer.started_on)
    new_customer = customer.started_on > period.start
    for _ in range(dice.integer(low, high)):
        if new_customer or dice.chance(0.2):
            latest = (period.as_of - first_day).days - 170
            ordered = plus(first_day, dice.integer(10, max(latest, 11)))
            installed = plus(ordered, 60)
        else:
            ordered = None
            oldest = max((period.start - customer.started_on).days, 61)
            installed = plus(period.start, -dice.integer(60, min(oldest, 9 * 365)))
        machines.append(_machine(dice, installed, ordered))
    return machines


def _machine(dice: Dice, installed: date, ordered: date | None) -> Machine:
    model = dice.weighted(MODELS, MODEL_WEIGHTS)
    return Machine(
        device_id="",
        serial="",
        model=model,
        installed_at=installed,
        connected=dice.chance(0.38),
        hours_per_day=min(max(dice.lognormal(13.0, 0.35), 3.0), 22.5),
        ordered_at=ordered,
    )


def add_machine(
    dice: Dice, customer: Customer, period: Period, model_names: tuple[str, ...]
) -> Machine:
    """Give ``customer`` one more machine of one of ``model_names``, installed before the period.

    The customer must have started at least a year before the period.
    """
    machine = _machine(dice, plus(period.start, -dice.integer(90, 360)), None)
    name = dice.pick(model_names)
    machine.model = next(m for m in MODELS if m.name == name)
    customer.machines.append(machine)
    return machine


ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def assign_ids(seed: int, customers: list[Customer]) -> None:
    """The ids each source system gives customers, contacts and machines.

    Every customer's ids depend on the seed and its own position only, so a demo with more
    accounts keeps the ids of a smaller one.
    """
    used: set[str] = set()
    for customer in customers:
        dice = Dice(seed, "ids", customer.index)
        customer.crm_id = _unique(dice, used, "001", ALPHANUMERIC, 15)
        customer.erp_no = str(200_100 + 3 * customer.index + dice.integer(0, 2))
        for contact in customer.contacts:
            contact.crm_id = _unique(dice, used, "003", ALPHANUMERIC, 15)
        for k, machine in enumerate(customer.machines):
            machine.device_id = _unique(dice, used, "dev-", "0123456789abcdef", 10)
            made = machine.ordered_at or machine.installed_at
            number = 100_000 + 16 * customer.index + k
            machine.serial = f"{machine.model.serial_prefix}-{made:%y%m}-{number}"


def _unique(dice: Dice, used: set[str], prefix: str, alphabet: str, length: int) -> str:
    value = prefix + dice.token(alphabet, length)
    while value in used:
        value = prefix + dice.token(alphabet, length)
    used.add(value)
    return value
