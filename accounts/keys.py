"""API keys: issued once (only a hash is stored), limited to a role, a unit and scopes, revoked at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.checks import check_role, clean_text, flush_or_conflict, utc_now
from accounts.credentials import KEY_PREFIX, NewKey, new_api_key
from accounts.scopes import SCOPES
from accounts.units import unit_named
from core.audit import record
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.tables import ApiKey, Role

KEY_ROLES = frozenset({Role.service, Role.clerk, Role.viewer})
"""An API key never carries admin rights: administration is done by a person, and audited under their name."""
_PREFIX_SHAPE = re.compile(r"^[0-9a-f]{1,16}$")


@dataclass(frozen=True)
class IssuedKey:
    row: ApiKey
    key: str
    """The secret: show it once; only its hash is stored."""


def create_api_key(
    db: Session,
    name: str,
    role: Role | str = Role.service,
    org_unit: str | None = None,
    scopes: Iterable[str] = (),
    *,
    created_by: int | None,
    actor: str,
    create_org_unit: bool = False,
) -> IssuedKey:
    clean_name = clean_text(name, "tên khóa", 200)
    checked_role = check_role(role, KEY_ROLES, "khóa API")
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise InvalidInputError(
            f"phạm vi không hợp lệ: {', '.join(unknown)}; chọn trong {', '.join(SCOPES)} (unknown scopes)"
        )
    unit = unit_named(db, org_unit, create=create_org_unit, actor=actor)
    taken = f"đơn vị này đã có khóa API đang dùng tên “{clean_name}” (key name taken in this unit)"
    same_name = select(ApiKey.id).where(
        ApiKey.name == clean_name,
        ApiKey.revoked_at.is_(None),
        ApiKey.org_unit_id.is_(None) if unit is None else ApiKey.org_unit_id == unit.id,
    )
    if db.scalar(same_name) is not None:
        raise ConflictError(taken)
    new: NewKey = new_api_key()
    row = ApiKey(
        prefix=new.prefix,
        key_hash=new.key_hash,
        name=clean_name,
        role=checked_role,
        scopes=wanted,
        org_unit=unit,
        created_by=created_by,
    )
    db.add(row)
    flush_or_conflict(db, taken)  # the unique index catches a concurrent twin
    db.refresh(row)
    record(
        db,
        actor,
        "api_key.created",
        f"api_key:{row.prefix}",
        name=clean_name,
        role=checked_role.value,
        scopes=wanted,
        org_unit_id=row.org_unit_id,
    )
    return IssuedKey(row=row, key=new.key)


def list_api_keys(db: Session, *, include_revoked: bool = True) -> Sequence[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return db.scalars(query).all()


def revoke_api_key(db: Session, prefix: str, *, actor: str) -> ApiKey:
    """The key stops working at once; revoking twice is harmless. The row stays, for the audit trail."""
    clean = prefix.strip().removeprefix(KEY_PREFIX).split("_")[0]
    row = db.scalar(select(ApiKey).where(ApiKey.prefix == clean)) if _PREFIX_SHAPE.fullmatch(clean) else None
    if row is None:
        raise NotFoundError(f"không có khóa API “{clean}” (no such API key)")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        db.flush()
        record(db, actor, "api_key.revoked", f"api_key:{row.prefix}", name=row.name)
    return row
