"""The churn definition a business can state, each account's churn day, and the labels.

A company keeps its definition in YAML (the packaged ``churn.yaml`` unless
``<data dir>/churn.yaml`` or an explicit path overrides it). Each enabled rule gives churn
days; a churn lasts until the customer orders again (it is then won back and may churn
again), except a lost account, which stays lost. Rules only look at data up to the data
end, and a churn counts only once the data confirm it (the rule's grace or confirmation
days have passed without an order). Labels are outcomes, so they may use everything after
a cutoff; features never may.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from keepwell.insight.churn.history import AccountHistory

RuleName = Literal["account_lost", "contract_ended", "service_lapsed", "order_gap"]
FILE_NAME = "churn.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountLostRule(_Strict):
    """The account's status is a lost status and it has an end date: it churned then."""

    enabled: bool = True


class ContractEndedRule(_Strict):
    """The contract ended, no renewal is pending and no order came within ``grace_days``."""

    enabled: bool = True
    grace_days: int = Field(default=30, ge=0)


class ServiceLapsedRule(_Strict):
    """Every service contract has run out and no order came within ``grace_days``.

    Assets without a service contract are ignored; off by default, because customers
    often keep buying parts after their service contracts end."""

    enabled: bool = False
    grace_days: int = Field(default=30, ge=0)


class OrderGapRule(_Strict):
    """A re-ordering customer went quiet for longer than its own rhythm allows."""

    enabled: bool = True
    min_orders: int = Field(default=6, ge=2)
    """Order days needed before the rule applies."""
    multiplier: float = Field(default=4.0, gt=0)
    min_days: int = Field(default=180, ge=1)
    max_days: int | None = Field(default=540, ge=1)
    confirm_days: int = Field(default=90, ge=0)
    """Further days of silence before a lapse counts: customers that come back within
    them never churned. The churn day is still the day the gap passed the threshold."""


class ChurnRules(_Strict):
    """The rules; each can be switched off."""

    account_lost: AccountLostRule = AccountLostRule()
    contract_ended: ContractEndedRule = ContractEndedRule()
    service_lapsed: ServiceLapsedRule = ServiceLapsedRule()
    order_gap: OrderGapRule = OrderGapRule()


class ChurnDefinition(_Strict):
    """What counts as a customer leaving, and how far ahead the risk looks."""

    horizon_days: int = Field(default=180, ge=1)
    lost_statuses: tuple[str, ...] = ("lost",)
    rules: ChurnRules = ChurnRules()

    @property
    def settle_days(self) -> int:
        """Days after a churn day until the data can confirm it (the longest wait of a rule)."""
        rules = self.rules
        waits = [
            rules.order_gap.confirm_days if rules.order_gap.enabled else 0,
            rules.contract_ended.grace_days if rules.contract_ended.enabled else 0,
            rules.service_lapsed.grace_days if rules.service_lapsed.enabled else 0,
        ]
        return max(waits)

    def gap_threshold(self, order_days: tuple[date, ...]) -> float | None:
        """Days without an order after which this customer counts as gone (None: no rhythm)."""
        rule = self.rules.order_gap
        if len(order_days) < rule.min_orders:
            return None
        gaps = [(b - a).days for a, b in itertools.pairwise(order_days)]
        threshold = max(float(rule.min_days), rule.multiplier * statistics.median(gaps))
        return threshold if rule.max_days is None else min(threshold, float(rule.max_days))


def load_definition(path: Path | None = None, data_dir: Path | None = None) -> ChurnDefinition:
    """``path`` if given, else ``<data_dir>/churn.yaml`` if present, else the packaged one."""
    if path is None and data_dir is not None and (data_dir / FILE_NAME).exists():
        path = data_dir / FILE_NAME
    text = (
        path.read_text(encoding="utf-8")
        if path is not None
        else (files("keepwell.insight.churn") / FILE_NAME).read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path or FILE_NAME}: a churn definition is a mapping")
    return ChurnDefinition.model_validate(data)


