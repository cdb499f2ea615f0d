"""``keepwell asset list``, ``keepwell ingest mqtt`` and ``keepwell telemetry ...``."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from sqlalchemy.orm import Session

from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.db.engine import session_factory
from keepwell.settings import get_settings
from keepwell.telemetry.deadletters import REASONS, list_dead_letters, replay_dead_letters
from keepwell.telemetry.health import account_usage_trends
from keepwell.telemetry.mqtt import Subscriber, SubscriberConfig, parse_broker
from keepwell.telemetry.rawstore import export_raw, prune_raw
from keepwell.telemetry.rollups import rebuild_rollups
from keepwell.telemetry.service import list_assets, telemetry_stats

asset_app = typer.Typer(help="Installed equipment.", no_args_is_help=True)
ingest_app = typer.Typer(help="Live telemetry ingest.", no_args_is_help=True)
telemetry_app = typer.Typer(
    help="The telemetry store: statistics, dead letters, replay.", no_args_is_help=True
)
app.add_typer(asset_app, name="asset")
app.add_typer(ingest_app, name="ingest")
app.add_typer(telemetry_app, name="telemetry")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/cli.md).")]


@contextmanager
def _session(ctx: typer.Context) -> Iterator[Session]:
    with session_factory(state(ctx).engine())() as session:
        yield session


def _simple_table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column)
    return table


@asset_app.command("list")
def asset_list(
    ctx: typer.Context,
    as_json: AsJson = False,
    account_id: Annotated[
        int | None, typer.Option("--account-id", help="Only this account.")
    ] = None,
) -> None:
    """List installed assets with their serial number and account."""
    with _session(ctx) as session:
        assets = list_assets(session, account_id=account_id)
    if as_json:
        print_json({"assets": [a.as_dict() for a in assets], "total": len(assets)})
        return
    table = _simple_table(
        f"Assets ({len(assets)})",
        ["serial", "model", "account", "installed", "warranty end", "contract end", "status"],
    )
    for a in assets:
        table.add_row(
            a.serial,
            a.model or "",
            a.account,
            _day(a.installed_at),
            _day(a.warranty_end),
            _day(a.service_contract_end),
            a.status,
        )
    console.print(table)


def _day(value: Any) -> str:
    return "" if value is None else str(value)


@ingest_app.command("mqtt")
def ingest_mqtt(
    ctx: typer.Context,
    broker: Annotated[str, typer.Option("--broker", help="HOST:PORT of the MQTT broker.")],
    topic: Annotated[str, typer.Option("--topic", help="Topic pattern, e.g. 'plant/+/telemetry'.")],
    client_id: Annotated[
        str, typer.Option("--client-id", help="Client id; the persistent session is kept under it.")
    ] = "keepwell-ingest",
    batch_size: Annotated[int, typer.Option(min=1, help="Messages stored per transaction.")] = 2000,
) -> None:
    """Subscribe (QoS 1, persistent session) and store telemetry until interrupted."""
    try:
        host, port = parse_broker(broker)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    settings = get_settings()
    config = SubscriberConfig(
        host=host,
        port=port,
        topic=topic,
        client_id=client_id,
        batch_size=batch_size,
        max_item_bytes=settings.telemetry_max_item_bytes,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    subscriber = Subscriber(state(ctx).engine(), config, _report)
    subscriber.run(stop)
    err_console.print(f"stopped; {subscriber.stored} readings and alarms stored")


def _report(line: str) -> None:
    sys.stdout.write(f"{datetime.now():%H:%M:%S} {line}\n")
    sys.stdout.flush()


@telemetry_app.command("stats")
def stats_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Readings and alarms stored, batches received, duplicates left out, dead letters."""
    with _session(ctx) as session:
        stats = telemetry_stats(session).as_dict()
    if as_json:
        print_json(stats)
        return
    table = _simple_table("Telemetry", ["", "count"])
    for key, value in stats.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    console.print(table)


