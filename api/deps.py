"""Request dependencies, defined once: the settings, the job queue, the database session, the caller (principal)
and the permissions, each named by what it lets the caller do (`TranscriptsReader`, `JobsRunner`, …).

A caller is identified by an API key (`Authorization: Bearer gb_…` or `X-API-Key`), a bearer
session token (login and voice login hand these to other services), or the web session cookie;
cookie callers must send the session's CSRF token in `X-CSRF-Token` on every state-changing request.

Use `DbSession` in routers: its transaction commits *before* the response is sent, so a 2xx
answer means the change is stored (a plain `Depends(get_db)` would commit after the response,
hiding a failed commit from the client and racing its next request).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.credentials import hash_key, key_prefix, keys_match
from accounts.scopes import SCOPES
from accounts.verified_keys import VerifiedKeys
from api.security import SessionTokens, TokenClaims
from core.blobs import BlobStore
from core.db import as_utc, session_scope
from core.errors import ForbiddenError, UnauthenticatedError
from core.settings import Settings
from core.tables import ApiKey, RevokedToken, Role, User
from workers.queue import JobQueue

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "DbSession",
    "KeyCache",
    "Principal",
    "UnauthenticatedError",
    "authenticate",
    "authenticate_alone",
    "current_principal",
    "get_db",
    "principal_from_credentials",
    "require",
    "require_scope",
]

SESSION_COOKIE = "gobang_session"
CSRF_COOKIE = "gobang_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEY_TOUCH_EVERY = timedelta(minutes=1)
"""`api_keys.last_used_at` is written at most this often per key, not on every request (and only when the key is
read from the database: with the key cache, it is accurate to this plus `Settings.api_key_cache_s`)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling, with what role, on behalf of which organisation unit (None: every unit)."""

    name: str
    role: Role
    org_unit_id: int | None
    user_id: int | None = None
    via: str = "session"
    """`session` (cookie), `token` (bearer session token) or `api_key`."""
    scopes: frozenset[str] | None = None
    """None: everything the role allows; otherwise only these (API keys)."""
    token: TokenClaims | None = None
    """The session token's claims (for logout); None for API keys."""
    key_prefix: str | None = None
    """The API key's id (its unique prefix); key names are only labels and may repeat across units."""

    @property
    def identity(self) -> str:
        """What tells this caller apart from every other (idempotency keys are scoped by it): a key's prefix or a
        user's id, never a name."""
        return f"key:{self.key_prefix}" if self.key_prefix is not None else f"user:{self.user_id}"

    def scoped(self, idempotency_key: str) -> str:
        """An `Idempotency-Key` as stored: hashed with this caller's identity, so two callers choosing the same key
        never see each other's upload."""
        return hashlib.sha256(f"{self.identity}\n{idempotency_key}".encode()).hexdigest()

    def may_see(self, org_unit_id: int | None) -> bool:
        return self.role == Role.admin or self.org_unit_id is None or self.org_unit_id == org_unit_id

    def allows(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


async def get_settings_dep(request: Request) -> Settings:
    """Async: it only reads the app's state, so it runs on the event loop, not on a thread of the shared pool (a
    hop on every request, status polls included)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
"""The settings the app factory was given (never the environment's: tests and embedders pass their own)."""


def get_queue(request: Request) -> JobQueue:
    job_queue: JobQueue = request.app.state.queue
    return job_queue


QueueDep = Annotated[JobQueue, Depends(get_queue)]
"""Where new job ids go; commit the job's row before queueing it (a worker must find it)."""


def get_blobs(request: Request) -> BlobStore:
    """The app's blob store (built once by `create_app`)."""
    blobs: BlobStore = request.app.state.blobs
    return blobs


BlobsDep = Annotated[BlobStore, Depends(get_blobs)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings.resolved_database_url) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]
"""The request's session, committed before the response goes out (see the module docstring)."""


# Declared as security schemes so that the OpenAPI document (and /docs) shows how to authenticate.
_bearer_scheme = HTTPBearer(auto_error=False, description="Khóa API `gb_…` hoặc mã phiên từ /auth/login")
_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="Khóa API `gb_…`")
_cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Phiên đăng nhập web (+ X-CSRF-Token)")