@dataclass(frozen=True)
class ChurnEvent:
    """A churn: its day (None: lost on an unknown day), the rule, and the order that won it back."""

    account_id: int
    day: date | None
    rule: RuleName
    returned_on: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the account was churned on ``day``: from the churn day until it came back."""
        if self.day is None:
            return True
        return self.day <= day and (self.returned_on is None or day < self.returned_on)


def churn_events(
    definition: ChurnDefinition, histories: Iterable[AccountHistory], data_end: date
) -> dict[int, list[ChurnEvent]]:
    """Every churn of every account up to ``data_end``, oldest first, by account id."""
    events: dict[int, list[ChurnEvent]] = {}
    for history in histories:
        found = account_events(definition, history, data_end)
        if found:
            events[history.account_id] = found
    return events


def churn_dates(
    definition: ChurnDefinition, histories: Iterable[AccountHistory], data_end: date
) -> dict[int, ChurnEvent]:
    """The churn each account is in at ``data_end`` (not won back), by account id."""
    current: dict[int, ChurnEvent] = {}
    for account_id, found in churn_events(definition, histories, data_end).items():
        open_ = [e for e in found if e.returned_on is None or e.returned_on > data_end]
        if open_:
            current[account_id] = open_[-1]
    return current


def account_events(
    definition: ChurnDefinition, history: AccountHistory, data_end: date
) -> list[ChurnEvent]:
    """One account's churns by every enabled rule; a churn inside an earlier one is dropped."""
    lost = definition.rules.account_lost.enabled and history.status in definition.lost_statuses
    if lost and history.ended_on is None:
        return [ChurnEvent(history.account_id, None, "account_lost")]
    candidates = sorted(
        [
            *_account_lost(definition, history, data_end),
            *_lapsed(definition, history, data_end, "contract_ended"),
            *_lapsed(definition, history, data_end, "service_lapsed"),
            *_order_gaps(definition, history, data_end),
        ],
        key=lambda e: (e.day, e.rule),
    )
    kept: list[ChurnEvent] = []
    for event in candidates:
        if not any(earlier.covers(event.day) for earlier in kept):  # type: ignore[arg-type]
            kept.append(event)
    return kept


def _account_lost(
    definition: ChurnDefinition, history: AccountHistory, data_end: date
) -> list[ChurnEvent]:
    lost = definition.rules.account_lost.enabled and history.status in definition.lost_statuses
    ended = history.ended_on
    if lost and ended is not None and ended <= data_end:
        return [ChurnEvent(history.account_id, ended, "account_lost")]
    return []


def _lapsed(
    definition: ChurnDefinition,
    history: AccountHistory,
    data_end: date,
    rule_name: Literal["contract_ended", "service_lapsed"],
) -> list[ChurnEvent]:
    """The contract or the last service contract ended, and no order came within the grace."""
    if rule_name == "contract_ended":
        rule: ContractEndedRule | ServiceLapsedRule = definition.rules.contract_ended
        end = history.contract_end
        if history.renewal_date is not None and history.renewal_date > data_end:
            return []
    else:
        rule = definition.rules.service_lapsed
        end = max(history.service_ends, default=None)
    if not rule.enabled or end is None:
        return []
    settled = end + timedelta(days=rule.grace_days)
    if settled > data_end or _next_order(history, end, data_end) <= settled:
        return []
    returned = _next_order(history, settled, data_end)
    return [ChurnEvent(history.account_id, end, rule_name, _or_none(returned, data_end))]


def _next_order(history: AccountHistory, after: date, data_end: date) -> date:
    """The first order day after ``after``; the day after ``data_end`` when there is none."""
    later = [day for day in history.order_days if after < day <= data_end]
    return later[0] if later else data_end + timedelta(days=1)


def _or_none(day: date, data_end: date) -> date | None:
    return None if day > data_end else day


def _order_gaps(
    definition: ChurnDefinition, history: AccountHistory, data_end: date
) -> list[ChurnEvent]:
    """Each gap that outlasted the customer's rhythm by the confirmation period."""
    rule = definition.rules.order_gap
    if not rule.enabled:
        return []
    days = [day for day in history.order_days if day <= data_end]
    confirm = timedelta(days=rule.confirm_days)
    events: list[ChurnEvent] = []
    shortest = timedelta(days=min(rule.min_days, rule.max_days or rule.min_days)) + confirm
    for index, last in enumerate(days):
        following = days[index + 1] if index + 1 < len(days) else data_end + timedelta(days=1)
        if following - last <= shortest:
            continue
        threshold = definition.gap_threshold(tuple(days[: index + 1]))
        if threshold is None:
            continue
        lapsed = last + timedelta(days=math.ceil(threshold))
        if lapsed + confirm < following:
            events.append(
                ChurnEvent(history.account_id, lapsed, "order_gap", _or_none(following, data_end))
            )
    return events


def labels(
    events: Mapping[int, Sequence[ChurnEvent]],
    account_ids: Iterable[int],
    cutoffs: Iterable[date],
    horizon_days: int,
) -> pd.DataFrame:
    """``label`` 1 when an account alive at a cutoff churns in (cutoff, cutoff + horizon].

    An account is alive at a cutoff unless it is inside a churn then (from the churn day
    until the order that won it back); accounts lost on an unknown day get no rows. A 0
    is only an outcome when the data reach past cutoff + horizon by the definition's
    ``settle_days``: pick cutoffs accordingly.
    """
    horizon = timedelta(days=horizon_days)
    rows: list[tuple[int, date, int]] = []
    days = sorted(set(cutoffs))
    for account_id in sorted(set(account_ids)):
        found = events.get(account_id, ())
        if any(e.day is None for e in found):
            continue
        for cutoff in days:
            if any(e.covers(cutoff) for e in found):
                continue
            churns = any(cutoff < e.day <= cutoff + horizon for e in found)  # type: ignore[operator]
            rows.append((account_id, cutoff, int(churns)))
    return pd.DataFrame(rows, columns=["account_id", "cutoff", "label"]).astype(
        {"account_id": "int64", "label": "int64"}
    )