@telemetry_app.command("dead-letters")
def dead_letters_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    reason: Annotated[
        str | None, typer.Option(help=f"Only this reason: {', '.join(REASONS)}.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Replayed ones too.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
) -> None:
    """Messages and items that could not be stored, newest first, with the reason."""
    if reason is not None and reason not in REASONS:
        raise fail(f"unknown reason {reason!r}; expected one of {', '.join(REASONS)}", 2)
    with _session(ctx) as session:
        letters = list_dead_letters(
            session, status=None if all_ else "pending", reason=reason, limit=limit
        )
    rows = [
        {
            "id": d.id,
            "channel": d.channel,
            "received_at": d.received_at,
            "reason": d.reason,
            "detail": d.detail,
            "serial": d.serial,
            "status": d.status,
            "payload": d.payload,
        }
        for d in letters
    ]
    if as_json:
        print_json({"dead_letters": rows})
        return
    table = _simple_table(f"Dead letters ({len(rows)})", ["id", "received", "reason", "detail"])
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"{row['received_at']:%Y-%m-%d %H:%M}",
            str(row["reason"]),
            str(row["detail"]),
        )
    console.print(table)


@telemetry_app.command("replay")
def replay_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    reason: Annotated[str | None, typer.Option(help="Only dead letters of this reason.")] = None,
    allow_late: Annotated[
        bool,
        typer.Option(
            "--allow-late",
            help="Store readings on pruned days too (resends of pruned readings stay duplicates).",
        ),
    ] = False,
) -> None:
    """Try the pending dead letters again (e.g. after registering their assets)."""
    with _session(ctx) as session:
        result = replay_dead_letters(
            session,
            reason=reason,
            actor="cli",
            max_item_bytes=get_settings().telemetry_max_item_bytes,
            allow_late=allow_late,
        )
    if as_json:
        print_json(vars(result))
        return
    console.print(
        f"{result.replayed} replayed ({result.readings} readings, {result.alarms} alarms, "
        f"{result.duplicates} duplicates); {result.still_pending} still pending"
    )


@telemetry_app.command("rollup")
def rollup_command(ctx: typer.Context) -> None:
    """Rebuild the daily rollups from the stored readings (after bulk file imports)."""
    with _session(ctx) as session:
        rows = rebuild_rollups(session)
        session.commit()
    console.print(f"{rows:,} daily rollups")


@telemetry_app.command("export")
def export_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Write complete days, new or changed, to the raw Parquet store."""
    folder = get_settings().resolved_telemetry_dir()
    with _session(ctx) as session:
        result = export_raw(session, folder, before=date.today())
    if as_json:
        print_json(vars(result) | {"directory": str(folder)})
        return
    console.print(f"{result.days} days, {result.rows:,} rows written to {folder}")


@telemetry_app.command("prune")
def prune_command(ctx: typer.Context) -> None:
    """Remove exported raw data older than the retention (KEEPWELL_TELEMETRY_RETENTION_DAYS)."""
    settings = get_settings()
    with _session(ctx) as session:
        removed = prune_raw(
            session,
            settings.resolved_telemetry_dir(),
            retention_days=settings.telemetry_retention_days,
            today=date.today(),
        )
    console.print(f"{removed} days of raw data removed; daily rollups kept")


@telemetry_app.command("trends")
def trends_command(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
) -> None:
    """Each account's equipment usage against its baseline, and its alarm rate."""
    day = as_of.date() if as_of else date.today()
    with _session(ctx) as session:
        trends = account_usage_trends(session, day)
    if as_json:
        print_json({"as_of": day, "accounts": [t.as_dict() for t in trends]})
        return
    table = _simple_table(
        f"Equipment usage on {day}", ["account", "assets", "usage 30 d", "change", "alarms/asset"]
    )
    for t in sorted(trends, key=lambda t: t.usage_change if t.usage_change is not None else 0):
        change = "—" if t.usage_change is None else f"{t.usage_change:+.0%}"
        table.add_row(
            t.account, str(t.assets), f"{t.usage_30d:,.0f}", change, f"{t.alarm_rate:.1f}"
        )
    console.print(table)
