"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from keepwell.audit.models import AuditLog


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    changes: dict[str, Any] | None = None,
    import_batch_id: int | None = None,
) -> AuditLog:
    """Add an audit entry to the session (committed with the surrounding transaction)."""
    entry = AuditLog(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=changes,
        import_batch_id=import_batch_id,
    )
    session.add(entry)
    return entry
