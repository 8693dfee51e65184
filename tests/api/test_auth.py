"""Password login, cookies, CSRF, bearer tokens, logout, lockout and the per-address rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import create_app
from api.deps import CSRF_COOKIE, SESSION_COOKIE
from core.db import session_scope
from core.settings import Settings
from core.tables import AuditEvent, LoginFailure, Role
from tests.api.conftest import Accounts, assert_problem, csrf_headers


def _cookies(response: Any) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header parsed, by cookie name (the test client's own jar hides the attributes)."""
    jar = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        jar.update({name: cookie for name in cookie})
    return jar


def _audit(accounts: Accounts, action_prefix: str) -> list[AuditEvent]:
    with session_scope(accounts.url) as db:
        query = select(AuditEvent).where(AuditEvent.action.startswith(action_prefix)).order_by(AuditEvent.id)
        return list(db.scalars(query))


def test_login_sets_session_and_csrf_cookies_and_me_answers(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk, org="Ủy ban Pháp luật")
    response = client.post("/auth/login", json={"username": user.username.upper(), "password": user.password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["username"] == user.username
    assert body["user"]["org_unit"]["name"] == "Ủy ban Pháp luật"
    assert body["token"] and body["csrf_token"] and body["token_type"] == "bearer"
    assert "password_hash" not in body["user"]
    assert response.headers["cache-control"] == "no-store"

    jar = _cookies(response)
    session, csrf = jar[SESSION_COOKIE][SESSION_COOKIE], jar[CSRF_COOKIE][CSRF_COOKIE]
    assert session.value == body["token"] and csrf.value == body["csrf_token"]
    assert session["httponly"] and not csrf["httponly"]
    for cookie in (session, csrf):
        assert cookie["samesite"].lower() == "lax"
        assert cookie["path"] == "/"
        assert cookie["max-age"] == str(12 * 3600)
        assert not cookie["secure"]  # cookie_secure=False in the test settings

    me = client.get("/auth/me")
    assert me.status_code == 200
    assert me.json()["name"] == user.username and me.json()["via"] == "session"
    assert [e.action for e in _audit(accounts, "login.")] == ["login.succeeded"]


def test_secure_cookies_when_configured(client: TestClient, accounts: Accounts, settings: Settings) -> None:
    user = accounts.user(Role.viewer)
    with TestClient(create_app(settings.model_copy(update={"cookie_secure": True})), base_url="https://gobang") as tls:
        response = tls.post("/auth/login", json={"username": user.username, "password": user.password})
    jar = _cookies(response)
    assert jar[SESSION_COOKIE][SESSION_COOKIE]["secure"] and jar[CSRF_COOKIE][CSRF_COOKIE]["secure"]


def test_cookie_posts_need_the_sessions_csrf_token(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.user(Role.admin)
    body = accounts.login(client, admin)
    assert "CSRF" in assert_problem(client.post("/org-units", json={"name": "Ban Kinh tế"}), 403)["detail"]
    wrong = {"X-CSRF-Token": "x" * 64}
    assert_problem(client.post("/org-units", json={"name": "Ban Kinh tế"}, headers=wrong), 403)
    # A CSRF token of another session (another login) does not fit this one.
    other = TestClient(client.app)
    other_body = accounts.login(other, admin)
    stolen = csrf_headers(other_body)
    assert_problem(client.post("/org-units", json={"name": "Ban Kinh tế"}, headers=stolen), 403)
    ok = client.post("/org-units", json={"name": "Ban Kinh tế"}, headers=csrf_headers(body))
    assert ok.status_code == 201, ok.text
    assert client.get("/org-units").status_code == 200  # safe methods need no token


def test_bearer_tokens_and_api_keys_need_no_csrf(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.user(Role.admin)
    token = accounts.login(TestClient(client.app), admin)["token"]
    created = client.post("/org-units", json={"name": "Ban Dân tộc"}, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.text
    key = accounts.api_key()
    assert client.post("/auth/logout", headers={"X-API-Key": key}).status_code == 204
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["via"] == "api_key"  # an API key is not logged out; an admin revokes it


def test_logout_ends_this_session_only_unless_everywhere(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk)
    first = accounts.login(client, user)
    second = accounts.login(TestClient(client.app), user)["token"]

    response = client.post("/auth/logout", headers=csrf_headers(first))
    assert response.status_code == 204
    cleared = _cookies(response)
    assert cleared[SESSION_COOKIE][SESSION_COOKIE]["max-age"] == "0"
    assert_problem(client.get("/auth/me", headers={"Authorization": f"Bearer {first['token']}"}), 401)
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200

    everywhere = client.post("/auth/logout", json={"everywhere": True}, headers={"Authorization": f"Bearer {second}"})
    assert everywhere.status_code == 204
    assert_problem(client.get("/auth/me", headers={"Authorization": f"Bearer {second}"}), 401)
    assert len(_audit(accounts, "logout")) == 2
    assert accounts.login(client, user)["token"]  # a new login works at once


def test_wrong_password_and_unknown_user_answer_alike(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.viewer)
    wrong = assert_problem(
        client.post("/auth/login", json={"username": user.username, "password": "sai-mat-khau"}), 401
    )
    unknown = assert_problem(client.post("/auth/login", json={"username": "khong-ai", "password": "sai-mat-khau"}), 401)
    assert wrong["detail"] == unknown["detail"] and wrong["title"] == unknown["title"]
    assert SESSION_COOKIE not in client.cookies
    failed = _audit(accounts, "login.failed")
    assert [e.detail["reason"] for e in failed] == ["wrong_password", "unknown"]
    assert all(e.detail["ip"] == "testclient" for e in failed)


def test_five_wrong_passwords_lock_the_account(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk)
    attempt = {"username": user.username, "password": "doan-bua-thoi"}
    for _ in range(4):
        assert_problem(client.post("/auth/login", json=attempt), 401)
    locked = assert_problem(client.post("/auth/login", json=attempt), 423)
    assert "khóa" in locked["detail"]
    assert 14 * 60 <= int(client.post("/auth/login", json=attempt).headers["retry-after"]) <= 15 * 60
    # Locked means locked: the right password is not even checked.
    right = client.post("/auth/login", json={"username": user.username, "password": user.password})
    assert_problem(right, 423)
    assert "retry-after" in right.headers

    actions = [e.action for e in _audit(accounts, "login.")]
    assert actions == ["login.failed"] * 5 + ["login.locked"] + ["login.refused"] * 2
    with session_scope(accounts.url) as db:
        row = db.get_one(LoginFailure, (user.id, "testclient"))
        assert row.failures == 5 and row.locked_until is not None
        # The lock runs out: the next login succeeds and the count starts again.
        expired = datetime.now(UTC) - timedelta(seconds=1)
        db.execute(update(LoginFailure).where(LoginFailure.user_id == user.id).values(locked_until=expired))
    assert accounts.login(client, user)["user"]["locked_until"] is None
    with session_scope(accounts.url) as db:
        assert db.get(LoginFailure, (user.id, "testclient")) is None


def test_failed_logins_from_one_address_are_rate_limited(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk)
    for i in range(10):  # different usernames: no account gets locked, the address is what is limited
        assert_problem(client.post("/auth/login", json={"username": f"ai-do-{i}", "password": "sai-mat-khau"}), 401)
    limited = client.post("/auth/login", json={"username": user.username, "password": user.password})
    assert_problem(limited, 429)
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    refused = _audit(accounts, "login.refused")
    assert [e.detail["reason"] for e in refused] == ["rate_limited"]
    # Another address is not affected.
    elsewhere = TestClient(client.app, client=("10.0.0.7", 50000))
    assert elsewhere.post("/auth/login", json={"username": user.username, "password": user.password}).status_code == 200


def test_successful_logins_do_not_count_towards_the_limit(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.viewer)
    for _ in range(12):  # an office behind one NAT address logging everyone in
        accounts.login(client, user)


def test_new_password_or_deactivation_ends_sessions(client: TestClient, accounts: Accounts) -> None:
    admin = {"Authorization": f"Bearer {accounts.token(accounts.user(Role.admin))}"}
    user = accounts.user(Role.clerk)
    token = {"Authorization": f"Bearer {accounts.login(TestClient(client.app), user)['token']}"}
    assert client.get("/auth/me", headers=token).status_code == 200
    changed = client.patch(f"/users/{user.id}", json={"password": "mật-khẩu-mới-hẳn-rồi"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert_problem(client.get("/auth/me", headers=token), 401)

    new_login = client.post("/auth/login", json={"username": user.username, "password": "mật-khẩu-mới-hẳn-rồi"})
    token = {"Authorization": f"Bearer {new_login.json()['token']}"}
    assert client.patch(f"/users/{user.id}", json={"active": False}, headers=admin).status_code == 200
    assert_problem(client.get("/auth/me", headers=token), 401)
    gone = client.post("/auth/login", json={"username": user.username, "password": "mật-khẩu-mới-hẳn-rồi"})
    assert_problem(gone, 401)


def test_anonymous_and_bad_tokens_get_401(client: TestClient) -> None:
    assert_problem(client.get("/auth/me"), 401)
    assert_problem(client.get("/auth/me", headers={"Authorization": "Bearer not-a-token"}), 401)
    assert_problem(client.get("/auth/me", headers={"Authorization": "Bearer gb_deadbeef_nope"}), 401)
    client.cookies.set(SESSION_COOKIE, "forged")
    assert_problem(client.get("/auth/me"), 401)


def test_users_change_their_own_password(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.viewer)
    old = accounts.login(client, user)
    other_device = {"Authorization": f"Bearer {accounts.login(TestClient(client.app), user)['token']}"}
    change = {"current_password": "không phải mật khẩu", "new_password": "mật khẩu mới dài dài"}
    assert_problem(client.post("/auth/password", json=change, headers=csrf_headers(old)), 403)
    changed = client.post(
        "/auth/password", json={**change, "current_password": user.password}, headers=csrf_headers(old)
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/auth/me").status_code == 200  # the fresh cookie replaced the old one
    assert_problem(client.get("/auth/me", headers=other_device), 401)  # every other session ended
    assert_problem(client.post("/auth/password", json=change, headers={"X-API-Key": accounts.api_key()}), 403)
    weak = {"current_password": "mật khẩu mới dài dài", "new_password": "ngắn"}
    assert_problem(client.post("/auth/password", json=weak, headers=csrf_headers(changed.json())), 422)
