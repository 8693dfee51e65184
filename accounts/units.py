"""Organisation units: the walls between departments' recordings. Names match ignoring case and diacritics."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.checks import clean_text, flush_or_conflict
from core.audit import record
from core.errors import ConflictError, NotFoundError
from core.tables import OrgUnit
from core.text import nfc, strip_diacritics


def _fold(name: str) -> str:
    """Names are compared ignoring case, spacing and diacritics, so "Uỷ ban" (old tone placement) finds "Ủy ban"."""
    return " ".join(strip_diacritics(nfc(name)).casefold().split())


def find_org_unit(db: Session, name: str) -> OrgUnit | None:
    wanted = clean_text(name, "tên đơn vị", 200)
    units = db.scalars(select(OrgUnit)).all()
    exact = [u for u in units if u.name == wanted]
    if exact:
        return exact[0]
    folded = [u for u in units if _fold(u.name) == _fold(wanted)]
    return folded[0] if len(folded) == 1 else None


def get_org_unit(db: Session, name: str) -> OrgUnit:
    unit = find_org_unit(db, name)
    if unit is None:
        raise NotFoundError(f"không có đơn vị “{nfc(name).strip()}” (unknown organisation unit)")
    return unit


def create_org_unit(db: Session, name: str, *, actor: str) -> OrgUnit:
    clean = clean_text(name, "tên đơn vị", 200)
    existing = find_org_unit(db, clean)
    if existing is not None:
        raise ConflictError(f"đơn vị “{existing.name}” đã có (organisation unit exists)")
    unit = OrgUnit(name=clean)
    db.add(unit)
    flush_or_conflict(db, f"đơn vị “{clean}” đã có (organisation unit exists)")
    record(db, actor, "org_unit.created", f"org_unit:{unit.id}", name=clean)
    return unit


def list_org_units(db: Session) -> Sequence[OrgUnit]:
    return db.scalars(select(OrgUnit).order_by(OrgUnit.name)).all()


def unit_named(db: Session, name: str | None, *, create: bool, actor: str) -> OrgUnit | None:
    """The unit named `name` (None: no unit, i.e. every unit); `create` makes a missing one."""
    if name is None or not name.strip():
        return None
    unit = find_org_unit(db, name)
    if unit is None and create:
        unit = create_org_unit(db, name, actor=actor)
    if unit is None:
        raise NotFoundError(f"không có đơn vị “{nfc(name).strip()}”; tạo đơn vị trước (unknown organisation unit)")
    return unit
