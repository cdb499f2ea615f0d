"""The built-in signals as a default plugin."""

from __future__ import annotations

from typing import Any

from keepwell.playbooks.hookspecs import hookimpl
from keepwell.playbooks.signals.commerce import BrokenPromise, OrderGap, OverdueInvoice, StalledRfq
from keepwell.playbooks.signals.equipment import AlarmSpike, UsageDecline
from keepwell.playbooks.signals.people import EmployeeLeft, KeyContactLeft, SingleThreaded
from keepwell.playbooks.signals.plans import PlanNotReviewed
from keepwell.playbooks.signals.scores import ChurnRisk, HealthLow, RenewalWeak
from keepwell.playbooks.signals.service import ComplaintSla, Detractor, RepeatProblem
from keepwell.playbooks.signals.teams import ModelHumanDisagreement


@hookimpl
def keepwell_playbook_signals() -> list[Any]:
    """The built-in signals."""
    return [
        ChurnRisk(),
        HealthLow(),
        RenewalWeak(),
        OrderGap(),
        OverdueInvoice(),
        StalledRfq(),
        BrokenPromise(),
        ComplaintSla(),
        RepeatProblem(),
        Detractor(),
        KeyContactLeft(),
        EmployeeLeft(),
        SingleThreaded(),
        UsageDecline(),
        AlarmSpike(),
        ModelHumanDisagreement(),
        PlanNotReviewed(),
    ]
