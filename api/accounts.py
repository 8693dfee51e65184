"""Accounts: users, organisation units, API keys and password login. Used by the routers and the CLI.

Every change is written to the audit log in the same transaction. Functions take the session
and the acting principal's name (`actor`); they flush but leave the commit to the caller, except
`authenticate`, which commits its failure bookkeeping itself because it then raises and the
caller's transaction is rolled back.

Login protection has two layers:

- per account and client address (in the database, so every server process agrees):
  `login_max_failures` consecutive wrong passwords from one address lock the account *for that
  address* for `login_lockout_minutes`; a locked pair is refused without checking the password (so
  guessing during the lock learns nothing), while the owner logging in from elsewhere is not
  affected: a stranger cannot lock anyone out. Admins unlock (`unlock`, every address at once);
- per client address (`api.ratelimit`): `login_ip_failures_per_minute` failed logins, then 429.
  Only failures count, so an office behind one NAT address can still log everyone in at 8:00.

A wrong password, an unknown user and a deactivated user get the same 401 and take the same
time (an argon2 verification runs in every case), so answers do not reveal which usernames exist.
A lock does reveal that the account exists; that is the accepted price of telling a locked-out
clerk why they cannot log in.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.deps import SCOPES
from api.ratelimit import FailureLimiter
from api.security import KEY_PREFIX, NewKey, hash_password, needs_rehash, new_api_key, verify_password
from core.audit import record
from core.db import as_utc
from core.errors import (
    AccountLockedError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    TooManyAttemptsError,
    UnauthenticatedError,
)
from core.settings import Settings
from core.tables import ApiKey, AuditEvent, LoginFailure, OrgUnit, RevokedToken, Role, User
from core.text import nfc, strip_diacritics

USER_ROLES = frozenset({Role.admin, Role.clerk, Role.viewer})
"""People log in with these; `service` is for API keys only."""
KEY_ROLES = frozenset({Role.service, Role.clerk, Role.viewer})
"""An API key never carries admin rights: administration is done by a person, and audited under their name."""
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
_USERNAME = re.compile(r"^[\w.@-]{2,100}$")
_PREFIX_SHAPE = re.compile(r"^[0-9a-f]{1,16}$")
BAD_LOGIN = "tên đăng nhập hoặc mật khẩu không đúng (invalid username or password)"


class _Unset(enum.Enum):
    token = 0


UNSET = _Unset.token
"""Marks an argument that was not given (where None has a meaning of its own)."""


def _now() -> datetime:
    return datetime.now(UTC)


# --- names and passwords ------------------------------------------------------------------------


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


def _clean(text: str, what: str, max_chars: int, *, required: bool = True) -> str:
    value = " ".join(nfc(text).split())
    if required and not value:
        raise InvalidInputError(f"{what} không được để trống ({what} is empty)")
    if len(value) > max_chars:
        raise InvalidInputError(f"{what} dài quá {max_chars} ký tự (too long)")
    return value


# --- organisation units -------------------------------------------------------------------------


def _fold(name: str) -> str:
    """Names are compared ignoring case, spacing and diacritics, so "Uỷ ban" (old tone placement) finds "Ủy ban"."""
    return " ".join(strip_diacritics(nfc(name)).casefold().split())


def find_org_unit(db: Session, name: str) -> OrgUnit | None:
    wanted = _clean(name, "tên đơn vị", 200)
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
    clean = _clean(name, "tên đơn vị", 200)
    existing = find_org_unit(db, clean)
    if existing is not None:
        raise ConflictError(f"đơn vị “{existing.name}” đã có (organisation unit exists)")
    unit = OrgUnit(name=clean)
    db.add(unit)
    _flush(db, f"đơn vị “{clean}” đã có (organisation unit exists)")
    record(db, actor, "org_unit.created", f"org_unit:{unit.id}", name=clean)
    return unit


def list_org_units(db: Session) -> Sequence[OrgUnit]:
    return db.scalars(select(OrgUnit).order_by(OrgUnit.name)).all()


def _unit(db: Session, name: str | None, *, create: bool, actor: str) -> OrgUnit | None:
    """The unit named `name` (None: no unit, i.e. every unit); `create` makes a missing one."""
    if name is None or not name.strip():
        return None
    unit = find_org_unit(db, name)
    if unit is None and create:
        unit = create_org_unit(db, name, actor=actor)
    if unit is None:
        raise NotFoundError(f"không có đơn vị “{nfc(name).strip()}”; tạo đơn vị trước (unknown organisation unit)")
    return unit


def _flush(db: Session, conflict: str) -> None:
    """Flush now, so a unique constraint lost to a concurrent request is a 409, not a 500 at commit."""
    try:
        db.flush()
    except IntegrityError:
        raise ConflictError(conflict) from None


# --- users --------------------------------------------------------------------------------------


def _check_role(role: Role | str, allowed: frozenset[Role], what: str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise InvalidInputError(f"vai trò của {what} phải là một trong: {names} (role must be one of {names})")
    assert value is not None
    return value


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
    checked_role = _check_role(role, USER_ROLES, "người dùng")
    if db.scalar(select(User.id).where(User.username == name)) is not None:
        raise ConflictError(f"tên đăng nhập “{name}” đã có (username taken)")
    user = User(
        username=name,
        display_name=_clean(display_name, "tên hiển thị", 200, required=False),
        password_hash=hash_password(password),
        role=checked_role,
        org_unit=_unit(db, org_unit, create=create_org_unit, actor=actor),
        active=True,
    )
    db.add(user)
    _flush(db, f"tên đăng nhập “{name}” đã có (username taken)")
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
        user.display_name = _clean(display_name, "tên hiển thị", 200, required=False)
        changes["display_name"] = user.display_name
    if role is not None:
        new_role = _check_role(role, USER_ROLES, "người dùng")
        if new_role != user.role:
            changes["role"] = [user.role.value, new_role.value]
            user.role = new_role
    if not isinstance(org_unit, _Unset):
        unit = _unit(db, org_unit, create=False, actor=actor)
        unit_id = unit.id if unit is not None else None
        if unit_id != user.org_unit_id:
            changes["org_unit_id"] = [user.org_unit_id, unit_id]
            user.org_unit = unit
    if active is not None and active != user.active:
        changes["active"] = active
        user.active = active
        if not active:
            user.tokens_valid_after = _now()
    still_admin = user.role == Role.admin and user.active
    if was_admin and not still_admin and _other_active_admins(db, user) == 0:
        raise ConflictError("phải còn ít nhất một quản trị viên đang hoạt động (the last active admin must stay)")
    if password is not None:
        check_password(password, user.username)
        user.password_hash = hash_password(password)
        user.tokens_valid_after = _now()
        changes["password"] = "changed"
        unlock = True
    if unlock and user.login_failures:
        changes["unlocked"] = sorted(f.client for f in user.login_failures if f.locked_until is not None)
        user.login_failures.clear()
    if changes:
        db.flush()
        record(db, actor, "user.updated", f"user:{user.username}", **changes)
    return user


# --- login --------------------------------------------------------------------------------------


def admit(
    db: Session, username: str, client_ip: str | None, *, limiter: FailureLimiter | None, method: str = "password"
) -> tuple[str, str | None, User | None]:
    """The first half of every login (password or voice): (address, normalised name, user or None).

    Raises TooManyAttemptsError (429) when the address failed too often and AccountLockedError (423) while
    the account is locked; a lock that has run out is cleared, so counting starts afresh.
    """
    ip = client_ip or "unknown"
    wait = limiter.retry_after(ip) if limiter is not None else 0.0
    if wait > 0:
        _refuse(db, username, ip, "rate_limited", method)
        raise TooManyAttemptsError(
            f"đăng nhập sai quá nhiều lần từ địa chỉ này; thử lại sau {int(wait) + 1} giây "
            "(too many failed logins from this address)",
            retry_after_s=wait,
        )
    try:
        name: str | None = normalize_username(username)
    except InvalidInputError:
        name = None
    user = db.scalar(select(User).where(User.username == name)) if name else None
    now = _now()
    failures = db.get(LoginFailure, (user.id, ip)) if user is not None else None
    if user is not None and failures is not None and failures.locked_until is not None:
        locked_until = as_utc(failures.locked_until)
        if locked_until > now:
            if limiter is not None:
                limiter.hit(ip)
            _refuse(db, user.username, ip, "locked", method)
            raise _locked(locked_until - now)
        failures.failures, failures.locked_until = 0, None  # the lock has run out: a fresh count
    return ip, name, user


def login_succeeded(db: Session, user: User, ip: str, *, method: str = "password", **detail: object) -> None:
    """Reset this address's failure count and audit the login."""
    db.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client == ip))
    record(db, user.username, "login.succeeded", f"user:{user.username}", ip=ip, **_method(method), **detail)
    db.flush()


