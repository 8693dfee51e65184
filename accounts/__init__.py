"""Accounts: users, organisation units, API keys, scopes and login protection.

Below both the HTTP API and the CLI (neither imports the other, and creating a user does not load FastAPI).
Each module has one job; this package names the operations callers use.
"""

from accounts.audit_log import list_audit
from accounts.keys import create_api_key, list_api_keys, revoke_api_key
from accounts.login import (
    admit,
    authenticate,
    change_own_password,
    end_session,
    login_failed,
    login_succeeded,
)
from accounts.units import create_org_unit, find_org_unit, get_org_unit, list_org_units
from accounts.users import (
    UNSET,
    create_user,
    find_user,
    get_user,
    list_users,
    normalize_username,
    update_user,
)

__all__ = [
    "UNSET",
    "admit",
    "authenticate",
    "change_own_password",
    "create_api_key",
    "create_org_unit",
    "create_user",
    "end_session",
    "find_org_unit",
    "find_user",
    "get_org_unit",
    "get_user",
    "list_api_keys",
    "list_audit",
    "list_org_units",
    "list_users",
    "login_failed",
    "login_succeeded",
    "normalize_username",
    "revoke_api_key",
    "update_user",
]
