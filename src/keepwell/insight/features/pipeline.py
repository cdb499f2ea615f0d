"""Point-in-time account features at one or more cutoff days, on any Ibis backend.

One row per account and cutoff, for accounts that started before the cutoff (their start
date, else their first order). Every feature is computed only from data dated strictly
before the cutoff; see :data:`keepwell.insight.features.FEATURES` for the definitions.

Two plans give the same rows: ``"cross"`` pairs each event with every cutoff through one
cross join with an in-memory cutoff table (one query); ``"union"`` builds one query per
cutoff with the cutoff as a constant and unions them.

Custom attributes are not features yet. Extra blocks are the hook for them: a block is a
function of the :class:`Frame` returning one row per ``(account_id, cutoff)`` with its
own columns, which are added after the registered features unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from keepwell.insight.features.engagement import interaction_features, survey_features
from keepwell.insight.features.frame import KEYS, Frame, cross_stamp, literal_stamp
from keepwell.insight.features.handoff import promise_features, turnaround_features
from keepwell.insight.features.invoices import invoice_features
from keepwell.insight.features.orders import live_orders, order_features
from keepwell.insight.features.people import (
    contact_features,
    engaged_contact_features,
    team_features,
    thread_features,
)
from keepwell.insight.features.plans import plan_review_features
from keepwell.insight.features.problems import problem_features
from keepwell.insight.features.quotes import quote_features
from keepwell.insight.features.registry import FEATURES
from keepwell.insight.features.snapshot import SCHEMAS
from keepwell.insight.features.telemetry import fleet_features, telemetry_features
from keepwell.insight.features.tickets import ticket_features
from keepwell.people.single_threaded import is_single_threaded

Block = Callable[[Frame], ir.Table]
"""A feature block: the frame in, one row per ``(account_id, cutoff)`` out."""
Strategy = Literal["cross", "union"]

BLOCKS: tuple[Block, ...] = (
    order_features,
    quote_features,
    turnaround_features,
    promise_features,
    invoice_features,
    ticket_features,
    survey_features,
    interaction_features,
    contact_features,
    engaged_contact_features,
    team_features,
    thread_features,
    fleet_features,
    telemetry_features,
    problem_features,
    plan_review_features,
)
DERIVED = ("single_threaded",)
"""Features computed from other features after the blocks are joined."""


def accounts_at_cutoffs(frame: Frame) -> ir.Table:
    """The spine: accounts started before each cutoff, with ``tenure_days``."""
    accounts, orders = frame.table("accounts"), live_orders(frame)
    first = orders.group_by(first_key=orders.account_id).aggregate(
        first_order=orders.ordered_at.min()
    )
    joined = accounts.left_join(first, accounts.id == first.first_key)
    starts = joined.select(
        account_id=joined.id, start=joined.started_on.coalesce(joined.first_order)
    )
    spine = frame.stamp(starts)
    spine = spine.mutate(tenure_days=spine.cutoff.delta(spine.start, unit="day"))
    return spine.filter(spine.tenure_days >= 1).drop("start")


def feature_table(frame: Frame, extra_blocks: Sequence[Block] = ()) -> ir.Table:
    """The feature expression for one frame: the spine with every block left-joined."""
    table = _attach(accounts_at_cutoffs(frame), [block(frame) for block in BLOCKS])
    table = table.mutate(**{name: _filled(table, name) for name in FEATURES if name not in DERIVED})
    table = table.mutate(
        single_threaded=is_single_threaded(
            table.thread_holders.fill_null(0), table.thread_contacts.fill_null(0)
        )
    )
    table = table.select(*KEYS, *FEATURES)
    return _attach(table, [block(frame) for block in extra_blocks])


def _attach(spine: ir.Table, parts: Sequence[ir.Table]) -> ir.Table:
    """``spine`` left-joined with every part on the keys (the parts' keys dropped)."""
    table: ir.Table = spine
    dropped: list[str] = []
    for number, part in enumerate(parts):
        renames = {f"k{number}_{key}": key for key in KEYS}
        right = part.rename(renames)
        table = table.left_join(right, [spine[key] == right[f"k{number}_{key}"] for key in KEYS])
        dropped.extend(renames)
    return table.drop(*dropped) if dropped else table


def _filled(table: ir.Table, name: str) -> ir.Value:
    feature = FEATURES[name]
    column = table[name]
    if feature.fill is not None:
        fill = bool(feature.fill) if feature.dtype == "boolean" else feature.fill
        column = column.fill_null(fill)
    return column.cast(feature.dtype)


def feature_expression(
    con: BaseBackend,
    cutoffs: Sequence[date],
    *,
    usage_metric: str | None = "run_hours",
    strategy: Strategy = "cross",
    extra_blocks: Sequence[Block] = (),
) -> ir.Table:
    """The Ibis expression of :func:`compute_features` (not executed)."""
    days = sorted(set(cutoffs))
    if not days:
        raise ValueError("at least one cutoff day is needed")
    tables = {name: con.table(name) for name in SCHEMAS}
    if strategy == "cross":
        frame = Frame(tables, cross_stamp(days), days[0], days[-1], usage_metric)
        return feature_table(frame, extra_blocks)
    parts = [
        feature_table(Frame(tables, literal_stamp(day), day, day, usage_metric), extra_blocks)
        for day in days
    ]
    return ibis.union(*parts, distinct=False)


def compute_features(
    con: BaseBackend,
    cutoffs: Sequence[date],
    *,
    usage_metric: str | None = "run_hours",
    strategy: Strategy = "cross",
    extra_blocks: Sequence[Block] = (),
) -> pa.Table:
    """Features per account and cutoff, sorted by account and cutoff (see module doc)."""
    expression = feature_expression(
        con, cutoffs, usage_metric=usage_metric, strategy=strategy, extra_blocks=extra_blocks
    )
    result = con.to_pyarrow(expression)
    return result.sort_by([("account_id", "ascending"), ("cutoff", "ascending")])