def login_failed(
    db: Session,
    user: User | None,
    attempted: str,
    ip: str,
    *,
    settings: Settings,
    limiter: FailureLimiter | None,
    method: str = "password",
    **detail: object,
) -> None:
    """Count a failure toward the address limit and the account lockout, audit it and commit (the caller then
    raises its 401, which rolls its own transaction back). Raises AccountLockedError when this one locks."""
    if limiter is not None:
        limiter.hit(ip)
    if user is None:
        who = _actor(attempted)
        record(db, who, "login.failed", f"user:{who}", ip=ip, **_method(method), **detail)
        db.commit()
        return
    row = _count_failure(db, user, ip)
    record(
        db,
        user.username,
        "login.failed",
        f"user:{user.username}",
        ip=ip,
        **_method(method),
        failures=row.failures,
        **detail,
    )
    if user.active and row.failures >= settings.login_max_failures:
        lock = timedelta(minutes=settings.login_lockout_minutes)
        row.locked_until = _now() + lock
        record(db, user.username, "login.locked", f"user:{user.username}", ip=ip, until=row.locked_until.isoformat())
        db.commit()
        raise _locked(lock)
    db.commit()


def _count_failure(db: Session, user: User, ip: str) -> LoginFailure:
    """One more failure of `user` from `ip`, counted in the database (concurrent failures all count)."""
    db.flush()
    bump = update(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client == ip)
    if db.execute(bump.values(failures=LoginFailure.failures + 1, updated_at=_now())).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with db.begin_nested():
                db.add(LoginFailure(user_id=user.id, client=ip, failures=1, updated_at=_now()))
        except IntegrityError:  # a concurrent first failure inserted the row: count on it
            db.execute(bump.values(failures=LoginFailure.failures + 1, updated_at=_now()))
    row = db.get_one(LoginFailure, (user.id, ip))
    db.refresh(row)
    return row


