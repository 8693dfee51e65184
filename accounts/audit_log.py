"""Reading the audit log (writing it is `core.audit.record`, in each change's own transaction)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import AuditEvent


def list_audit(
    db: Session, *, limit: int = 100, before_id: int | None = None, actor: str | None = None, action: str | None = None
) -> Sequence[AuditEvent]:
    """Newest first; page with `before_id` (the smallest id of the previous page)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    return db.scalars(query).all()
