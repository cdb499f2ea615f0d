"""Free text for the demo: tickets, survey comments, CRM notes, lost reasons, specifications.

A template holds ``[a|b|c]`` alternatives (one is picked at random) and ``{slot}`` fields
filled from the details of the record, so the same complaint reads differently each time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from keepwell.demo.dice import Dice
from keepwell.demo.model import Customer
from keepwell.demo.problem_text import ESCALATIONS, ORDINALS, Phrasing

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SPACES = re.compile(r"[ \t]{2,}")

GREETINGS = {
    "en": ("Hello,", "Hi team,", "Dear Service Team,", "Dear all,", "Good morning,", "Hi,"),
    "de": ("Guten Tag,", "Hallo zusammen,", "Sehr geehrte Damen und Herren,", "Hallo,"),
}
OPENINGS = {
    "en": (
        "{Symptom}.",
        "We have an issue: {symptom}.",
        "I am writing because {symptom}.",
        "As discussed on the phone, {symptom}.",
        "Quick heads-up: {symptom}.",
    ),
    "de": (
        "{Symptom}.",
        "wir haben ein Problem: {symptom}.",
        "leider müssen wir Ihnen mitteilen: {symptom}.",
        "wie telefonisch besprochen: {symptom}.",
    ),
}
AGENT_PREFIXES = (
    "Phone call from {name}.",
    "{name} ({title}) called.",
    "Logged from e-mail:",
    "Customer wrote:",
)
AGENT_OPENINGS = (
    "Customer reports that {symptom}.",
    "Phone call from {name}: {symptom}.",
    "{name} ({title}) called: {symptom}.",
    "Logged from e-mail: {symptom}.",
)
SIGN_OFFS = {
    "en": (
        "Best regards\n{name}",
        "Kind regards,\n{name}\n{title}",
        "Thanks,\n{name}",
        "Regards\n{name}\n{title} | {company}\nPhone {phone}",
        "Thank you\n{name}\n\nSent from my iPhone",
    ),
    "de": (
        "Mit freundlichen Grüßen\n{name}",
        "Viele Grüße\n{name}\n{title}",
        "Mit freundlichen Grüßen\n\n{name}\n{company}\nTel. {phone}",
    ),
}


def render(dice: Dice, template: str, slots: Mapping[str, object]) -> str:
    """``template`` with each ``[a|b]`` resolved at random and each ``{slot}`` filled."""
    text = template
    while match := _CHOICE.search(text):
        text = text[: match.start()] + dice.pick(match.group(1).split("|")) + text[match.end() :]
    text = text.format_map(slots)
    return _SPACES.sub(" ", text).replace(" .", ".").replace(" ,", ",").strip()


def capital(text: str) -> str:
    """``text`` with its first letter upper-cased."""
    return text[:1].upper() + text[1:]


def ticket(
    dice: Dice, phrasing: Phrasing, lang: str, slots: Mapping[str, object], repeat: int = 0
) -> tuple[str, str]:
    """Subject and body of a ticket about a recurring problem; ``repeat`` earlier reports."""
    subject = render(dice, dice.pick(phrasing.subjects), slots)
    symptom = render(dice, dice.pick(phrasing.symptoms), slots)
    extras = []
    if dice.chance(0.7):
        extras.append(render(dice, dice.pick(phrasing.details), slots))
    if dice.chance(0.8):
        extras.append(render(dice, dice.pick(phrasing.asks), slots))
    if repeat >= 2:
        nth = {"nth": ORDINALS[lang][min(repeat, 6)]}
        extras.append(render(dice, dice.pick(ESCALATIONS[lang]), {**slots, **nth}))
    return capital(subject), message(dice, lang, symptom, extras, slots)


def message(
    dice: Dice,
    lang: str,
    symptom: str,
    extras: list[str],
    slots: Mapping[str, object],
    *,
    complete: bool = False,
) -> str:
    """A customer's e-mail around ``symptom``, or an agent's note of a call about it.

    ``complete`` marks a ``symptom`` made of whole sentences rather than a clause.
    """
    fills = {**slots, "symptom": symptom, "Symptom": capital(symptom)}
    agent = lang == "en" and dice.chance(0.25)
    if complete:
        prefix = render(dice, dice.pick(AGENT_PREFIXES), fills) + " " if agent else ""
        opening = prefix + capital(symptom)
    else:
        opening = render(dice, dice.pick(AGENT_OPENINGS if agent else OPENINGS[lang]), fills)
    body = " ".join([opening, *extras])
    if agent:
        return body
    greeting = dice.pick(GREETINGS[lang])
    sign_off = render(dice, dice.pick(SIGN_OFFS[lang]), slots)
    text = f"{greeting}\n\n{body}\n\n{sign_off}"
    if dice.chance(0.12):
        text += f"\n\n> {dice.pick(QUOTED[lang])}"
    return text


QUOTED = {
    "en": (
        "Your ticket has been received. A member of our service team will contact you shortly.",
        "Thank you for contacting Brenner Service. Please quote your ticket number in replies.",
    ),
    "de": (
        "Ihre Anfrage ist bei uns eingegangen. Wir melden uns in Kürze.",
        "Vielen Dank für Ihre Nachricht an den Brenner Kundendienst.",
    ),
}

ISSUES = {
    "seal_leak": ("seal leaks on the KP-240 pumps", "Dichtungsleckagen an den KP-240"),
    "firmware_reset": (
        "controller resets since the firmware update",
        "Steuerungsabstürze seit dem Firmware-Update",
    ),
    "bearing_noise": ("bearing failures on the vacuum pumps", "Lagerschäden an den Vakuumpumpen"),
    "corrosion": ("rust on the outdoor units", "Rost an den Außengeräten"),
    "missing_certs": ("missing material certificates", "fehlende Materialzeugnisse"),
    "late_delivery": ("late deliveries", "verspätete Lieferungen"),
}


def issue(problem: str | None, lang: str = "en") -> str:
    """A short noun phrase for a problem, as a customer would say it."""
    en, de = ISSUES.get(problem or "", ("quality problems", "Qualitätsprobleme"))
    return de if lang == "de" else en


COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "promoter": {
        "en": (
            "Great service, [fast response|the technicians know their stuff].",
            "Reliable [pumps|equipment] and good support.",
            "Very satisfied with [the field service|delivery times|the application engineers].",
            "[Excellent|Very good] cooperation, [keep it up|thank you]!",
        ),
        "de": (
            "Sehr guter Service, [schnelle Reaktion|kompetente Techniker].",
            "Zuverlässige Pumpen und guter Support.",
            "Wir sind sehr zufrieden.",
        ),
    },
    "passive": {
        "en": (
            "Products OK, but [delivery times|prices] could be better.",
            "Generally fine. Response times vary.",
            "Good equipment, [documentation|communication] could improve.",
        ),
        "de": ("Insgesamt in Ordnung, Lieferzeiten könnten besser sein.", "Passt soweit."),
    },
    "problem": {
        "en": (
            "[Recurring|Repeated|Constant] {issue} and no [lasting|real] fix.",
            "Quality has gone down. We keep having {issue}.",
            "{Issue} [again and again|keep coming back]. [Not acceptable.|Very disappointing.]",
        ),
        "de": (
            "Ständig {issue} und keine dauerhafte Lösung.",
            "Die Qualität hat nachgelassen, immer wieder {issue}.",
        ),
    },
    "delivery": {
        "en": (
            "Lead times are [never|rarely] met.",
            "Deliveries are late [again and again|all the time] and nobody informs us.",
            "Your delivery promises [are worthless|cannot be trusted].",
        ),
        "de": ("Liefertermine werden nie eingehalten.", "Ständig Lieferverzug ohne Information."),
    },
    "price": {
        "en": (
            "Too expensive compared to {competitor}.",
            "[Prices|Spare parts prices] went up [too much|again]; {competitor} offers the same "
            "for less.",
            "Good products but the price is no longer competitive.",
        ),
        "de": ("Zu teuer im Vergleich zu {competitor}.", "Die Ersatzteilpreise sind zu hoch."),
    },
    "service": {
        "en": (
            "Nobody [calls back|answers our emails] anymore.",
            "We do not know who our contact person is since the change.",
            "Response times have become [poor|unacceptable].",
            "Not satisfied with the overall service.",
        ),
        "de": (
            "Niemand ruft zurück.",
            "Wir wissen nicht mehr, wer unser Ansprechpartner ist.",
            "Die Reaktionszeiten sind inakzeptabel.",
        ),
    },
    "usage": {
        "en": ("We are reducing production at this site.", "Less demand at our plant this year."),
        "de": ("Wir fahren die Produktion an diesem Standort herunter.",),
    },
    "csat_good": {
        "en": ("Quick and competent help, thank you.", "Problem solved fast.", "Good job."),
        "de": ("Schnelle und kompetente Hilfe, danke.", "Gut gelöst."),
    },
    "csat_bad": {
        "en": ("Took [far too long|weeks] to resolve.", "The problem is not really solved."),
        "de": ("Hat viel zu lange gedauert.", "Problem ist nicht wirklich gelöst."),
    },
}


def comment(dice: Dice, topic: str, lang: str, slots: Mapping[str, object]) -> str:
    """A survey comment on ``topic`` in ``lang``."""
    options = COMMENTS[topic]
    text = render(dice, dice.pick(options.get(lang, options["en"])), slots)
    return capital(text)


LOST_REASONS = {
    "repeat_problems": (
        "Repeated {issue} – customer lost confidence in our equipment",
        "Switched supplier after recurring {issue}",
        "Quality issues ({issue}) not resolved in time",
    ),
    "late_deliveries": (
        "Lead times not met – moved business to {competitor}",
        "Delivery performance; customer now buys from {competitor}",
    ),
    "price_competitor": ("Lost on price to {competitor}", "{competitor} undercut us by ~{pct}%"),
    "owner_left": (
        "No coverage after account manager left; customer moved to {competitor}",
        "Relationship lapsed after AM departure",
    ),
    "usage_decline": (
        "Site consolidation – production line closed",
        "Customer reduced production and decommissioned units",
    ),
    "unanswered_detractor": (
        "Dissatisfied with service and communication",
        "Customer unhappy with responsiveness; went to {competitor}",
    ),
}


def lost_reason(dice: Dice, customer: Customer) -> str:
    """Why the customer left, in the words of the sales team."""
    story = customer.story
    slots = {
        "issue": issue(story.problem),
        "competitor": story.competitor or "a competitor",
        "pct": dice.integer(8, 20),
    }
    return render(dice, dice.pick(LOST_REASONS[story.causes[0]]), slots)


def specification(dice: Dice, model: str, line: str, retrofit: bool) -> str:
    """What a quote offered, as the specification line of the quote."""
    if retrofit:
        template = (
            "[Retrofit kit|Upgrade package|Overhaul kit] for {model}: [seal kits, bearings, "
            "gaskets|new impeller and wear rings|controller upgrade and sensors|motor upgrade "
            "to IE4]"
        )
    elif line == "Screw Compressors":
        template = (
            "1 x {model} screw compressor, {kw} kW, [air-cooled|water-cooled], SmartCtrl "
            "controller[, heat recovery|, dryer|]"
        )
    else:
        template = (
            "1 x {model} [pump|unit], [316L|duplex|cast iron] wetted parts, [ATEX zone 1|"
            "non-ATEX], motor {kw} kW IE3[, seal plan 53B|, double mechanical seal|]"
        )
    return render(dice, template, {"model": model, "kw": dice.integer(4, 90)})
