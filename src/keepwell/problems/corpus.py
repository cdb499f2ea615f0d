"""The texts problem detection reads from the database: every ticket's subject and body."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.problems.cluster import centroids
from keepwell.problems.detect import similarity_floors
from keepwell.problems.represent import FloatArray
from keepwell.problems.result import Problem
from keepwell.record.models import Ticket

OUTLIER_Z = 3.5
"""Robust deviations below the members' median similarity that still join a known problem."""


@dataclass(frozen=True)
class TicketTexts:
    """Tickets in id order with the text detection reads (subject, then body)."""

    ids: list[int]
    external_ids: list[str]
    texts: list[str]

    def __len__(self) -> int:
        return len(self.ids)


def ticket_text(subject: str | None, body: str | None) -> str:
    """The text of a ticket: its subject and body on separate lines (subject once only)."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if subject and body.startswith(subject):
        return body
    return "\n".join(part for part in (subject, body) if part)


def load_ticket_texts(session: Session) -> TicketTexts:
    """Every ticket (support, complaint, NCR, RMA, warranty) with its text."""
    rows = session.execute(
        select(Ticket.id, Ticket.external_id, Ticket.subject, Ticket.text).order_by(Ticket.id)
    ).all()
    return TicketTexts(
        ids=[row.id for row in rows],
        external_ids=[row.external_id for row in rows],
        texts=[ticket_text(row.subject, row.text) for row in rows],
    )


def known_problems(
    vectors: FloatArray, members: dict[int, list[int]], labels: dict[int, str]
) -> list[Problem]:
    """Engine problems from stored membership: centroid and similarity floor of each.

    ``members`` maps a problem id to the row indices of its tickets in ``vectors``.
    """
    ids = [pid for pid, rows in members.items() if rows]
    if not ids:
        return []
    rows = np.concatenate([np.asarray(members[pid], dtype=np.intp) for pid in ids])
    groups = np.concatenate([np.full(len(members[pid]), g) for g, pid in enumerate(ids)])
    centres = centroids(vectors[rows], groups, len(ids))
    own = np.einsum("ij,ij->i", vectors[rows], centres[groups])
    floors = similarity_floors(own, groups, len(ids), OUTLIER_Z)
    return [
        Problem(
            id=pid,
            label=labels.get(pid, ""),
            terms=(),
            members=tuple(members[pid]),
            representatives=(),
            centroid=centres[g],
            threshold=float(floors[g]),
        )
        for g, pid in enumerate(ids)
    ]
