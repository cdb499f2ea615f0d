"""Tables of the knowledge base: articles, their versions, tags and links to the record.

The full-text index is not declared here: the migration creates an FTS5 table kept in
sync by triggers on SQLite, and a generated ``tsvector`` column with a GIN index on
PostgreSQL (see ``keepwell.knowledge.fts``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from keepwell.db.base import Base, TimestampMixin

ARTICLE_STATUSES = ("draft", "published")
LINK_KINDS = ("account", "asset", "problem", "retention_role")


class Article(TimestampMixin, Base):
    """One article: a process, a how-to, customer know-how or a lesson learned.

    ``(source, external_id)`` identifies an imported file (its path in the folder), so a
    second import of the same folder updates articles instead of duplicating them.
    """

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    tag_text: Mapped[str] = mapped_column(String(1024), default="")
    """The tags joined by spaces, indexed with the title and body."""
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    updated_by: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(64), default="keepwell")
    external_id: Mapped[str | None] = mapped_column(String(512))

    tags: Mapped[list[ArticleTag]] = relationship(
        cascade="all, delete-orphan", order_by="ArticleTag.tag"
    )
    links: Mapped[list[ArticleLink]] = relationship(
        cascade="all, delete-orphan", order_by="ArticleLink.id"
    )

    @property
    def tag_names(self) -> list[str]:
        """The tags, sorted."""
        return [t.tag for t in self.tags]


class ArticleVersion(Base):
    """An article as it was saved once; version 1 is the first text."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    saved_by: Mapped[str] = mapped_column(String(255))
    saved_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ArticleTag(Base):
    """A tag on an article (lower case, words joined by dashes)."""

    __tablename__ = "article_tags"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ArticleLink(Base):
    """A link from an article to an account, asset, problem or retention role.

    Targets are stored as ``(target_kind, target_id)``; kinds whose table exists are
    checked when the link is written.
    """

    __tablename__ = "article_links"
    __table_args__ = (
        UniqueConstraint("article_id", "target_kind", "target_id"),
        Index("ix_article_links_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int] = mapped_column(Integer)
