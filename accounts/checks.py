"""Input checks shared by users, units and API keys: clean text, a known role, a flush that turns a lost race
into a 409."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ConflictError, InvalidInputError
from core.tables import Role
from core.text import nfc


def utc_now() -> datetime:
    return datetime.now(UTC)


def clean_text(text: str, what: str, max_chars: int, *, required: bool = True) -> str:
    value = " ".join(nfc(text).split())
    if required and not value:
        raise InvalidInputError(f"{what} không được để trống ({what} is empty)")
    if len(value) > max_chars:
        raise InvalidInputError(f"{what} dài quá {max_chars} ký tự (too long)")
    return value


def flush_or_conflict(db: Session, conflict: str) -> None:
    """Flush now, so a unique constraint lost to a concurrent request is a 409, not a 500 at commit."""
    try:
        db.flush()
    except IntegrityError:
        raise ConflictError(conflict) from None


def check_role(role: Role | str, allowed: frozenset[Role], what: str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise InvalidInputError(f"vai trò của {what} phải là một trong: {names} (role must be one of {names})")
    assert value is not None
    return value