def key_actor(name: str, prefix: str) -> str:
    """How a key appears as an actor or author: its label for people, its prefix (the id) for certainty."""
    return f"key:{name[:80]}#{prefix}" if name else f"key:{prefix}"


KeyCache = VerifiedKeys[Principal]
"""The callers that API keys verified recently named (`accounts.verified_keys`); one per app."""


def _from_api_key(db: Session, key: str, cache: KeyCache | None) -> Principal | None:
    prefix = key_prefix(key)
    if prefix is None:
        return None
    key_hash = hash_key(key)
    generation = cache.generation() if cache is not None else None  # read before the database: see the module
    if cache is not None and generation is not None and (known := cache.get(key_hash, generation)) is not None:
        return known
    row = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None or not keys_match(key, row.key_hash):
        raise UnauthenticatedError("khóa API không hợp lệ hoặc đã bị thu hồi (invalid or revoked API key)")
    now = datetime.now(UTC)
    if row.last_used_at is None or now - as_utc(row.last_used_at) > _KEY_TOUCH_EVERY:
        row.last_used_at = now
    principal = Principal(
        name=key_actor(row.name, row.prefix),
        role=row.role,
        org_unit_id=row.org_unit_id,
        via="api_key",
        key_prefix=row.prefix,
        scopes=frozenset(row.scopes) if row.scopes else None,
    )
    if cache is not None and generation is not None:
        cache.put(key_hash, principal, generation)
    return principal


def _from_token(db: Session, tokens: SessionTokens, token: str, via: str) -> Principal | None:
    claims = tokens.claims(token)
    if claims is None:
        return None
    user = db.get(User, claims.user_id)
    if user is None or not user.active:
        return None
    if user.tokens_valid_after is not None and claims.issued_at < as_utc(user.tokens_valid_after).timestamp():
        return None
    if claims.token_id is not None and db.get(RevokedToken, claims.token_id) is not None:
        return None
    return Principal(
        name=user.username, role=user.role, org_unit_id=user.org_unit_id, user_id=user.id, via=via, token=claims
    )


def principal_from_credentials(
    db: Session, tokens: SessionTokens, keys: KeyCache | None, *, bearer: str | None, cookie: str | None
) -> Principal | None:
    """Who a bearer credential (API key or session token) names, else the session cookie; None when neither is
    valid. Shared by HTTP requests and WebSockets (which check the Origin instead of a CSRF token)."""
    if bearer:
        return _from_api_key(db, bearer, keys) or _from_token(db, tokens, bearer, "token")
    return _from_token(db, tokens, cookie, "session") if cookie else None


def authenticate(
    db: Session,
    tokens: SessionTokens,
    keys: KeyCache | None,
    *,
    method: str,
    bearer: str | None,
    cookie: str | None,
    csrf: str,
) -> Principal:
    """The authenticated caller; 401 otherwise, 403 on a cookie request without the session's CSRF token (`csrf`:
    the `X-CSRF-Token` header sent). Shared by the dependency below and `api.limits`, which checks upload
    requests before their body is read."""
    principal = principal_from_credentials(db, tokens, keys, bearer=bearer, cookie=cookie)
    if bearer:
        if principal is None:
            raise UnauthenticatedError("mã truy cập không hợp lệ hoặc đã hết hạn (invalid or expired token)")
        return principal
    if principal is None or cookie is None:
        raise UnauthenticatedError("cần đăng nhập (authentication required)")
    if method not in _SAFE_METHODS:
        sent = csrf.encode("latin-1")  # Starlette decodes headers as latin-1
        if not hmac.compare_digest(sent, tokens.csrf_token(cookie).encode()):
            raise ForbiddenError("thiếu hoặc sai mã CSRF (missing or wrong CSRF token)")
    return principal


EARLY_PRINCIPAL = "gobang_principal"
"""Key in the request scope's state under which `api.limits` leaves the caller it authenticated before the body."""


