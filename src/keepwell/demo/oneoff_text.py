"""Tickets that are not part of a recurring problem: routine requests and one-off faults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Routine:
    """A routine request: kind, severity, and how it is written in each language."""

    key: str
    kind: str
    severity: str
    subjects: dict[str, tuple[str, ...]]
    bodies: dict[str, tuple[str, ...]]


ROUTINES: tuple[Routine, ...] = (
    Routine(
        "manual",
        "support",
        "low",
        {
            "en": ("[Operating manual|O&M manual] {model}", "Documentation request {serial}"),
            "de": ("Betriebsanleitung {model}", "Dokumentation für {serial}"),
        },
        {
            "en": (
                "Could you send us the [operating manual|O&M manual|spare parts list] for the "
                "{model} (S/N {serial})? [Ours went missing.|We need it for our audit.]",
            ),
            "de": (
                "Können Sie uns die [Betriebsanleitung|Ersatzteilliste] für die {model} (SN "
                "{serial}) schicken?",
            ),
        },
    ),
    Routine(
        "training",
        "support",
        "low",
        {
            "en": ("Training request", "Operator training {model}"),
            "de": ("Schulungsanfrage", "Bedienerschulung {model}"),
        },
        {
            "en": (
                "We have [new operators|two new technicians] and would like a [training|short "
                "course] on the {model} [on site|at your factory].",
            ),
            "de": ("Wir haben neue Mitarbeiter und hätten gern eine Schulung zur {model}.",),
        },
    ),
    Routine(
        "invoice",
        "support",
        "low",
        {
            "en": (
                "Question on invoice for {order}",
                "Invoice {order} – wrong [PO number|address]",
            ),
            "de": ("Rückfrage Rechnung {order}",),
        },
        {
            "en": (
                "The invoice for order {order} shows the wrong [PO number|delivery address|VAT "
                "number]. Please send a corrected copy.",
            ),
            "de": (
                "Auf der Rechnung zu {order} ist die [Bestellnummer|Lieferadresse] falsch. Bitte "
                "korrigieren.",
            ),
        },
    ),
    Routine(
        "maintenance",
        "support",
        "low",
        {
            "en": ("[Annual|Yearly] maintenance {model}", "Service visit planning"),
            "de": ("Wartungstermin {model}", "Terminplanung Wartung"),
        },
        {
            "en": (
                "We would like to schedule the [annual|yearly] [maintenance|inspection] of our "
                "{model} units in {month}. Which dates are possible?",
            ),
            "de": (
                "Wir möchten die jährliche Wartung unserer {model} im {month} einplanen. Welche "
                "Termine sind möglich?",
            ),
        },
    ),
    Routine(
        "spares_id",
        "support",
        "low",
        {
            "en": ("Spare part number needed", "Which [gasket|impeller|filter] for {serial}?"),
            "de": ("Ersatzteilnummer gesucht",),
        },
        {
            "en": (
                "Please tell us the correct part number for the [gasket set|impeller|filter "
                "element] of {serial}; the label is [unreadable|missing].",
            ),
            "de": (
                "Bitte nennen Sie uns die Teilenummer für den [Dichtungssatz|Filtereinsatz] der "
                "{serial}.",
            ),
        },
    ),
    Routine(
        "damaged_packaging",
        "complaint",
        "low",
        {
            "en": ("Damaged packaging – {order}", "Delivery {order} arrived damaged"),
            "de": ("Beschädigte Verpackung {order}",),
        },
        {
            "en": (
                "Delivery of {order} arrived with [damaged packaging|a broken pallet]. The goods "
                "[seem|look] OK, but please [note it|make sure it does not happen again].",
            ),
            "de": (
                "Die Lieferung {order} kam mit beschädigter Verpackung an. Die Ware scheint in "
                "Ordnung.",
            ),
        },
    ),
    Routine(
        "wrong_part",
        "rma",
        "medium",
        {
            "en": ("Wrong part delivered – {order}", "Return request {order}"),
            "de": ("Falschlieferung {order}",),
        },
        {
            "en": (
                "We received [the wrong impeller|a wrong gasket set|wrong filter elements] with "
                "order {order}. Please arrange the return and send the correct parts.",
            ),
            "de": (
                "Mit Auftrag {order} wurde [ein falscher Dichtungssatz|das falsche Laufrad] "
                "geliefert. Bitte um Rücknahme und Ersatz.",
            ),
        },
    ),
    Routine(
        "portal",
        "support",
        "low",
        {
            "en": ("Portal login not working", "Cannot access customer portal"),
            "de": ("Login Kundenportal",),
        },
        {
            "en": (
                "[I cannot log in to|Our access to] the customer portal [does not work|is "
                "blocked] since [yesterday|last week]. Can you reset it?",
            ),
            "de": ("Der Zugang zum Kundenportal funktioniert nicht mehr. Bitte zurücksetzen.",),
        },
    ),
    Routine(
        "atex_docs",
        "support",
        "low",
        {"en": ("ATEX declaration for {serial}",), "de": ("ATEX-Konformitätserklärung {serial}",)},
        {
            "en": (
                "For our [safety audit|explosion protection document] we need the ATEX "
                "declaration of conformity for {serial}.",
            ),
            "de": (
                "Für unser Explosionsschutzdokument benötigen wir die ATEX-Erklärung zur {serial}.",
            ),
        },
    ),
    Routine(
        "commissioning",
        "support",
        "medium",
        {"en": ("Commissioning support {model}",), "de": ("Inbetriebnahme {model}",)},
        {
            "en": (
                "Our new {model} is installed. Could your engineer [support the commissioning|"
                "be on site for start-up] on {month}?",
            ),
            "de": (
                "Die neue {model} ist montiert. Kann Ihr Techniker bei der Inbetriebnahme im "
                "{month} unterstützen?",
            ),
        },
    ),
)

PARTS: tuple[tuple[str, str], ...] = (
    ("pressure gauge", "Manometer"),
    ("check valve", "Rückschlagventil"),
    ("coupling", "Kupplung"),
    ("cooling fan", "Lüfter"),
    ("condensate drain", "Kondensatableiter"),
    ("safety valve", "Sicherheitsventil"),
    ("frequency inverter", "Frequenzumrichter"),
    ("oil separator", "Ölabscheider"),
    ("air filter", "Luftfilter"),
    ("level switch", "Niveauschalter"),
    ("impeller", "Laufrad"),
    ("suction strainer", "Saugsieb"),
    ("temperature sensor", "Temperaturfühler"),
    ("drive belt", "Antriebsriemen"),
    ("terminal box", "Klemmenkasten"),
)
FAULTS: tuple[tuple[str, str], ...] = (
    ("is faulty", "ist defekt"),
    ("shows implausible values", "zeigt unplausible Werte"),
    ("is stuck", "klemmt"),
    ("makes a clicking noise", "klickt hörbar"),
    ("trips now and then", "löst gelegentlich aus"),
    ("looks damaged", "ist beschädigt"),
    ("needs replacing", "muss getauscht werden"),
    ("is blocked", "ist verstopft"),
)
FAULT_SUBJECTS: dict[str, tuple[str, ...]] = {
    "en": ("{Part} on {serial}", "Problem with {part} – {model}", "{model}: {part} {fault}"),
    "de": ("{Part} an {serial}", "Störung {part} – {model}"),
}
FAULT_BODIES: dict[str, tuple[str, ...]] = {
    "en": (
        "The {part} on our {model} ({serial}) {fault}. [Can you send a replacement?|Please "
        "advise.|Do we need a service visit?]",
        "[We noticed that|Our maintenance reports that] the {part} of unit {serial} {fault}. "
        "[Otherwise the machine runs fine.|The machine is still running.]",
    ),
    "de": (
        "An unserer {model} ({serial}) gibt es ein Problem: {Part} {fault}. [Bitte um "
        "Rückmeldung.|Bitte Ersatz schicken.]",
    ),
}