def authenticate(
    db: Session,
    username: str,
    password: str,
    client_ip: str | None,
    *,
    settings: Settings,
    limiter: FailureLimiter | None = None,
) -> User:
    """The user whose password this is, or UnauthenticatedError (401), AccountLockedError (423),
    TooManyAttemptsError (429). Every attempt is audited; see the module docstring for the rules."""
    ip, name, user = admit(db, username, client_ip, limiter=limiter)
    ok = verify_password(user.password_hash if user else None, password)
    if user is not None and ok and user.active:
        if user.password_hash and needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        login_succeeded(db, user, ip)
        return user
    reason = "unknown" if user is None else "wrong_password" if user.active else "inactive"
    login_failed(db, user, name or username, ip, settings=settings, limiter=limiter, reason=reason)
    raise UnauthenticatedError(BAD_LOGIN)


def _method(method: str) -> dict[str, str]:
    """Audit detail naming how someone logged in; password logins, the first kind, carry none."""
    return {} if method == "password" else {"method": method}


def _actor(name: str) -> str:
    return nfc(name)[:100] or "?"


def _refuse(db: Session, username: str, ip: str, reason: str, method: str) -> None:
    record(db, _actor(username), "login.refused", f"user:{_actor(username)}", ip=ip, reason=reason, **_method(method))
    db.commit()


def _locked(remaining: timedelta) -> AccountLockedError:
    minutes = max(int(remaining.total_seconds() // 60) + 1, 1)
    return AccountLockedError(
        f"tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau khoảng {minutes} phút "
        "hoặc nhờ quản trị viên mở khóa (account locked after repeated failed logins)",
        retry_after_s=remaining.total_seconds(),
    )


def change_own_password(
    db: Session, user: User, current: str, new: str, client_ip: str | None, *, limiter: FailureLimiter | None = None
) -> User:
    """A user changes their own password, proving the current one. Wrong guesses count against the
    client address like failed logins, so a stolen session cannot be used to brute-force the password.
    Every session of the user ends (the caller issues a fresh one)."""
    ip = client_ip or "unknown"
    wait = limiter.retry_after(ip) if limiter is not None else 0.0
    if wait > 0:
        raise TooManyAttemptsError("thử sai quá nhiều lần; thử lại sau (too many failed attempts)", retry_after_s=wait)
    if not verify_password(user.password_hash, current):
        if limiter is not None:
            limiter.hit(ip)
        record(db, user.username, "password.change_failed", f"user:{user.username}", ip=ip)
        db.commit()
        raise ForbiddenError("mật khẩu hiện tại không đúng (current password is wrong)")
    return update_user(db, user, actor=user.username, password=new)


def end_session(db: Session, user_id: int, token_id: str | None, expires_at: datetime, *, everywhere: bool) -> None:
    """Logout: this token stops working now (it is remembered until it would have expired anyway);
    `everywhere` ends every token of the user. Expired entries are swept here, so the list stays short."""
    now = _now()
    db.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    if token_id is not None and db.get(RevokedToken, token_id) is None:
        db.add(RevokedToken(token_id=token_id, user_id=user_id, expires_at=expires_at))
    user = db.get(User, user_id)
    if user is not None:
        if everywhere:
            user.tokens_valid_after = now
        record(db, user.username, "logout", f"user:{user.username}", everywhere=everywhere)


# --- API keys -----------------------------------------------------------------------------------


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
    clean_name = _clean(name, "tên khóa", 200)
    checked_role = _check_role(role, KEY_ROLES, "khóa API")
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise InvalidInputError(
            f"phạm vi không hợp lệ: {', '.join(unknown)}; chọn trong {', '.join(SCOPES)} (unknown scopes)"
        )
    unit = _unit(db, org_unit, create=create_org_unit, actor=actor)
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
    _flush(db, taken)  # the unique index catches a concurrent twin
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
        row.revoked_at = _now()
        db.flush()
        record(db, actor, "api_key.revoked", f"api_key:{row.prefix}", name=row.name)
    return row


# --- audit log ----------------------------------------------------------------------------------


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
