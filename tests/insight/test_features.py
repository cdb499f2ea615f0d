"""Point-in-time account features: hand-computed values, no leakage, DuckDB = Spark.

The crafted record is built around the cutoff 2024-07-01; the comments give each event's
distance in days before that cutoff ("ago").
"""

from __future__ import annotations

import math
import shutil
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, select
from tests.conftest import REPO
from tests.intake.helpers import write_rows
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.cli.features import features_command
from keepwell.db import make_engine, session_scope
from keepwell.insight.churn.extra import EXTRA_BLOCKS, EXTRA_FEATURES
from keepwell.insight.features import (
    FEATURES,
    KEYS,
    SCHEMAS,
    FeatureEngineError,
    Frame,
    compute_features,
    connect,
    spark_session,
    write_snapshot,
)
from keepwell.insight.features.docs import features_markdown
from keepwell.insight.features.snapshot import conform, read_tables, write_tables
from keepwell.insight.features.synthetic import synthetic_tables
from keepwell.intake.service import import_file
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Account, Interaction, Ticket

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
    ),
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]
"""Py4J leaves local sockets to the Spark driver for the garbage collector."""

CUTOFF = date(2024, 7, 1)
EARLIER = date(2024, 1, 1)


def _rows(header: str, *values: tuple[Any, ...]) -> list[dict[str, Any]]:
    names = header.split()
    return [dict(zip(names, row, strict=True)) for row in values]


