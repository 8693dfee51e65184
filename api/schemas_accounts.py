"""Wire types of the accounts, auth and operations endpoints (the rest of the API uses `api.schemas`).

Every free-text field is a `SafeStr`: strings that cannot be stored (NUL, lone surrogates from a
hostile JSON body) are a 422 here instead of a database or argon2 error (500) later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.tables import Role


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("không được chứa ký tự NUL (NUL characters are not allowed)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("không phải UTF-8 hợp lệ (not valid UTF-8)") from None
    return value


SafeStr = Annotated[str, AfterValidator(_storable)]
Password = Annotated[SafeStr, Field(min_length=1, max_length=1024)]
Username = Annotated[SafeStr, Field(min_length=1, max_length=100)]
OrgUnitName = Annotated[SafeStr, Field(min_length=1, max_length=200)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OrgUnitOut(_Out):
    id: int
    name: str


class OrgUnitCreate(BaseModel):
    name: OrgUnitName


class UserOut(_Out):
    id: int
    username: str
    display_name: str
    role: Role
    org_unit: OrgUnitOut | None
    active: bool
    locked_until: datetime | None
    created_at: datetime


class UserCreate(BaseModel):
    username: Username
    password: Password
    role: Literal[Role.admin, Role.clerk, Role.viewer]
    org_unit: OrgUnitName | None = None
    """Name of an existing organisation unit; None sees every unit's recordings."""
    display_name: Annotated[SafeStr, Field(max_length=200)] = ""


class UserUpdate(BaseModel):
    """Only the fields sent are changed; `"org_unit": null` clears the unit."""

    display_name: Annotated[SafeStr, Field(max_length=200)] | None = None
    role: Literal[Role.admin, Role.clerk, Role.viewer] | None = None
    org_unit: OrgUnitName | None = None
    active: bool | None = None
    password: Password | None = None
    """A new password; ends the user's sessions and lifts a lockout."""
    unlock: bool = False
    """Lift a lockout after wrong passwords."""


class LoginRequest(BaseModel):
    username: Username
    password: Password


class LoginResponse(BaseModel):
    user: UserOut
    csrf_token: str
    """Send it back in `X-CSRF-Token` on every POST/PUT/PATCH/DELETE made with the session cookie."""
    token: str
    """The same session as a bearer token (`Authorization: Bearer …`), for another service; no CSRF needed."""
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class PasswordChange(BaseModel):
    current_password: Password
    new_password: Password
    """At least 10 characters, not the username."""


class LogoutRequest(BaseModel):
    everywhere: bool = False
    """End every session and token of this user, not only this one."""


class Me(BaseModel):
    name: str
    role: Role
    via: str
    org_unit_id: int | None
    scopes: list[str] | None
    user: UserOut | None


class ApiKeyCreate(BaseModel):
    name: Annotated[SafeStr, Field(min_length=1, max_length=200)]
    role: Literal[Role.service, Role.clerk, Role.viewer] = Role.service
    org_unit: OrgUnitName | None = None
    scopes: list[Annotated[SafeStr, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    """Empty: everything the role allows. Known scopes: see `accounts.scopes.SCOPES`."""


class ApiKeyOut(_Out):
    id: int
    prefix: str
    name: str
    role: Role
    scopes: list[str]
    org_unit: OrgUnitOut | None
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str
    """The key itself: shown this once, only its hash is stored."""


class AuditEventOut(_Out):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]
    """Each dependency: `ok`, or what is wrong with it."""
