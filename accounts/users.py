"""Users: names, the password policy, creation and changes. Every change is audited in the same transaction;
functions flush and leave the commit to the caller."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts.checks import check_role, clean_text, flush_or_conflict, utc_now
from accounts.credentials import hash_password
from accounts.units import unit_named
from core.audit import record
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.tables import Role, User
from core.text import nfc

USER_ROLES = frozenset({Role.admin, Role.clerk, Role.viewer})
"""People log in with these; `service` is for API keys only."""
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
_USERNAME = re.compile(r"^[\w.@-]{2,100}$")


class _Unset(enum.Enum):
    token = 0


UNSET = _Unset.token
"""Marks an argument that was not given (where None has a meaning of its own)."""


def _latin_only(name: str) -> bool:
    """Latin letters (Vietnamese ones included), ASCII digits and `. _ - @`: one script, so that look-alikes
    from another (Cyrillic "а" in "аdmin", Greek "ο") cannot pose as an existing name."""
    return all(
        ch in "._-@" or ("0" <= ch <= "9") or (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN "))
        for ch in name
    )


def normalize_username(raw: str) -> str:
    """NFC, trimmed, lower case; Latin letters (Vietnamese too), digits and `. _ - @` only. Compatibility forms
    (full-width "ａｄｍｉｎ", ligatures) and mixed scripts are refused rather than folded into another name."""
    name = nfc(raw).strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInputError(
            "tên đăng nhập gồm 2–100 chữ cái, chữ số hoặc . _ - @, không có khoảng trắng "
            "(username: 2-100 letters, digits or . _ - @)"
        )
    if unicodedata.normalize("NFKC", name) != name or not _latin_only(name):
        raise InvalidInputError(
            "tên đăng nhập chỉ dùng chữ cái Latinh (kể cả tiếng Việt có dấu), chữ số 0–9 và . _ - @; không dùng "
            "chữ toàn độ rộng hay chữ của bảng chữ cái khác (username: Latin letters and ASCII digits only)"
        )
    return name


def check_password(password: str, username: str) -> None:
    """The policy: at least 10 characters, not the username itself."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(
            f"mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự (password needs {MIN_PASSWORD_CHARS}+ characters)"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"mật khẩu dài quá {MAX_PASSWORD_CHARS} ký tự (password too long)")
    if password.strip().lower() == username.lower():
        raise InvalidInputError("mật khẩu không được trùng tên đăng nhập (password equals the username)")


def create_user(
    db: Session,
    username: str,
    password: str,
    role: Role | str,
    org_unit: str | None = None,
    display_name: str = "",
    *,
    actor: str,
    create_org_unit: bool = False,
) -> User:
    """A new active user; `create_org_unit` makes a missing unit (the CLI's bootstrap), the API refuses it."""
    name = normalize_username(username)
    check_password(password, name)
    checked_role = check_role(role, USER_ROLES, "người dùng")
    if db.scalar(select(User.id).where(User.username == name)) is not None:
        raise ConflictError(f"tên đăng nhập “{name}” đã có (username taken)")
    user = User(
        username=name,
        display_name=clean_text(display_name, "tên hiển thị", 200, required=False),
        password_hash=hash_password(password),
        role=checked_role,
        org_unit=unit_named(db, org_unit, create=create_org_unit, actor=actor),
        active=True,
    )
    db.add(user)
    flush_or_conflict(db, f"tên đăng nhập “{name}” đã có (username taken)")
    db.refresh(user)
    record(db, actor, "user.created", f"user:{name}", role=checked_role.value, org_unit_id=user.org_unit_id)
    return user


def list_users(db: Session) -> Sequence[User]:
    return db.scalars(select(User).order_by(User.username)).all()


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFoundError(f"không có người dùng #{user_id} (no such user)")
    return user


def find_user(db: Session, username: str) -> User:
    name = normalize_username(username)
    user = db.scalar(select(User).where(User.username == name))
    if user is None:
        raise NotFoundError(f"không có người dùng “{name}” (no such user)")
    return user


def _other_active_admins(db: Session, user: User) -> int:
    query = select(func.count(User.id)).where(User.role == Role.admin, User.active.is_(True), User.id != user.id)
    return db.scalar(query) or 0


def update_user(
    db: Session,
    user: User,
    *,
    actor: str,
    display_name: str | None = None,
    role: Role | str | None = None,
    org_unit: str | _Unset | None = UNSET,
    active: bool | None = None,
    password: str | None = None,
    unlock: bool = False,
) -> User:
    """Change what was given. A new password or a deactivation ends the user's sessions at once;
    the last active admin can be neither demoted nor deactivated (nobody could administer any more)."""
    changes: dict[str, object] = {}
    was_admin = user.role == Role.admin and user.active
    if display_name is not None:
        user.display_name = clean_text(display_name, "tên hiển thị", 200, required=False)
        changes["display_name"] = user.display_name
    if role is not None:
        new_role = check_role(role, USER_ROLES, "người dùng")
        if new_role != user.role:
            changes["role"] = [user.role.value, new_role.value]
            user.role = new_role
    if not isinstance(org_unit, _Unset):
        unit = unit_named(db, org_unit, create=False, actor=actor)
        unit_id = unit.id if unit is not None else None
        if unit_id != user.org_unit_id:
            changes["org_unit_id"] = [user.org_unit_id, unit_id]
            user.org_unit = unit
    if active is not None and active != user.active:
        changes["active"] = active
        user.active = active
        if not active:
            user.tokens_valid_after = utc_now()
    still_admin = user.role == Role.admin and user.active
    if was_admin and not still_admin and _other_active_admins(db, user) == 0:
        raise ConflictError("phải còn ít nhất một quản trị viên đang hoạt động (the last active admin must stay)")
    if password is not None:
        check_password(password, user.username)
        user.password_hash = hash_password(password)
        user.tokens_valid_after = utc_now()
        changes["password"] = "changed"
        unlock = True
    if unlock and user.login_failures:
        changes["unlocked"] = sorted(f.client for f in user.login_failures if f.locked_until is not None)
        user.login_failures.clear()
    if changes:
        db.flush()
        record(db, actor, "user.updated", f"user:{user.username}", **changes)
    return user
