"""The one rule for files a command writes (``--out``): parent folders are made, a folder
is refused, and an existing file is overwritten only with ``--force``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from keepwell.cli.app import fail

Force = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]


def check_output(path: Path, *, force: bool) -> None:
    """Refuse (a clear error, exit code 2) a folder, or an existing file without ``force``."""
    if path.is_dir():
        raise fail(f"{path} is a folder; --out takes the name of the file to write", 2)
    if path.exists() and not force:
        raise fail(f"{path} already exists; add --force to overwrite it", 2)


def write_output(path: Path, write: Callable[[Path], object], *, force: bool) -> None:
    """Call ``write(path)`` once ``path`` is a place to write; a clear error otherwise."""
    check_output(path, force=force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}", 2) from None
