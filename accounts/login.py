"""Login protection: who may try, counting failures, locking, logout.

`authenticate` and `login_failed` commit their failure bookkeeping themselves, because the caller then
raises and its own transaction is rolled back.

Login protection has two layers:

- per account and client address (in the database, so every server process agrees):
  `login_max_failures` consecutive wrong passwords from one address lock the account *for that
  address* for `login_lockout_minutes`; a locked pair is refused without checking the password (so
  guessing during the lock learns nothing), while the owner logging in from elsewhere is not
  affected: a stranger cannot lock anyone out. Admins unlock (`unlock`, every address at once);
- per client address (`accounts.ratelimit`): `login_ip_failures_per_minute` failed logins, then 429.
  Only failures count, so an office behind one NAT address can still log everyone in at 8:00.

A wrong password, an unknown user and a deactivated user get the same 401 and take the same
time (an argon2 verification runs in every case), so answers do not reveal which usernames exist.
A lock does reveal that the account exists; that is the accepted price of telling a locked-out
clerk why they cannot log in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.checks import utc_now
from accounts.credentials import hash_password, needs_rehash, verify_password
from accounts.ratelimit import FailureLimiter
from accounts.users import normalize_username, update_user
from core.audit import record
from core.db import as_utc
from core.errors import (
    AccountLockedError,
    ForbiddenError,
    InvalidInputError,
    TooManyAttemptsError,
    UnauthenticatedError,
)
from core.settings import Settings
from core.tables import LoginFailure, RevokedToken, User
from core.text import nfc

BAD_LOGIN = "tên đăng nhập hoặc mật khẩu không đúng (invalid username or password)"


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
    now = utc_now()
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
        row.locked_until = utc_now() + lock
        record(db, user.username, "login.locked", f"user:{user.username}", ip=ip, until=row.locked_until.isoformat())
        db.commit()
        raise _locked(lock)
    db.commit()


def _count_failure(db: Session, user: User, ip: str) -> LoginFailure:
    """One more failure of `user` from `ip`, counted in the database (concurrent failures all count)."""
    db.flush()
    bump = update(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client == ip)
    if db.execute(bump.values(failures=LoginFailure.failures + 1, updated_at=utc_now())).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with db.begin_nested():
                db.add(LoginFailure(user_id=user.id, client=ip, failures=1, updated_at=utc_now()))
        except IntegrityError:  # a concurrent first failure inserted the row: count on it
            db.execute(bump.values(failures=LoginFailure.failures + 1, updated_at=utc_now()))
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
    now = utc_now()
    db.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    if token_id is not None and db.get(RevokedToken, token_id) is None:
        db.add(RevokedToken(token_id=token_id, user_id=user_id, expires_at=expires_at))
    user = db.get(User, user_id)
    if user is not None:
        if everywhere:
            user.tokens_valid_after = now
        record(db, user.username, "logout", f"user:{user.username}", everywhere=everywhere)
