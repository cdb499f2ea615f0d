"""The score scale of each survey kind."""

from __future__ import annotations

SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
"""Lowest and highest score of each kind (the timeline's ``SURVEY_SCALES`` tops)."""
