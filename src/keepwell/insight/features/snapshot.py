"""A point-in-time copy of the operational tables as Arrow tables or Parquet files.

Every table has an explicit Arrow schema (ids int64, dates date32, times timestamp[us]
in naive UTC, amounts float64) so that DuckDB and Spark read identical types. Rows are
streamed from the database in batches; free text and custom attributes are left out, but
each interaction carries the kinds of warning sign its subject or text records
(:mod:`keepwell.record.warning_signs`), space-separated, empty for none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, Select, Table, select

from keepwell.audit.models import AuditLog
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.plans.models import SuccessPlan
from keepwell.problems.models import LIVE_STATUSES, ProblemRecord, ProblemTicket
from keepwell.record.models import (
    Account,
    Asset,
    Contact,
    Interaction,
    Order,
    Quote,
    SurveyResponse,
    TelemetryEvent,
    Ticket,
)
from keepwell.record.warning_signs import note_warning_signs

BATCH_ROWS = 50_000
PLAN_REVIEWED = "plan.reviewed"
"""The audit action :func:`keepwell.plans.service.mark_reviewed` records."""

_ID = pa.int64()
_TEXT = pa.string()
_DAY = pa.date32()
_TIME = pa.timestamp("us")
_FLOAT = pa.float64()
_BOOL = pa.bool_()


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, kind) for name, kind in fields])


SCHEMAS: dict[str, pa.Schema] = {
    "accounts": _schema(
        ("id", _ID),
        ("segment", _TEXT),
        ("region", _TEXT),
        ("tier", _TEXT),
        ("status", _TEXT),
        ("started_on", _DAY),
        ("ended_on", _DAY),
        ("contract_value", _FLOAT),
        ("contract_end", _DAY),
        ("renewal_date", _DAY),
    ),
    "contacts": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("role", _TEXT),
        ("is_key", _BOOL),
        ("active", _BOOL),
        ("left_at", _DAY),
    ),
    "employees": _schema(("id", _ID), ("active", _BOOL), ("hired_at", _DAY), ("left_at", _DAY)),
    "account_team_members": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("employee_id", _ID),
        ("role_id", _ID),
        ("since", _DAY),
        ("until", _DAY),
    ),
    "orders": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("ordered_at", _DAY),
        ("amount", _FLOAT),
        ("kind", _TEXT),
        ("status", _TEXT),
        ("product_line", _TEXT),
        ("promised_at", _DAY),
        ("delivered_at", _DAY),
        ("invoiced_at", _DAY),
        ("due_at", _DAY),
        ("paid_at", _DAY),
        ("quote_id", _ID),
    ),
    "quotes": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("received_at", _DAY),
        ("responded_at", _DAY),
        ("decided_at", _DAY),
        ("value", _FLOAT),
        ("product_line", _TEXT),
        ("outcome", _TEXT),
        ("promised_lead_time_days", _ID),
    ),
    "tickets": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("asset_id", _ID),
        ("kind", _TEXT),
        ("severity", _TEXT),
        ("status", _TEXT),
        ("product_line", _TEXT),
        ("opened_at", _TIME),
        ("first_response_at", _TIME),
        ("closed_at", _TIME),
    ),
    "survey_responses": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("kind", _TEXT),
        ("score", _FLOAT),
        ("responded_at", _TIME),
    ),
    "interactions": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("employee_id", _ID),
        ("contact_id", _ID),
        ("kind", _TEXT),
        ("direction", _TEXT),
        ("occurred_at", _TIME),
        ("warning_signs", _TEXT),
    ),
    "telemetry_events": _schema(
        ("id", _ID),
        ("asset_id", _ID),
        ("ts", _TIME),
        ("metric", _TEXT),
        ("value", _FLOAT),
        ("alarm_code", _TEXT),
        ("severity", _TEXT),
    ),
    "assets": _schema(
        ("id", _ID),
        ("account_id", _ID),
        ("model", _TEXT),
        ("product_line", _TEXT),
        ("installed_at", _DAY),
        ("status", _TEXT),
    ),
    "problem_tickets": _schema(("ticket_id", _ID), ("problem_id", _ID)),
    "success_plans": _schema(
        ("id", _ID), ("account_id", _ID), ("created_at", _TIME), ("reviewed_at", _TIME)
    ),
    "plan_reviews": _schema(("plan_id", _ID), ("at", _TIME)),
}
"""The exported tables and their columns, in the order the feature pipeline expects."""

_TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[misc]
    for model in (
        Account,
        Contact,
        Employee,
        AccountTeamMember,
        Order,
        Quote,
        Ticket,
        SurveyResponse,
        Interaction,
        TelemetryEvent,
        Asset,
        ProblemTicket,
        ProblemRecord,
        SuccessPlan,
    )
}


def _query(name: str) -> Select[Any]:
    """The rows of table ``name`` (``interactions`` with their subject and text last, read
    into their warning signs); ``problem_tickets`` only of candidate or owned problems
    (not dismissed or merged), as the latest detection run and people left them;
    ``plan_reviews`` every success-plan review the audit log recorded."""
    if name == "plan_reviews":
        audit = AuditLog.__table__
        return (
            select(audit.c.entity_id.label("plan_id"), audit.c.at)
            .where(audit.c.action == PLAN_REVIEWED, audit.c.entity == "success_plans")
            .where(audit.c.entity_id.is_not(None))
            .order_by(audit.c.id)
        )
    table = _TABLES[name]
    if name == "interactions":
        stored = [table.c[c] for c in SCHEMAS[name].names if c != "warning_signs"]
        return select(*stored, table.c.subject, table.c.text).order_by(table.c.id)
    columns = [table.c[column] for column in SCHEMAS[name].names]
    if name != "problem_tickets":
        return select(*columns).order_by(table.c.id)
    problems = _TABLES["problems"]
    return (
        select(*columns)
        .join(problems, problems.c.id == table.c.problem_id)
        .where(problems.c.status.in_(LIVE_STATUSES))
        .order_by(table.c.ticket_id)
    )


def _with_warning_signs(row: Sequence[Any]) -> tuple[Any, ...]:
    """An interaction row with its subject and text replaced by its warning signs."""
    *stored, subject, text = row
    return (*stored, " ".join(note_warning_signs(subject, text)))


def iter_batches(
    engine: Engine, name: str, batch_rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """Stream table ``name`` from the database as record batches of its snapshot schema."""
    schema = SCHEMAS[name]
    query = _query(name)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(query)
        for partition in result.partitions():
            rows: Sequence[Sequence[Any]] = partition
            if name == "interactions":  # subject and text become the warning signs
                rows = [_with_warning_signs(row) for row in partition]
            columns = list(zip(*rows, strict=True))
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(values, type=field.type)
                    for values, field in zip(columns, schema, strict=True)
                ],
                schema=schema,
            )


def read_table(engine: Engine, name: str) -> pa.Table:
    """Table ``name`` as one Arrow table (empty tables keep their schema)."""
    return pa.Table.from_batches(list(iter_batches(engine, name)), schema=SCHEMAS[name])


def read_tables(engine: Engine) -> dict[str, pa.Table]:
    """Every snapshot table as an Arrow table."""
    return {name: read_table(engine, name) for name in SCHEMAS}


def write_snapshot(engine: Engine, directory: Path) -> dict[str, Path]:
    """Write every snapshot table to ``directory/<table>.parquet``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, schema in SCHEMAS.items():
        paths[name] = directory / f"{name}.parquet"
        with pq.ParquetWriter(paths[name], schema) as writer:
            for batch in iter_batches(engine, name):
                writer.write_batch(batch)
    return paths


def write_tables(tables: Mapping[str, pa.Table], directory: Path) -> dict[str, Path]:
    """Write Arrow tables as a snapshot folder, cast to the snapshot schemas.

    Missing tables are written empty and missing columns as nulls.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, schema in SCHEMAS.items():
        paths[name] = directory / f"{name}.parquet"
        pq.write_table(conform(tables.get(name), schema), paths[name])
    return paths


def conform(table: pa.Table | None, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly ``schema``'s columns and types (absent columns all null)."""
    if table is None:
        return schema.empty_table()
    columns = [
        table[field.name].cast(field.type)
        if field.name in table.column_names
        else pa.nulls(table.num_rows, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)
