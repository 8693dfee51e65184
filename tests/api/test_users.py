"""Administration endpoints: the role matrix, users, organisation units, API keys, scopes, audit log."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.deps import Principal, require_scope
from core.db import session_scope
from core.tables import ApiKey, AuditEvent, Role
from tests.api.conftest import PASSWORD, Accounts, assert_problem

ADMIN_ENDPOINTS = [
    ("GET", "/users", None),
    ("POST", "/users", {"username": "thu_ky_moi", "password": PASSWORD, "role": "clerk"}),
    ("GET", "/users/1", None),
    ("PATCH", "/users/1", {"display_name": "Tên mới"}),
    ("GET", "/org-units", None),
    ("POST", "/org-units", {"name": "Hội đồng Dân tộc"}),
    ("GET", "/api-keys", None),
    ("POST", "/api-keys", {"name": "máy ghi âm phòng họp"}),
    ("DELETE", "/api-keys/0badc0de", None),
    ("GET", "/audit-log", None),
]


def test_role_matrix_of_the_admin_endpoints(client: TestClient, accounts: Accounts) -> None:
    callers = {role: accounts.headers(role) for role in Role}
    for method, path, body in ADMIN_ENDPOINTS:
        anonymous = client.request(method, path, json=body)
        assert_problem(anonymous, 401)
        for role in (Role.clerk, Role.viewer, Role.service):
            denied = client.request(method, path, json=body, headers=callers[role])
            assert_problem(denied, 403)
        allowed = client.request(method, path, json=body, headers=callers[Role.admin])
        assert allowed.status_code in (200, 201, 404), (method, path, allowed.text)  # 404: no key 0badc0de


def test_create_list_and_update_users(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    accounts.org_unit("Ủy ban Pháp luật")
    created = client.post(
        "/users",
        json={
            "username": "Nguyen.Van.An",
            "password": PASSWORD,
            "role": "clerk",
            "org_unit": "Uỷ ban Pháp luật",  # old-style tone placement finds the unit
            "display_name": "Nguyễn  Văn An",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["username"] == "nguyen.van.an"
    assert user["display_name"] == "Nguyễn Văn An"
    assert user["org_unit"]["name"] == "Ủy ban Pháp luật"
    assert "password" not in user and "password_hash" not in user

    assert_problem(client.post("/users", json={**_user("nguyen.van.an")}, headers=admin), 409)
    short = assert_problem(client.post("/users", json={**_user("ngan"), "password": "ngắn"}, headers=admin), 422)
    assert "10 ký tự" in short["detail"]
    assert_problem(client.post("/users", json={**_user("dich_vu"), "role": "service"}, headers=admin), 422)
    assert_problem(client.post("/users", json={**_user("co don vi"), "role": "clerk"}, headers=admin), 422)
    assert_problem(client.post("/users", json={**_user("khac"), "org_unit": "Không tồn tại"}, headers=admin), 404)

    names = [u["username"] for u in client.get("/users", headers=admin).json()]
    assert "nguyen.van.an" in names
    changed = client.patch(f"/users/{user['id']}", json={"role": "viewer", "org_unit": None}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "viewer" and changed.json()["org_unit"] is None
    assert_problem(client.get("/users/999999", headers=admin), 404)
    with session_scope(accounts.url) as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.target == "user:nguyen.van.an")).all()
        assert [e.action for e in events] == ["user.created", "user.updated"]
        assert events[1].detail["role"] == ["clerk", "viewer"]
        assert events[1].actor.startswith("admin_")


def _user(username: str) -> dict[str, str]:
    return {"username": username, "password": PASSWORD, "role": "clerk"}


def test_the_last_admin_cannot_be_removed(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.user(Role.admin)
    headers = {"Authorization": f"Bearer {accounts.token(admin)}"}
    assert_problem(client.patch(f"/users/{admin.id}", json={"role": "clerk"}, headers=headers), 409)
    assert_problem(client.patch(f"/users/{admin.id}", json={"active": False}, headers=headers), 409)
    other = accounts.user(Role.admin)
    assert client.patch(f"/users/{other.id}", json={"active": False}, headers=headers).status_code == 200


def test_admin_unlocks_a_locked_user(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk)
    for _ in range(5):
        client.post("/auth/login", json={"username": user.username, "password": "sai-mat-khau"})
    assert client.get(f"/users/{user.id}", headers=accounts.headers(Role.admin)).json()["locked_until"]
    unlocked = client.patch(f"/users/{user.id}", json={"unlock": True}, headers=accounts.headers(Role.admin))
    assert unlocked.json()["locked_until"] is None
    accounts.login(client, user)


def test_org_units_are_unique_ignoring_case_and_tone_placement(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    assert client.post("/org-units", json={"name": "Ủy ban Kinh tế"}, headers=admin).status_code == 201
    assert_problem(client.post("/org-units", json={"name": "uỷ ban  kinh tế"}, headers=admin), 409)
    assert [u["name"] for u in client.get("/org-units", headers=admin).json()] == ["Ủy ban Kinh tế"]


def test_api_key_is_shown_once_works_and_is_revoked(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    accounts.org_unit("Hội đồng nhân dân")
    created = client.post(
        "/api-keys",
        json={"name": "Hệ thống lưu trữ", "org_unit": "Hội đồng nhân dân", "scopes": ["recordings:read"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    key, prefix = created.json()["key"], created.json()["prefix"]
    assert key.startswith(f"gb_{prefix}_")
    assert created.json()["role"] == "service" and created.json()["scopes"] == ["recordings:read"]

    listed = client.get("/api-keys", headers=admin).json()
    assert [k["prefix"] for k in listed] == [prefix]
    assert "key" not in listed[0] and "key_hash" not in listed[0]
    assert key not in client.get("/api-keys", headers=admin).text
    with session_scope(accounts.url) as db:
        stored = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert stored is not None and key not in stored.key_hash  # only the hash is at rest

    me = client.get("/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json()["role"] == "service" and me.json()["scopes"] == ["recordings:read"]
    assert client.get("/api-keys", headers=admin).json()[0]["last_used_at"] is not None

    revoked = client.delete(f"/api-keys/{prefix}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert "thu hồi" in assert_problem(client.get("/auth/me", headers={"X-API-Key": key}), 401)["detail"]
    assert client.delete(f"/api-keys/{prefix}", headers=admin).status_code == 200  # revoking twice is harmless
    assert client.get("/api-keys?include_revoked=false", headers=admin).json() == []
    assert_problem(client.delete("/api-keys/ffffffff", headers=admin), 404)
    with session_scope(accounts.url) as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target == f"api_key:{prefix}")).all()
        assert actions == ["api_key.created", "api_key.revoked"]


def test_api_keys_refuse_admin_role_and_unknown_scopes(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    assert_problem(client.post("/api-keys", json={"name": "x", "role": "admin"}, headers=admin), 422)
    bad = assert_problem(client.post("/api-keys", json={"name": "x", "scopes": ["everything"]}, headers=admin), 422)
    assert "everything" in bad["detail"]


def test_scoped_keys_are_limited_to_their_scopes(app: FastAPI, client: TestClient, accounts: Accounts) -> None:
    probe = APIRouter()

    @probe.get("/_probe/transcripts")
    def read_transcripts(
        principal: Annotated[Principal, Depends(require_scope("transcripts:read"))],
    ) -> dict[str, str]:
        return {"name": principal.name}

    app.include_router(probe)
    scoped = accounts.api_key(scopes=("recordings:read",))
    unscoped = accounts.api_key()
    assert_problem(client.get("/_probe/transcripts", headers={"X-API-Key": scoped}), 403)
    assert client.get("/_probe/transcripts", headers={"X-API-Key": unscoped}).status_code == 200
    assert client.get("/_probe/transcripts", headers=accounts.headers(Role.viewer)).status_code == 200
    with pytest.raises(ValueError):
        require_scope("no-such-scope")


def test_audit_log_pages_newest_first(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    for name in ("Ban A", "Ban B", "Ban C"):
        client.post("/org-units", json={"name": name}, headers=admin)
    page = client.get("/audit-log?action=org_unit.&limit=2", headers=admin).json()
    assert [e["detail"]["name"] for e in page] == ["Ban C", "Ban B"]
    rest = client.get(f"/audit-log?action=org_unit.&before_id={page[-1]['id']}", headers=admin).json()
    assert [e["detail"]["name"] for e in rest] == ["Ban A"]
