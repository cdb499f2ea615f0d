"""The Typer application, its global options and helpers shared by every command."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy import Engine
from typer import _click
from typer.core import TyperGroup

from keepwell.db import make_engine
from keepwell.errors import KeepwellError
from keepwell.migrations import upgrade
from keepwell.settings import get_settings


class KeepwellCommands(TyperGroup):
    """The command group: any of Keepwell's own errors a command lets through becomes one
    red line on standard error and exit code 1, never a traceback."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeepwellError as exc:
            raise fail(str(exc)) from None


app = typer.Typer(
    cls=KeepwellCommands,
    name="keepwell",
    help="Keepwell: one shared customer record and the insight to keep every customer.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class CliState:
    """Options given before the command, shared by all commands."""

    database_url: str
    _engine: Engine | None = None

    def engine(self) -> Engine:
        """The database engine, with the schema brought up to date on first use."""
        if self._engine is None:
            self._engine = make_engine(
                self.database_url, busy_seconds=get_settings().database_busy_seconds
            )
            upgrade(self._engine)
        return self._engine

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@app.callback()
def main(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="KEEPWELL_DATABASE_URL",
            help="SQLAlchemy URL of the database (default: an SQLite file in the data directory).",
        ),
    ] = None,
) -> None:
    """Keepwell: one shared customer record and the insight to keep every customer."""
    settings = get_settings()
    cli_state = CliState(database_url=database_url or settings.resolved_database_url())
    ctx.obj = cli_state
    ctx.call_on_close(cli_state.close)


def state(ctx: typer.Context) -> CliState:
    """The global CLI state of the running command."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        raise RuntimeError("keepwell CLI state missing")
    return obj


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on standard output (dates as ISO strings)."""
    sys.stdout.write(json.dumps(data, default=str, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on standard error and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)
