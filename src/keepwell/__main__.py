"""``python -m keepwell``: the same as the ``keepwell`` command."""

from keepwell.cli import app

app(prog_name="keepwell")
