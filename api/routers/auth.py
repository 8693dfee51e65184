"""Password login for the web UI (session cookie + CSRF token) and for other services (bearer token)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response

import accounts
from api.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal, DbSession, SettingsDep
from api.middleware import SmallBodyRoute
from api.problems import PROBLEM_JSON
from api.schemas_accounts import LoginRequest, LoginResponse, LogoutRequest, Me, PasswordChange, UserOut
from api.security import SessionTokens
from core.errors import ForbiddenError
from core.settings import Settings
from core.tables import User

router = APIRouter(prefix="/auth", tags=["Đăng nhập (auth)"], route_class=SmallBodyRoute)

_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}


def _set_cookies(response: Response, settings: Settings, token: str, csrf: str, max_age: int) -> None:
    """Session: HttpOnly (scripts never see it). CSRF: readable by the page's script, which echoes it
    in `X-CSRF-Token`. Both SameSite=Lax, and Secure unless `GOBANG_COOKIE_SECURE=false`."""
    common = {"max_age": max_age, "path": "/", "secure": settings.cookie_secure, "samesite": "lax"}
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]


def _clear_cookies(response: Response, settings: Settings) -> None:
    for name, http_only in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=http_only, samesite="lax")


@router.post(
    "/login",
    response_model=LoginResponse,
    summary="Đăng nhập bằng mật khẩu (password login)",
    responses={401: _PROBLEM, 423: _PROBLEM, 429: _PROBLEM},
)
def login(
    body: LoginRequest, request: Request, response: Response, db: DbSession, settings: SettingsDep
) -> LoginResponse:
    """Sets the session and CSRF cookies; also returns the session as a bearer `token` for other services.

    A wrong password and an unknown user get the same 401. Repeated failures lock the account (423)
    or slow the client address down (429); both carry `Retry-After`."""
    user = accounts.authenticate(
        db,
        body.username,
        body.password,
        request.client.host if request.client else None,
        settings=settings,
        limiter=request.app.state.login_limiter,
    )
    return new_session(request, response, user)


def new_session(request: Request, response: Response, user: User, *, method: str = "password") -> LoginResponse:
    """A fresh session for `user` (after a password or a voice login): cookies for the browser, and the same
    session as a bearer token for other services. `method` is recorded in the token."""
    settings: Settings = request.app.state.settings
    tokens: SessionTokens = request.app.state.tokens
    token = tokens.issue(user.id, method=method)
    csrf = tokens.csrf_token(token)
    _set_cookies(response, settings, token, csrf, tokens.max_age_s)
    response.headers["Cache-Control"] = "no-store"
    expires_at = datetime.fromtimestamp(datetime.now(UTC).timestamp() + tokens.max_age_s, UTC)
    return LoginResponse(user=UserOut.model_validate(user), csrf_token=csrf, token=token, expires_at=expires_at)


@router.post(
    "/password",
    response_model=LoginResponse,
    summary="Đổi mật khẩu của mình (change own password)",
    responses={401: _PROBLEM, 403: _PROBLEM, 422: _PROBLEM, 429: _PROBLEM},
)
def change_password(
    body: PasswordChange, request: Request, response: Response, principal: CurrentPrincipal, db: DbSession
) -> LoginResponse:
    """Needs the current password. Every session of the user ends; the answer carries a fresh one
    (cookies and token), like a login."""
    if principal.user_id is None:
        raise ForbiddenError("khóa API không có mật khẩu để đổi (API keys have no password)")
    user = accounts.change_own_password(
        db,
        accounts.get_user(db, principal.user_id),
        body.current_password,
        body.new_password,
        request.client.host if request.client else None,
        limiter=request.app.state.login_limiter,
    )
    return new_session(request, response, user)


@router.post(
    "/logout",
    status_code=204,
    summary="Đăng xuất (logout)",
    responses={401: _PROBLEM, 403: _PROBLEM},
)
def logout(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    settings: SettingsDep,
    body: LogoutRequest | None = None,
) -> Response:
    """Ends this session (cookie or bearer token) at once, or every session of the user with
    `{"everywhere": true}`, and clears the cookies. API keys are revoked by an admin, not logged out."""
    tokens: SessionTokens = request.app.state.tokens
    if principal.user_id is not None and principal.token is not None:
        expires_at = datetime.fromtimestamp(principal.token.issued_at + tokens.max_age_s, UTC)
        everywhere = body.everywhere if body is not None else False
        accounts.end_session(db, principal.user_id, principal.token.token_id, expires_at, everywhere=everywhere)
    response = Response(status_code=204)
    _clear_cookies(response, settings)
    return response


@router.get("/me", response_model=Me, summary="Người đang gọi (who am I)", responses={401: _PROBLEM})
def me(principal: CurrentPrincipal, db: DbSession) -> Me:
    user = db.get(User, principal.user_id) if principal.user_id is not None else None
    return Me(
        name=principal.name,
        role=principal.role,
        via=principal.via,
        org_unit_id=principal.org_unit_id,
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
        user=UserOut.model_validate(user) if user is not None else None,
    )
