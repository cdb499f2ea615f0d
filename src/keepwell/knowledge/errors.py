"""Errors of the knowledge base."""

from __future__ import annotations

from keepwell.errors import Invalid


class KnowledgeError(Invalid):
    """An article cannot be read or written as asked; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status
