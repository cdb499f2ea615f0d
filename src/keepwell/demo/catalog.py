"""What the demo company is: its products, its departments and roster, its recurring problems."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Brenner Pumps & Compressors GmbH"
COMPANY_DOMAIN = "brenner-pumps.de"
CURRENCY = "EUR"


@dataclass(frozen=True)
class Model:
    """A machine model the company builds."""

    name: str
    line: str
    price: float
    serial_prefix: str
    outdoor: bool = False


MODELS: tuple[Model, ...] = (
    Model("KP-210", "Process Pumps", 14_500, "KP210"),
    Model("KP-240", "Process Pumps", 21_800, "KP240"),
    Model("KP-260", "Process Pumps", 32_500, "KP260"),
    Model("KP-260 OD", "Process Pumps", 36_900, "KP26D", outdoor=True),
    Model("SC-37", "Screw Compressors", 38_000, "SC037"),
    Model("SC-55", "Screw Compressors", 52_000, "SC055"),
    Model("SC-55 OD", "Screw Compressors", 61_000, "SC55D", outdoor=True),
    Model("SC-90 OD", "Screw Compressors", 88_000, "SC90D", outdoor=True),
    Model("VP-100", "Vacuum Pumps", 12_800, "VP100"),
    Model("VP-160", "Vacuum Pumps", 19_500, "VP160"),
    Model("DP-12", "Dosing Pumps", 5_400, "DP012"),
)
MODEL_WEIGHTS: tuple[float, ...] = (10, 14, 6, 3, 6, 7, 4, 2, 5, 7, 8)
SPARE_PARTS_LINE = "Spare Parts"
SERVICE_LINE = "Field Service"
CONTRACT_LINE = "Service Contracts"

HR_DEPARTMENTS: dict[str, str] = {
    "GF": "Geschäftsführung",
    "VT": "Vertrieb",
    "KD": "Kundendienst",
    "EN": "Konstruktion & Anwendungstechnik",
    "OP": "Produktion & Logistik",
    "QS": "Qualitätssicherung",
    "FI": "Finanzen & Controlling",
}
"""The department each roster code belongs to, as the HR system names it."""


@dataclass(frozen=True)
class Position:
    """A job in the roster: department code, title, headcount and retention role it can hold."""

    dept: str
    title: str
    count: int
    role: str | None = None


ROSTER: tuple[Position, ...] = (
    Position("GF", "Managing Director", 1, "executive_sponsor"),
    Position("VT", "Head of Sales", 1, "executive_sponsor"),
    Position("VT", "Key Account Manager", 3, "account_owner"),
    Position("VT", "Account Manager", 7, "account_owner"),
    Position("VT", "Inside Sales Representative", 3),
    Position("KD", "Head of Service", 1, "executive_sponsor"),
    Position("KD", "Service Manager", 1),
    Position("KD", "Field Service Engineer", 7, "service_lead"),
    Position("KD", "Service Technician", 4),
    Position("KD", "Service Coordinator", 2),
    Position("EN", "Head of Engineering", 1, "executive_sponsor"),
    Position("EN", "Application Engineer", 5, "technical_lead"),
    Position("EN", "Design Engineer", 3),
    Position("EN", "Controls Engineer", 2),
    Position("OP", "Head of Operations", 1),
    Position("OP", "Order Management Specialist", 4, "delivery_lead"),
    Position("OP", "Production Planner", 2),
    Position("OP", "Logistics Coordinator", 2),
    Position("QS", "Quality Manager", 1),
    Position("QS", "Quality Engineer", 3, "quality_lead"),
    Position("QS", "Quality Inspector", 1),
    Position("FI", "Head of Finance", 1),
    Position("FI", "Credit Controller", 2, "finance_contact"),
    Position("FI", "Accountant", 2),
)

LEAVERS: tuple[tuple[str, float], ...] = (
    ("Account Manager", 0.34),
    ("Field Service Engineer", 0.42),
    ("Account Manager", 0.52),
    ("Credit Controller", 0.58),
    ("Application Engineer", 0.63),
    ("Account Manager", 0.68),
    ("Order Management Specialist", 0.74),
    ("Quality Engineer", 0.81),
)
"""Positions whose holder leaves, and when (as a fraction of the period)."""

TEAM_ROLE_LABELS: dict[str, str] = {
    "account_owner": "Account Manager",
    "executive_sponsor": "Executive Sponsor",
    "service_lead": "Service Lead",
    "technical_lead": "Application Engineer",
    "delivery_lead": "Order Management",
    "quality_lead": "Quality Contact",
    "finance_contact": "Credit Control",
}
"""How the CRM's account-team export names each retention role."""


@dataclass(frozen=True)
class Problem:
    """A recurring problem planted across customers, and where it shows."""

    key: str
    title: str
    models: tuple[str, ...]
    window: tuple[float, float]
    rate: float
    """Tickets per affected machine per year inside the window (machine problems)."""
    kinds: tuple[tuple[str, float], ...]
    alarm: str | None = None


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "seal_leak",
        "Mechanical seal leaks on KP-240 process pumps",
        ("KP-240",),
        (0.12, 1.0),
        0.55,
        (("support", 4), ("warranty", 3), ("rma", 2), ("complaint", 2)),
        "L217",
    ),
    Problem(
        "firmware_reset",
        "Controller resets after firmware 4.2 on SC compressors",
        ("SC-37", "SC-55", "SC-55 OD", "SC-90 OD"),
        (0.45, 0.78),
        1.1,
        (("support", 6), ("complaint", 2)),
        "C501",
    ),
    Problem(
        "bearing_noise",
        "Bearing noise and vibration on VP-160 vacuum pumps",
        ("VP-160",),
        (0.25, 1.0),
        0.45,
        (("support", 4), ("rma", 2), ("warranty", 2)),
        "V310",
    ),
    Problem(
        "corrosion",
        "Paint blistering and corrosion on outdoor units",
        ("KP-260 OD", "SC-55 OD", "SC-90 OD"),
        (0.2, 1.0),
        0.5,
        (("warranty", 4), ("complaint", 3), ("ncr", 1)),
    ),
    Problem(
        "late_delivery",
        "Late deliveries and missed lead-time promises",
        (),
        (0.36, 0.6),
        0.0,
        (("complaint", 1),),
    ),
    Problem(
        "missing_certs",
        "Missing EN 10204 3.1 material certificates with deliveries",
        (),
        (0.5, 0.86),
        0.0,
        (("ncr", 3), ("complaint", 2)),
    ),
)
PROBLEMS_BY_KEY: dict[str, Problem] = {p.key: p for p in PROBLEMS}
MACHINE_PROBLEMS: tuple[str, ...] = ("seal_leak", "firmware_reset", "bearing_noise", "corrosion")
CERT_INDUSTRIES: frozenset[str] = frozenset({"Chemicals", "Pharmaceuticals", "Oil & Gas"})

CAUSES: dict[str, float] = {
    "repeat_problems": 0.24,
    "late_deliveries": 0.16,
    "price_competitor": 0.17,
    "owner_left": 0.14,
    "usage_decline": 0.14,
    "unanswered_detractor": 0.15,
}
"""Why customers leave, with the share of churned customers each cause accounts for."""
CHURN_SHARE = 0.15
AT_RISK_SHARE = 0.05