RECORD: dict[str, list[dict[str, Any]]] = {
    "accounts": _rows(
        "external_id name started_on",
        ("A1", "Alpha Pumps", "2020-01-01"),  # tenure 1643
        ("A2", "Beta Works", ""),  # starts with its first order
        ("A3", "Gamma Later", "2024-08-01"),  # starts after the cutoff: no row
        ("A4", "Delta Quiet", "2023-01-01"),  # tenure 547, nothing else
    ),
    "employees": _rows(
        "external_id name active hired_at left_at",
        ("E1", "Eve Owner", "true", "2015-01-01", ""),
        ("E2", "Ed Leaver", "false", "2015-01-01", "2024-04-01"),  # left 91 ago
        ("E3", "Ann Newer", "true", "2015-01-01", ""),
        ("E4", "Old Leaver", "false", "2015-01-01", "2023-01-01"),  # left 547 ago
        ("E5", "Moved On", "true", "2015-01-01", ""),
    ),
    "teams": _rows(
        "account employee role since until",
        ("A1", "E1", "account_owner", "2020-01-01", ""),
        ("A1", "E2", "service_lead", "2021-01-01", "2024-04-01"),
        ("A1", "E3", "technical_lead", "2024-07-15", ""),  # starts after the cutoff
        ("A1", "E4", "delivery_lead", "2020-01-01", "2023-01-01"),
        ("A1", "E5", "executive_sponsor", "2022-01-01", "2024-06-30"),  # ended 1 ago
        ("A2", "E1", "account_owner", "2023-01-01", ""),
        ("A2", "E3", "service_lead", "2023-01-01", ""),
    ),
    "contacts": _rows(
        "external_id account name active left_at",
        ("K1", "A1", "Kim", "true", ""),
        ("K2", "A1", "Kai", "false", "2024-05-01"),  # left 61 ago
        ("K3", "A1", "Kit", "true", ""),
        ("K4", "A1", "Kay", "false", ""),  # gone, day unknown
        ("K5", "A1", "Koa", "false", "2024-08-01"),  # leaves after the cutoff
        ("K6", "A2", "Lia", "true", ""),
        ("K7", "A2", "Lou", "true", ""),
    ),
    "assets": _rows(
        "external_id account serial product_line installed_at",
        ("S1", "A1", "SN-1", "Pumps", "2023-07-02"),  # 365 ago
        ("S2", "A1", "SN-2", "Valves", "2020-01-01"),
        ("S3", "A2", "SN-3", "Pumps", ""),  # no install date: not counted
    ),
    "quotes": _rows(
        "external_id account received_at outcome decided_at responded_at promised_lead_time_days",
        ("Q1", "A1", "2023-09-01", "won", "2023-09-20", "2023-09-05", 14),  # 304 ago, 4 days
        ("Q2", "A1", "2024-02-01", "lost", "2024-03-01", "2024-02-11", ""),  # 10 days
        ("Q3", "A1", "2024-05-01", "won", "2024-07-10", "2024-07-02", 30),  # answered after
        ("Q4", "A1", "2023-06-01", "won", "2023-06-15", "2023-06-02", ""),  # 396 ago: outside
        ("Q5", "A1", "2024-06-01", "no_bid", "2024-06-05", "", ""),
    ),
    "orders": _rows(
        "external_id account ordered_at amount status due_at paid_at kind quote delivered_at",
        (
            "O1",
            "A1",
            "2022-09-01",
            1000,
            "paid",
            "2022-10-01",
            "2022-09-25",
            "spare_parts",
            "",
            "",
        ),  # 669 ago
        (
            "O2",
            "A1",
            "2023-05-01",
            2000,
            "paid",
            "2023-05-31",
            "2023-06-10",
            "product",
            "Q4",
            "2023-06-30",
        ),  # 427 ago; on Q4, delivered 367 ago: outside 365 days
        (
            "O3",
            "A1",
            "2023-10-01",
            3000,
            "paid",
            "2023-10-31",
            "2023-10-25",
            "spare_parts",
            "Q1",
            "2023-10-10",
        ),  # 274 ago; on Q1, delivered after 9 days of the 14 promised
        (
            "O4",
            "A1",
            "2024-03-01",
            100,
            "paid",
            "2024-03-31",
            "2024-07-05",
            "product",
            "Q1",
            "2024-03-29",
        ),  # 122 ago; on Q1, 28 days where 14 were promised: broken
        (
            "O5",
            "A1",
            "2024-05-02",
            4000,
            "invoiced",
            "2024-06-01",
            "",
            "product",
            "Q3",
            "2024-07-20",
        ),  # 60 ago; on Q3, late but delivered after the cutoff
        ("O6", "A1", "2024-06-21", 500, "cancelled", "", "", "spare_parts", "", ""),
        (
            "O7",
            "A1",
            "2024-07-01",
            9999,
            "open",
            "",
            "",
            "spare_parts",
            "",
            "",
        ),  # on the cutoff day
        ("O8", "A2", "2024-01-03", 50, "open", "", "", "product", "", ""),  # 180 ago
    ),
    "tickets": _rows(
        "external_id account subject opened_at kind severity status product_line closed_at asset",
        (
            "T1",
            "A1",
            "s",
            "2024-06-11T09:00:00",
            "complaint",
            "high",
            "closed",
            "Pumps",
            "2024-06-20T10:00:00",
            "",
        ),  # 20 ago, closed before the cutoff
        (
            "T2",
            "A1",
            "s",
            "2024-05-02T10:00:00",
            "complaint",
            "medium",
            "closed",
            "",
            "2024-05-03T10:00:00",
            "SN-1",
        ),  # 60 ago, Pumps through its asset: a repeat
        (
            "T3",
            "A1",
            "s",
            "2024-04-02T08:00:00",
            "ncr",
            "critical",
            "open",
            "Valves",
            "",
            "",
        ),  # 90 ago, open
        (
            "T4",
            "A1",
            "s",
            "2024-01-03T12:00:00",
            "support",
            "low",
            "closed",
            "",
            "2024-07-02T09:00:00",
            "",
        ),  # 180 ago, closed after the cutoff: open
        (
            "T5",
            "A1",
            "s",
            "2023-06-01T12:00:00",
            "support",
            "medium",
            "resolved",
            "",
            "",
            "",
        ),  # 396 ago, resolved without a close time
        (
            "T6",
            "A1",
            "s",
            "2024-07-01T00:00:00",
            "complaint",
            "high",
            "open",
            "",
            "",
            "",
        ),  # on the cutoff
        (
            "T7",
            "A1",
            "s",
            "2024-06-30T23:59:59",
            "support",
            "low",
            "open",
            "",
            "",
            "",
        ),  # 1 ago, open
    ),
    "surveys": _rows(
        "external_id account kind score responded_at",
        ("V1", "A1", "nps", 9, "2023-01-10T10:00:00"),
        ("V2", "A1", "nps", 6, "2024-03-15T10:00:00"),
        ("V3", "A1", "nps", 2, "2024-07-01T08:00:00"),  # on the cutoff day
        ("V4", "A1", "csat", 4, "2024-06-01T10:00:00"),
    ),
    "interactions": _rows(
        "external_id account occurred_at kind contact employee",
        ("I1", "A1", "2024-06-26T10:00:00", "call", "K1", "E1"),  # 5 ago
        ("I2", "A1", "2024-02-01T10:00:00", "visit", "K2", "E1"),  # K2 has left
        ("I3", "A1", "2023-10-01T10:00:00", "email", "K3", "E1"),  # 274 ago
        ("I4", "A1", "2024-03-01T10:00:00", "note", "", "E1"),
        ("I5", "A2", "2024-06-01T10:00:00", "call", "K6", "E1"),
        ("I6", "A2", "2024-05-01T10:00:00", "call", "K7", "E3"),
    ),
    "telemetry": _rows(
        "asset ts metric value alarm_code severity",
        ("SN-1", "2024-06-30T10:00:00", "run_hours", 10, "", ""),  # 1 ago
        ("SN-1", "2024-06-02T10:00:00", "run_hours", 5, "", ""),  # 29 ago
        ("SN-1", "2024-05-15T10:00:00", "run_hours", 20, "", ""),  # 47 ago: prior 60 days
        ("SN-1", "2024-04-10T10:00:00", "run_hours", 40, "", ""),  # 82 ago
        ("SN-1", "2024-03-01T10:00:00", "run_hours", 100, "", ""),  # 122 ago: outside
        ("SN-1", "2024-06-20T10:00:00", "temperature", 70, "", ""),  # another metric
        ("SN-1", "2024-06-15T10:00:00", "", "", "E42", "high"),  # alarm 16 ago
        ("SN-1", "2024-03-15T10:00:00", "", "", "E42", "high"),  # alarm 108 ago
        ("SN-1", "2024-07-01T00:00:00", "run_hours", 1000, "", ""),  # on the cutoff
    ),
}
PROBLEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Seal leaks", "candidate", ("T1", "T2")),  # 20 and 60 ago: recurring
    ("Valve noise", "confirmed", ("T3", "T6")),  # 90 ago, and on the cutoff: once
    ("Old wear", "closed", ("T4", "T5")),  # 180 and 396 ago: outside 90 days
    ("Not a problem", "dismissed", ("T7",)),  # dismissed: not exported
)
"""Problem membership of the crafted tickets: (label, status, ticket external ids)."""
LATER_PROBLEMS = (("Seal leaks", "candidate", ("L-T1", "L-T2")),)
"""Later tickets joining a known problem (the grouping changes after the cutoff)."""
IMPORT_ORDER = (
    "accounts", "employees", "teams", "contacts", "assets", "quotes", "orders", "tickets",
    "surveys", "interactions", "telemetry",
)  # fmt: skip

