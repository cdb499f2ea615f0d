"""Stored voice themes: the last clustering run, its themes and every comment's place.

A run (:class:`VoiceThemeRun`) keeps what is needed to place a new comment without
clustering again: the representation's name and its per-language centring means;
each theme (:class:`VoiceTheme`) its centroid and similarity floor. Every comment
seen so far has a row in :class:`VoiceThemeComment` (its theme, or none) with its
account, time and sentiment, so theme figures are SQL aggregates at read time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from keepwell.db.base import Base


class VoiceThemeRun(Base):
    """One clustering of every comment into themes (only the latest is kept)."""

    __tablename__ = "voice_theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    representation: Mapped[str] = mapped_column(String(64))
    centring: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class VoiceTheme(Base):
    """A theme of a run: title, language, examples, and where new comments join it."""

    __tablename__ = "voice_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("voice_theme_runs.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="")
    examples: Mapped[list[Any]] = mapped_column(default=list)
    centroid: Mapped[list[Any]] = mapped_column(default=list)
    threshold: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)


class VoiceThemeComment(Base):
    """A comment seen by the themes: its theme (none when it fits none) and its sentiment."""

    __tablename__ = "voice_theme_comments"
    __table_args__ = (Index("ix_voice_theme_comments_theme_at", "theme_id", "at"),)

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    comment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("voice_themes.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    compound: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16), default="detected")
    similarity: Mapped[float | None] = mapped_column(Float)
