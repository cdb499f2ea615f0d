"""What the pages, the API and the CLI send and receive about articles."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from keepwell.db.values import UtcDateTime

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class LinkIn(BaseModel):
    """A link target: ``account``, ``asset``, ``problem`` or ``retention_role`` and its id."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=32)
    id: Id


class ArticleCreate(BaseModel):
    """A new article; Markdown body."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=255)
    body: str = Field(default="", max_length=200_000)
    tags: list[str] = Field(default_factory=list, max_length=32)
    links: list[LinkIn] = Field(default_factory=list, max_length=200)
    status: str = Field(default="published", max_length=16)


class ArticleUpdate(BaseModel):
    """Fields to change; ``base_version`` (when given) must be the current version."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=255)
    body: str | None = Field(default=None, max_length=200_000)
    tags: list[str] | None = Field(default=None, max_length=32)
    links: list[LinkIn] | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=16)
    base_version: int | None = Field(default=None, ge=1)


class LinkPublic(BaseModel):
    """A link with the name of what it points at (``None`` when that is unknown)."""

    kind: str
    id: int
    label: str | None


class ArticlePublic(BaseModel):
    """An article as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    status: str
    version: int
    tags: list[str]
    links: list[LinkPublic]
    author_id: int | None
    created_by: str
    updated_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime


class VersionPublic(BaseModel):
    """One saved version."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    title: str
    body: str
    tags: list[str]
    status: str
    saved_by: str
    saved_at: UtcDateTime


class HitPublic(BaseModel):
    """A search hit: ``snippet`` is HTML with matched words in ``<mark>``."""

    article_id: int
    title: str
    status: str
    score: float
    snippet: str
    updated_at: UtcDateTime