LATER: dict[str, list[dict[str, Any]]] = {
    "assets": _rows(
        "external_id account serial product_line installed_at",
        ("L-S1", "A1", "SN-9", "Pumps", "2024-07-10"),
    ),
    "orders": _rows(
        "external_id account ordered_at amount status due_at paid_at",
        ("L-O1", "A1", "2024-07-02", 777, "open", "2024-08-01", ""),
        ("L-O2", "A4", "2024-07-20", 10, "open", "", ""),
    ),
    "tickets": _rows(
        "external_id account subject opened_at kind severity status",
        ("L-T1", "A1", "s", "2024-07-01T00:00:00", "complaint", "critical", "open"),
        ("L-T2", "A4", "s", "2024-08-01T12:00:00", "rma", "high", "open"),
    ),
    "surveys": _rows(
        "external_id account kind score responded_at",
        ("L-V1", "A1", "nps", 0, "2024-07-02T10:00:00"),
        ("L-V2", "A4", "csat", 1, "2024-07-05T10:00:00"),
    ),
    "interactions": _rows(
        "external_id account occurred_at kind contact",
        ("L-I1", "A4", "2024-07-03T10:00:00", "call", ""),
    ),
    "quotes": _rows(
        "external_id account received_at outcome decided_at",
        ("L-Q1", "A1", "2024-07-02", "lost", "2024-07-03"),
    ),
    "telemetry": _rows(
        "asset ts metric value alarm_code severity",
        ("SN-1", "2024-07-01T00:00:01", "run_hours", 500, "", ""),
        ("SN-1", "2024-07-02T10:00:00", "", "", "E99", "critical"),
    ),
}

