"""The audit log: who changed what. Written in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.tables import AuditEvent


def record(session: Session, actor: str, action: str, target: str = "", **detail: Any) -> None:
    session.add(AuditEvent(actor=actor, action=action, target=target, detail=detail))
