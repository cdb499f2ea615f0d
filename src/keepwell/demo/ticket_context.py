"""What a generated ticket, survey or note needs to know about its customer on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from keepwell.demo.dice import Dice, Period
from keepwell.demo.model import Contact, Customer, Employee, Machine, World
from keepwell.demo.rows import OrderRow

FALLBACK_TITLES = {
    "service_lead": ("Service Coordinator", "Field Service Engineer", "Service Technician"),
    "delivery_lead": ("Order Management Specialist", "Logistics Coordinator"),
    "quality_lead": ("Quality Engineer",),
    "finance_contact": ("Credit Controller", "Accountant"),
    "account_owner": ("Inside Sales Representative",),
    "technical_lead": ("Application Engineer",),
    "executive_sponsor": ("Head of Sales",),
}
"""Who picks the work up when the account team has nobody in a role."""
MEDIA = {
    "en": ("caustic soda", "process water", "glycol", "a solvent mixture", "condensate", "brine"),
    "de": ("Natronlauge", "Prozesswasser", "Glykol", "Lösemittelgemisch", "Kondensat", "Sole"),
}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
}


@dataclass
class Context:
    """A customer, the world it lives in and the random stream of the generator at work."""

    dice: Dice
    world: World
    customer: Customer

    @property
    def period(self) -> Period:
        """The demo period."""
        return self.world.period

    def language(self) -> str:
        """The language of the next message: German customers mostly write German."""
        return "de" if self.customer.german and self.dice.chance(0.7) else "en"

    def contact(self, day: date, role: str) -> Contact | None:
        """A contact present on ``day``, preferably one with ``role``."""
        present = self.customer.present_contacts(day)
        preferred = [c for c in present if c.role == role]
        if preferred and self.dice.chance(0.7):
            return self.dice.pick(preferred)
        return self.dice.pick(present) if present else None


def assignee(ctx: Context, role: str, day: date) -> Employee | None:
    """The account-team member in ``role`` on ``day``, else a colleague who covers it."""
    member = ctx.customer.member(role, day)
    if member is not None:
        return member
    titles = FALLBACK_TITLES[role]
    pool = [e for e in ctx.world.employees if e.title in titles and e.employed(day)]
    return ctx.dice.pick(pool) if pool else None


def slots(
    ctx: Context,
    lang: str,
    contact: Contact | None,
    machine: Machine | None,
    order: OrderRow | None,
) -> dict[str, object]:
    """Every detail a template may mention, for one message."""
    dice = ctx.dice
    weeks = dice.integer(3, 12)
    late_weeks = weeks + dice.integer(2, 6)
    promised = ""
    if order is not None and order.promised_at is not None:
        weeks = max(round((order.promised_at - order.ordered_at).days / 7), 2)
        late_weeks = weeks + max(order.late_days // 7, 1)
        promised = order.promised_at.strftime("%d.%m.%Y" if lang == "de" else "%d %b %Y")
    return {
        "model": machine.model.name if machine else "pump",
        "serial": machine.serial if machine else "n/a",
        "order": order.number if order else "",
        "promised": promised,
        "weeks": weeks,
        "n": late_weeks if order else dice.integer(2, 9),
        "medium": dice.pick(MEDIA[lang]),
        "temp": dice.integer(20, 140),
        "fw": dice.pick(("4.2", "4.2.0", "V4.2", "4.2.1")),
        "vib": f"{dice.uniform(7.2, 14.5):.1f}",
        "months": dice.integer(4, 18),
        "month": dice.pick(MONTHS[lang]),
        "name": contact.name if contact else "Maintenance",
        "title": contact.title if contact else "Maintenance",
        "phone": contact.phone if contact else "",
        "company": ctx.customer.name,
    }