ALPHA = {
    "tenure_days": 1643,
    "days_since_last_order": 60,
    "orders_90d": 1,
    "orders_365d": 3,
    "revenue_90d": 4000.0,
    "revenue_365d": 7100.0,
    "orders_90d_vs_last_year": 1.0,  # O2 (427 ago) is in the 366-455 window
    "revenue_90d_vs_last_year": 2.0,
    "orders_365d_vs_prior_year": 1.5,  # O1, O2
    "revenue_365d_vs_prior_year": 7100 / 3000,
    "spare_parts_365d_vs_prior_year": 3000 / 1000,  # O3 against O1
    "installed_assets": 2,  # S1, S2
    "assets_installed_365d": 1,  # S1
    "mean_order_gap_days": (669 - 60) / 4,
    "gap_ratio": 60 / ((669 - 60) / 4),
    "quotes_365d": 4,
    "quote_win_rate_365d": 0.5,  # Q1 won, Q2 lost; Q3 undecided, Q5 no bid
    "quote_turnaround_days_365d": (4 + 10) / 2,  # Q1, Q2; Q3 answered after the cutoff
    "quotes_answered_365d": 2,
    "broken_promises_365d": 1,  # O4; O3 kept, O2 outside 365 days, O5 after the cutoff
    "late_invoice_share_365d": 2 / 3,  # O3 on time, O4 and O5 unpaid at the cutoff
    "mean_days_late_365d": (0 + 92 + 30) / 3,
    "overdue_invoices": 2,
    "overdue_amount": 4100.0,
    "tickets_90d": 4,
    "tickets_365d": 5,
    "complaints_90d": 3,
    "complaints_365d": 3,
    "mean_ticket_severity_365d": (3 + 2 + 4 + 1 + 1) / 5,
    "open_tickets": 3,
    "oldest_open_ticket_days": 180,
    "open_ticket_mean_age_days": (90 + 180 + 1) / 3,
    "repeat_complaints_90d": 1,
    "last_nps": 6.0,
    "nps_change": -3.0,
    "last_csat": 4.0,
    "csat_change": None,
    "days_since_last_interaction": 5,
    "interactions_90d": 1,
    "active_contacts": 3,  # K1, K3, K5
    "contacts_left_180d": 1,
    "engaged_contacts_180d": 1,  # K1
    "team_size": 1,  # E1
    "team_departures_180d": 1,  # E2
    "single_threaded": True,  # E1 and K1 hold the only active pair
    "has_success_plan": False,
    "usage_30d": 15.0,
    "usage_trend": (15 / 30) / (60 / 60),
    "alarms_90d": 1,
    "recurring_problems_90d": 1,  # Seal leaks (T1, T2)
}
BETA = {
    "tenure_days": 180,
    "days_since_last_order": 180,
    "orders_365d": 1,
    "revenue_365d": 50.0,
    "days_since_last_interaction": 30,
    "interactions_90d": 2,
    "active_contacts": 2,
    "engaged_contacts_180d": 2,
    "team_size": 2,
    "single_threaded": False,
    "has_success_plan": False,
}
DELTA = {"tenure_days": 547, "single_threaded": False, "has_success_plan": False}
"""Nobody talks to them: uncovered; no success plan."""


