"""Parameter types shared by routes: ids within the database's integer range."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record id in a body or a query model."""
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A record id in the path."""
ID_PATTERN = r"^([1-9][0-9]{0,8})?$"
"""An optional id in a form or query string (empty for none)."""
