"""Request dependencies: the database session, the caller (principal) and role checks.

A caller is identified by an API key (`Authorization: Bearer gb_…` or `X-API-Key`), a bearer
session token (voice login hands these to other services), or the web session cookie; cookie
callers must echo the CSRF cookie in `X-CSRF-Token` on every state-changing request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.security import SessionTokens, key_prefix, keys_match
from core.db import session_scope
from core.errors import ForbiddenError, GobangError
from core.settings import Settings
from core.tables import ApiKey, Role, User

SESSION_COOKIE = "gobang_session"
CSRF_COOKIE = "gobang_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UnauthenticatedError(GobangError):
    http_status = 401
    title = "Chưa đăng nhập"


@dataclass(frozen=True)
class Principal:
    """Who is calling, with what role, on behalf of which organisation unit (None: every unit)."""

    name: str
    role: Role
    org_unit_id: int | None
    user_id: int | None = None
    via: str = "session"

    def may_see(self, org_unit_id: int | None) -> bool:
        return self.role == Role.admin or self.org_unit_id is None or self.org_unit_id == org_unit_id


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(settings: Settings = Depends(get_settings_dep)) -> Iterator[Session]:
    with session_scope(settings.resolved_database_url) as session:
        yield session


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.headers.get("x-api-key")


def _from_api_key(db: Session, key: str) -> Principal | None:
    prefix = key_prefix(key)
    if prefix is None:
        return None
    row = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None or not keys_match(key, row.key_hash):
        raise UnauthenticatedError("khóa API không hợp lệ hoặc đã bị thu hồi (invalid or revoked API key)")
    row.last_used_at = datetime.now(UTC)
    return Principal(name=f"key:{row.name or row.prefix}", role=row.role, org_unit_id=row.org_unit_id, via="api_key")


def _from_token(db: Session, tokens: SessionTokens, token: str, via: str) -> Principal | None:
    read = tokens.read(token)
    if read is None:
        return None
    user = db.get(User, read[0])
    if user is None or not user.active:
        return None
    return Principal(name=user.username, role=user.role, org_unit_id=user.org_unit_id, user_id=user.id, via=via)


def current_principal(request: Request, db: Session = Depends(get_db)) -> Principal:
    """The authenticated caller; 401 otherwise, 403 on a cookie request without a matching CSRF token."""
    tokens: SessionTokens = request.app.state.tokens
    bearer = _bearer(request)
    if bearer:
        principal = _from_api_key(db, bearer) or _from_token(db, tokens, bearer, "token")
        if principal is None:
            raise UnauthenticatedError("mã truy cập không hợp lệ hoặc đã hết hạn (invalid or expired token)")
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = _from_token(db, tokens, cookie, "session") if cookie else None
    if principal is None:
        raise UnauthenticatedError("cần đăng nhập (authentication required)")
    if request.method not in _SAFE_METHODS:
        sent, expected = request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)
        if not sent or not expected or sent != expected:
            raise ForbiddenError("thiếu hoặc sai mã CSRF (missing or wrong CSRF token)")
    return principal


def require(*roles: Role):  # type: ignore[no-untyped-def]
    """Dependency allowing only the given roles (admin is always allowed)."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role != Role.admin and principal.role not in roles:
            raise ForbiddenError(f"vai trò {principal.role.value} không được phép (role not allowed)")
        return principal

    return check