def _add_problems(engine: Engine, groups: Sequence[tuple[str, str, tuple[str, ...]]]) -> None:
    """Put the named tickets into problems (found by label, else new with ``status``)."""
    with session_scope(engine) as session:
        for label, status, tickets in groups:
            problem = session.scalar(select(ProblemRecord).where(ProblemRecord.label == label))
            if problem is None:
                problem = ProblemRecord(label=label, terms=[], status=status)
                session.add(problem)
                session.flush()
            ids = session.scalars(select(Ticket.id).where(Ticket.external_id.in_(tickets)))
            session.add_all(ProblemTicket(ticket_id=t, problem_id=problem.id) for t in ids)


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    """Every feature: the given values, the fill for the rest (or missing)."""
    return {name: values.get(name, feature.fill) for name, feature in FEATURES.items()}


def _import(engine: Engine, folder: Path, record: dict[str, list[dict[str, Any]]]) -> None:
    for kind in IMPORT_ORDER:
        if kind in record:
            path = write_rows(folder / f"{kind}.csv", record[kind])
            result = import_file(engine, kind, path)
            assert result.ok, (kind, [e.as_dict() for e in result.errors])


def _features(engine: Engine, folder: Path, cutoffs: list[date], **kwargs: Any) -> pa.Table:
    write_snapshot(engine, folder)
    return _duckdb_features(folder, cutoffs, **kwargs)


def _row(table: pa.Table, account: int, cutoff: date) -> dict[str, Any]:
    rows = [r for r in table.to_pylist() if (r["account_id"], r["cutoff"]) == (account, cutoff)]
    assert len(rows) == 1, (account, cutoff, len(rows))
    return {name: rows[0][name] for name in FEATURES}


def _assert_close(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    wrong = {
        name: (actual[name], value)
        for name, value in expected.items()
        if not _same(actual[name], value)
    }
    assert not wrong, wrong


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b) and type(a) is type(b)


def _assert_tables_close(left: pa.Table, right: pa.Table) -> None:
    assert left.schema == right.schema
    assert left.num_rows == right.num_rows
    for name in left.column_names:
        pairs = zip(left[name].to_pylist(), right[name].to_pylist(), strict=True)
        wrong = [(i, a, b) for i, (a, b) in enumerate(pairs) if not _same(a, b)]
        assert not wrong, (name, wrong[:5])


def _duckdb_features(snapshot: Path, cutoffs: list[date], **kwargs: Any) -> pa.Table:
    con = connect("duckdb", snapshot)
    try:
        return compute_features(con, cutoffs, **kwargs)
    finally:
        con.disconnect()


def _account_ids(engine: Engine) -> dict[str, int]:
    """Account ids by external id."""
    with engine.connect() as conn:
        return {
            row.external_id: row.id for row in conn.execute(select(Account.external_id, Account.id))
        }


SHORT_RUN_CONF = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
    "spark.sql.shuffle.partitions": "1",
}
"""Spark settings for tiny test data: the JVM's quick compiler tier, one shuffle partition."""
OFFSET = 1_000_000
ID_COLUMNS = {
    "id",
    "account_id",
    "asset_id",
    "contact_id",
    "employee_id",
    "role_id",
    "ticket_id",
    "problem_id",
    "quote_id",
}


def _merged(
    first: dict[str, pa.Table], second: dict[str, pa.Table], offset: int
) -> dict[str, pa.Table]:
    """Both snapshots in one, the second's ids shifted by ``offset``."""
    merged = {}
    for name, schema in SCHEMAS.items():
        shifted = conform(second.get(name), schema)
        for column in ID_COLUMNS.intersection(schema.names):
            index = schema.get_field_index(column)
            shifted = shifted.set_column(
                index, schema.field(column), pc.add(shifted[column], offset)
            )
        merged[name] = pa.concat_tables([conform(first.get(name), schema), shifted])
    return merged