async def current_principal(
    request: Request,
    authorization: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    api_key: Annotated[str | None, Depends(_key_scheme)],
    cookie: Annotated[str | None, Depends(_cookie_scheme)],
) -> Principal:
    """The authenticated caller; 401 otherwise, 403 on a cookie request without the session's CSRF token.

    Async, with the checking on one thread of the pool: a status poll makes two hops (this, then the route),
    not five (the request's database session opened and closed, this, the route, the settings)."""
    early: Principal | None = request.scope.get("state", {}).get(EARLY_PRINCIPAL)
    if early is not None:
        return early
    bearer = authorization.credentials.strip() if authorization is not None else api_key
    state = request.app.state
    return await run_in_threadpool(
        authenticate_alone,
        state.settings,
        state.tokens,
        state.api_keys,
        method=request.method,
        bearer=bearer,
        cookie=cookie,
        csrf=request.headers.get(CSRF_HEADER, ""),
    )


def authenticate_alone(
    settings: Settings,
    tokens: SessionTokens,
    keys: KeyCache | None,
    *,
    method: str,
    bearer: str | None,
    cookie: str | None,
    csrf: str,
) -> Principal:
    """`authenticate` in a database session of its own, ended before the request goes on: no pooled connection is
    held while the request waits for its next threadpool hop (with more requests in flight than connections,
    threads blocked on the pool held the threads that the connections' holders needed, and the server stalled
    for the pool timeout, 30 s). A key found in `keys` takes no connection at all."""
    with session_scope(settings.resolved_database_url) as db:
        return authenticate(db, tokens, keys, method=method, bearer=bearer, cookie=cookie, csrf=csrf)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """Dependency allowing only the given roles (admin is always allowed)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role != Role.admin and principal.role not in roles:
            raise ForbiddenError(f"vai trò {principal.role.value} không được phép (role not allowed)")
        return principal

    return check


def require_scope(scope: str) -> Callable[[Principal], Principal]:
    """Dependency refusing API keys that were not given `scope` (sessions and unscoped keys pass)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; add it to accounts.scopes.SCOPES")

    def check(principal: CurrentPrincipal) -> Principal:
        if not principal.allows(scope):
            raise ForbiddenError(f"khóa API không có quyền {scope} (API key lacks scope {scope})")
        return principal

    return check


READERS = (Role.clerk, Role.viewer, Role.service)
UPLOADERS = (Role.clerk, Role.service)
EDITORS = (Role.clerk,)


@dataclass(frozen=True)
class Allow:
    """Dependency: the role check of `require` (admin always passes) and the scope check of `require_scope`."""

    scope: str
    roles: tuple[Role, ...]

    def __post_init__(self) -> None:
        require_scope(self.scope)  # an unknown scope fails at import, not at the first request

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        """Async although it only computes: FastAPI then runs it on the event loop, not on a worker thread."""
        require(*self.roles)(principal)
        return require_scope(self.scope)(principal)


def allow(scope: str, *roles: Role) -> Allow:
    return Allow(scope, roles)


MAY_UPLOAD = allow("recordings:write", *UPLOADERS)
MAY_EDIT_TRANSCRIPTS = allow("transcripts:write", *EDITORS)
MAY_TRANSCRIBE_NOW = allow("jobs:write", Role.service)
"""The OpenAI-compatible endpoint: API keys (and admins) only."""

RecordingsReader = Annotated[Principal, Depends(allow("recordings:read", *READERS))]
RecordingsUploader = Annotated[Principal, Depends(MAY_UPLOAD)]
RecordingsEditor = Annotated[Principal, Depends(allow("recordings:write", *EDITORS))]
"""Renaming, deleting and re-dating recordings: clerks of the unit, not services."""
JobsReader = Annotated[Principal, Depends(allow("jobs:read", *READERS))]
JobsRunner = Annotated[Principal, Depends(allow("jobs:write", *UPLOADERS))]
TranscriptsReader = Annotated[Principal, Depends(allow("transcripts:read", *READERS))]
"""Transcripts, minutes and search over them."""
TranscriptsEditor = Annotated[Principal, Depends(MAY_EDIT_TRANSCRIPTS)]
"""Editing transcripts and minutes, enrolling voiceprints from them: clerks."""
VoiceprintsReader = Annotated[Principal, Depends(allow("transcripts:read", *EDITORS))]
"""Listing the people the system can name: clerks (viewers and services see names only in transcripts)."""
ImmediateTranscriber = Annotated[Principal, Depends(MAY_TRANSCRIBE_NOW)]
Admin = Annotated[Principal, Depends(require())]
