"""Administration (admins only): users, organisation units, API keys and the audit log. Every change is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

import accounts
from api.deps import Admin, DbSession, KeyCache
from api.middleware import SmallBodyRoute
from api.problems import PROBLEM_JSON
from api.schemas_accounts import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    AuditEventOut,
    OrgUnitCreate,
    OrgUnitOut,
    SafeStr,
    UserCreate,
    UserOut,
    UserUpdate,
)

_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}
router = APIRouter(
    tags=["Quản trị (admin)"],
    responses={401: _PROBLEM, 403: _PROBLEM, 422: _PROBLEM},
    route_class=SmallBodyRoute,
)

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in PostgreSQL: a larger one in a URL is a 422, not an overflow (500) in the database."""
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- users --------------------------------------------------------------------------------------


@router.get("/users", response_model=list[UserOut], summary="Danh sách người dùng (list users)")
def list_users(admin: Admin, db: DbSession) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in accounts.list_users(db)]


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    summary="Tạo người dùng (create a user)",
    responses={404: _PROBLEM, 409: _PROBLEM},
)
def create_user(body: UserCreate, admin: Admin, db: DbSession) -> UserOut:
    user = accounts.create_user(
        db, body.username, body.password, body.role, body.org_unit, body.display_name, actor=admin.name
    )
    return UserOut.model_validate(user)


@router.get("/users/{user_id}", response_model=UserOut, summary="Một người dùng", responses={404: _PROBLEM})
def get_user(user_id: UserId, admin: Admin, db: DbSession) -> UserOut:
    return UserOut.model_validate(accounts.get_user(db, user_id))


@router.patch(
    "/users/{user_id}",
    response_model=UserOut,
    summary="Sửa, đổi vai trò, khóa/mở tài khoản, đặt lại mật khẩu (update a user)",
    responses={404: _PROBLEM, 409: _PROBLEM},
)
def update_user(user_id: UserId, body: UserUpdate, admin: Admin, db: DbSession) -> UserOut:
    """`active: false` deactivates the user and ends their sessions; the last active admin is protected (409)."""
    user = accounts.update_user(
        db,
        accounts.get_user(db, user_id),
        actor=admin.name,
        display_name=body.display_name,
        role=body.role,
        org_unit=body.org_unit if "org_unit" in body.model_fields_set else accounts.UNSET,
        active=body.active,
        password=body.password,
        unlock=body.unlock,
    )
    return UserOut.model_validate(user)


# --- organisation units -------------------------------------------------------------------------


@router.get("/org-units", response_model=list[OrgUnitOut], summary="Danh sách đơn vị (list organisation units)")
def list_org_units(admin: Admin, db: DbSession) -> list[OrgUnitOut]:
    return [OrgUnitOut.model_validate(u) for u in accounts.list_org_units(db)]


@router.post(
    "/org-units",
    status_code=201,
    response_model=OrgUnitOut,
    summary="Tạo đơn vị (create an organisation unit)",
    responses={409: _PROBLEM},
)
def create_org_unit(body: OrgUnitCreate, admin: Admin, db: DbSession) -> OrgUnitOut:
    return OrgUnitOut.model_validate(accounts.create_org_unit(db, body.name, actor=admin.name))


# --- API keys -----------------------------------------------------------------------------------


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="Danh sách khóa API (list API keys)")
def list_api_keys(admin: Admin, db: DbSession, include_revoked: Annotated[bool, Query()] = True) -> list[ApiKeyOut]:
    """Never the keys themselves nor their hashes: only the prefix identifies a key."""
    return [ApiKeyOut.model_validate(k) for k in accounts.list_api_keys(db, include_revoked=include_revoked)]


@router.post(
    "/api-keys",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Tạo khóa API; khóa chỉ hiện một lần (create an API key, shown once)",
    responses={404: _PROBLEM},
)
def create_api_key(body: ApiKeyCreate, admin: Admin, db: DbSession) -> ApiKeyCreated:
    issued = accounts.create_api_key(
        db, body.name, body.role, body.org_unit, body.scopes, created_by=admin.user_id, actor=admin.name
    )
    out = ApiKeyOut.model_validate(issued.row)
    return ApiKeyCreated(**out.model_dump(), key=issued.key)


@router.delete(
    "/api-keys/{prefix}",
    response_model=ApiKeyOut,
    summary="Thu hồi khóa API (revoke an API key)",
    responses={404: _PROBLEM},
)
def revoke_api_key(
    prefix: Annotated[str, Path(max_length=100)], request: Request, admin: Admin, db: DbSession
) -> ApiKeyOut:
    """The key is refused from the next request on, by every API process (they hear of it through Redis)."""
    revoked = ApiKeyOut.model_validate(accounts.revoke_api_key(db, prefix, actor=admin.name))
    db.commit()  # before the processes forget the key: one re-reading it now must see it revoked
    keys: KeyCache | None = request.app.state.api_keys
    if keys is not None:
        keys.keys_changed()
    return revoked


# --- audit log ----------------------------------------------------------------------------------


@router.get("/audit-log", response_model=list[AuditEventOut], summary="Nhật ký kiểm toán (audit log)")
def audit_log(
    admin: Admin,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Trang tiếp: id nhỏ nhất của trang trước")
    ] = None,
    actor: Annotated[SafeStr | None, Query(max_length=120)] = None,
    action: Annotated[SafeStr | None, Query(max_length=80, description="Tiền tố, ví dụ `login.`")] = None,
) -> list[AuditEventOut]:
    events = accounts.list_audit(db, limit=limit, before_id=before_id, actor=actor, action=action)
    return [AuditEventOut.model_validate(e) for e in events]