@pytest.fixture(scope="module")
def crafted_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """An SQLite file holding the crafted record (imported once per module)."""
    folder = tmp_path_factory.mktemp("crafted")
    path = folder / "crafted.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    _import(engine, folder, RECORD)
    _add_problems(engine, PROBLEMS)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def crafted_snapshot(crafted_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crafted record's snapshot folder."""
    engine = make_engine(f"sqlite:///{crafted_file}")
    folder = tmp_path_factory.mktemp("crafted-snapshot")
    write_snapshot(engine, folder)
    engine.dispose()
    return folder


@pytest.fixture
def crafted(crafted_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the crafted record."""
    path = tmp_path / "crafted.sqlite3"
    shutil.copy(crafted_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for every Spark test of the run."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (keepwell[spark])")
    session = spark_session(SHORT_RUN_CONF)
    yield session
    session.stop()


def test_features_match_hand_computed_values(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, RECORD)
    _add_problems(engine, PROBLEMS)
    table = _features(engine, tmp_path / "snapshot", [CUTOFF])
    ids = _account_ids(engine)
    assert table.column_names == [*KEYS, *FEATURES]
    assert sorted(table["account_id"].to_pylist()) == sorted(ids[a] for a in ("A1", "A2", "A4"))
    _assert_close(_row(table, ids["A1"], CUTOFF), _expected(ALPHA))
    _assert_close(_row(table, ids["A2"], CUTOFF), _expected(BETA))
    _assert_close(_row(table, ids["A4"], CUTOFF), _expected(DELTA))


def test_features_do_not_see_data_after_the_cutoff(crafted: Engine, tmp_path: Path) -> None:
    before = _features(crafted, tmp_path / "before", [EARLIER, CUTOFF])
    _import(crafted, tmp_path, LATER)
    _add_problems(crafted, LATER_PROBLEMS)
    after = _features(crafted, tmp_path / "after", [EARLIER, CUTOFF, date(2024, 9, 1)])
    _assert_tables_close(after.filter(pc.less_equal(after["cutoff"], CUTOFF)), before)
    later = _row(after, _account_ids(crafted)["A4"], date(2024, 9, 1))
    assert (later["orders_365d"], later["tickets_90d"], later["last_csat"]) == (1, 1, 1.0)
    assert later["recurring_problems_90d"] == 0  # one ticket of Seal leaks
    alpha = _row(after, _account_ids(crafted)["A1"], date(2024, 9, 1))
    assert alpha["recurring_problems_90d"] == 1  # T1 (82 ago) and L-T1 (62 ago)


def test_cross_join_and_union_plans_agree(crafted_snapshot: Path) -> None:
    cutoffs = [date(2023, 7, 1), CUTOFF]
    cross = _duckdb_features(crafted_snapshot, cutoffs, strategy="cross")
    union = _duckdb_features(crafted_snapshot, cutoffs, strategy="union")
    assert cross.num_rows == 5  # A1 and A4 at both cutoffs, A2 at the later one
    _assert_tables_close(cross, union)


def test_usage_metric_and_extra_blocks(crafted_snapshot: Path, crafted: Engine) -> None:
    def contract_value(frame: Frame) -> Any:
        accounts = frame.stamp(frame.table("accounts"))
        return accounts.select(
            account_id=accounts.id, cutoff=accounts.cutoff, contract_value=accounts.contract_value
        )

    table = _duckdb_features(
        crafted_snapshot, [CUTOFF], usage_metric=None, extra_blocks=[contract_value]
    )
    assert table.column_names == [*KEYS, *FEATURES, "contract_value"]
    alpha = _row(table, _account_ids(crafted)["A1"], CUTOFF)
    assert (alpha["usage_30d"], alpha["usage_trend"]) == (85.0, (85 / 30) / 1.0)


def test_snapshot_has_the_declared_types(crafted: Engine, tmp_path: Path) -> None:
    paths = write_snapshot(crafted, tmp_path / "s")
    assert sorted(paths) == sorted(SCHEMAS)
    for name, path in paths.items():
        assert pq.read_schema(path).remove_metadata() == SCHEMAS[name], name
    assert pq.read_metadata(paths["orders"]).num_rows == 8
    assert pq.read_metadata(paths["quotes"]).num_rows == 5
    assert pq.read_metadata(paths["problem_tickets"]).num_rows == 6  # T7's problem dismissed


def test_snapshot_marks_interactions_that_record_a_warning_sign(
    crafted: Engine, tmp_path: Path
) -> None:
    notes = _rows(
        "external_id account occurred_at kind subject text",
        ("W1", "A1", "2024-06-01T10:00:00", "note", "Competitor pressure", "Quoted 9% below us."),
        ("W2", "A1", "2024-06-02T10:00:00", "call", "Check-in", "No complaints, all fine."),
        ("W3", "A2", "2024-06-03T10:00:00", "visit", "Besuch", "Kunde verärgert: Lieferverzug."),
    )
    _import(crafted, tmp_path, {"interactions": notes})
    paths = write_snapshot(crafted, tmp_path / "s")
    table = pq.read_table(paths["interactions"]).to_pylist()
    with crafted.connect() as conn:
        external = dict(conn.execute(select(Interaction.id, Interaction.external_id)).all())
    signs = {external[row["id"]]: row["warning_signs"] for row in table if row["warning_signs"]}
    assert signs == {"W1": "competitor", "W3": "deliveries discontent"}, "no other note warns"
    assert "text" not in pq.read_schema(paths["interactions"]).names


def test_registry_describes_every_feature() -> None:
    for name, feature in FEATURES.items():
        assert feature.name == name and feature.description.endswith(".") and feature.unit
        assert feature.dtype in ("int64", "float64", "boolean")
    assert (REPO / "docs" / "features.md").read_text(encoding="utf-8") == features_markdown()


def test_cli_prints_and_writes_features(crafted: Engine, tmp_path: Path) -> None:
    assert any(command.callback is features_command for command in app.registered_commands)
    runner = CliRunner()
    url = crafted.url.render_as_string(hide_password=False)
    out = tmp_path / "f.parquet"
    base = ["--database-url", url, "features", "--cutoff", "2024-07-01"]
    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == 0, result.output
    assert '"rows": 3' in result.stdout and '"records": [' in result.stdout
    result = runner.invoke(app, [*base, "--cutoff", "2024-01-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 account rows" in result.stdout
    assert pq.read_table(out).num_rows == 5
    again = runner.invoke(app, [*base, "--out", str(out)])
    assert again.exit_code == 2 and "add --force" in again.output
    assert pq.read_table(out).num_rows == 5
    forced = runner.invoke(app, [*base, "--out", str(out), "--force"])
    assert forced.exit_code == 0 and pq.read_table(out).num_rows == 3


def test_spark_engine_explains_a_missing_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(FeatureEngineError, match=r"pip install 'keepwell\[spark\]'"):
        spark_session()


@pytest.mark.spark
def test_spark_gives_the_same_features_as_duckdb(
    spark: Any, crafted_file: Path, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{crafted_file}")
    crafted = read_tables(engine)
    engine.dispose()
    synthetic = synthetic_tables(accounts=200, events=10_000, seed=7)
    write_tables(_merged(synthetic, crafted, OFFSET), tmp_path)
    cutoffs = [EARLIER, CUTOFF]
    duck = _duckdb_features(tmp_path, cutoffs)
    sparkled = compute_features(connect("spark", tmp_path), cutoffs)
    assert duck.num_rows > 300
    _assert_tables_close(sparkled, duck)
    alpha = min(crafted["accounts"]["id"].to_pylist()) + OFFSET
    _assert_close(_row(sparkled, alpha, CUTOFF), _expected(ALPHA))


@pytest.mark.spark
def test_spark_gives_the_same_churn_features_as_duckdb(
    spark: Any, crafted_file: Path, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{crafted_file}")
    crafted = read_tables(engine)
    engine.dispose()
    synthetic = synthetic_tables(accounts=200, events=10_000, seed=11)
    write_tables(_merged(synthetic, crafted, OFFSET), tmp_path)
    cutoffs = [EARLIER, CUTOFF]
    duck = _duckdb_features(tmp_path, cutoffs, extra_blocks=EXTRA_BLOCKS)
    sparkled = compute_features(connect("spark", tmp_path), cutoffs, extra_blocks=EXTRA_BLOCKS)
    assert set(EXTRA_FEATURES) <= set(duck.column_names)
    assert duck.num_rows > 300
    _assert_tables_close(sparkled, duck)
