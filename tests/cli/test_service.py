"""`gobang users`, `gobang keys`, `gobang worker` and the uvicorn configuration of `gobang serve`."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from accounts.credentials import keys_match
from cli.service import keys_app, serve_command, users_app, uvicorn_config, worker_command
from core.db import session_scope
from core.settings import get_settings
from core.tables import ApiKey, AuditEvent, LoginFailure, User

PASSWORD = "mật-khẩu-đủ-dài-2024\n"

app = typer.Typer()
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh embedded (SQLite) installation per test."""
    monkeypatch.setenv("GOBANG_HOME", str(tmp_path))
    for name in ("GOBANG_DATABASE_URL", "GOBANG_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield get_settings().resolved_database_url
    get_settings.cache_clear()


def test_users_create_with_org_unit_and_password_on_stdin(_home: str) -> None:
    args = ["users", "create", "Thu.Ky", "--role", "clerk", "--org", "Ủy ban Pháp luật", "--password-stdin"]
    result = runner.invoke(app, args, input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "thu.ky" in result.output and "Ủy ban Pháp luật" in result.output
    with session_scope(_home) as db:
        user = db.scalar(select(User).where(User.username == "thu.ky"))
        assert user is not None and user.org_unit is not None and user.org_unit.name == "Ủy ban Pháp luật"
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["org_unit.created", "user.created"]
        assert db.scalars(select(AuditEvent.actor)).first().startswith("cli")  # type: ignore[union-attr]

    again = runner.invoke(app, args, input=PASSWORD)
    assert again.exit_code == 6 and "đã có" in again.output  # ConflictError
    short = runner.invoke(app, ["users", "create", "ngan", "--password-stdin"], input="ngắn\n")
    assert short.exit_code == 2 and "10 ký tự" in short.output
    wrong_role = runner.invoke(app, ["users", "create", "may", "--role", "service", "--password-stdin"], input=PASSWORD)
    assert wrong_role.exit_code == 2


_CREATE_THEN_LIST_MODULES = """
import sys
from cli.main import app
try:
    app(["users", "create", "thu.ky", "--org", "Ủy ban Pháp luật", "--password-stdin"])
except SystemExit as end:
    assert end.code in (0, None), end.code
print(sorted(m for m in sys.modules if m.split(".")[0] in ("fastapi", "starlette", "api")))
"""


def test_creating_a_user_from_the_cli_loads_no_web_framework(_home: str) -> None:
    """Accounts live below the API: the CLI makes users without importing FastAPI or the `api` package."""
    done = subprocess.run(
        [sys.executable, "-c", _CREATE_THEN_LIST_MODULES],
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    with session_scope(_home) as db:
        assert db.scalar(select(User.username)) == "thu.ky"


def test_users_list_and_set_password_unlocks(_home: str) -> None:
    runner.invoke(app, ["users", "create", "quan_tri", "--role", "admin", "--password-stdin"], input=PASSWORD)
    with session_scope(_home) as db:
        user = db.scalar(select(User).where(User.username == "quan_tri"))
        assert user is not None
        db.add(
            LoginFailure(
                user_id=user.id, client="10.0.0.7", failures=5, locked_until=datetime.now(UTC) + timedelta(minutes=5)
            )
        )
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0 and "quan_tri" in listed.output
    reset = runner.invoke(app, ["users", "set-password", "quan_tri", "--password-stdin"], input="mật khẩu mới toanh\n")
    assert reset.exit_code == 0, reset.output
    with session_scope(_home) as db:
        user = db.scalar(select(User).where(User.username == "quan_tri"))
        assert user is not None and not user.login_failures and user.tokens_valid_after is not None
    missing = runner.invoke(app, ["users", "set-password", "khong_co", "--password-stdin"], input=PASSWORD)
    assert missing.exit_code == 5


def test_users_unlock_lifts_the_lock_of_every_address(_home: str) -> None:
    runner.invoke(app, ["users", "create", "thu_ky", "--role", "clerk", "--password-stdin"], input=PASSWORD)
    later = datetime.now(UTC) + timedelta(minutes=10)
    with session_scope(_home) as db:
        user = db.scalar(select(User).where(User.username == "thu_ky"))
        assert user is not None
        for address in ("203.0.113.9", "198.51.100.20"):
            db.add(LoginFailure(user_id=user.id, client=address, failures=5, locked_until=later))
    unlocked = runner.invoke(app, ["users", "unlock", "thu_ky"])
    assert unlocked.exit_code == 0, unlocked.output
    with session_scope(_home) as db:
        assert db.query(LoginFailure).count() == 0
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.updated")).one()
        assert event.actor.startswith("cli") and event.detail["unlocked"] == ["198.51.100.20", "203.0.113.9"]
    assert runner.invoke(app, ["users", "unlock", "khong_co"]).exit_code == 5


def test_keys_create_prints_the_key_once_then_revoke(_home: str) -> None:
    created = runner.invoke(app, ["keys", "create", "máy ghi âm", "--role", "service", "--scope", "recordings:write"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("gb_") and len(key.splitlines()) == 1
    prefix = key.split("_")[1]
    with session_scope(_home) as db:
        row = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert row is not None and keys_match(key, row.key_hash) and row.scopes == ["recordings:write"]
    listed = runner.invoke(app, ["keys", "list"])
    assert prefix in listed.output and key not in listed.output
    revoked = runner.invoke(app, ["keys", "revoke", prefix])
    assert revoked.exit_code == 0, revoked.output
    with session_scope(_home) as db:
        row = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert row is not None and row.revoked_at is not None
    assert runner.invoke(app, ["keys", "revoke", "00000000"]).exit_code == 5
    assert runner.invoke(app, ["keys", "create", "x", "--role", "admin"]).exit_code == 2


def test_worker_needs_redis() -> None:
    result = runner.invoke(app, ["worker", "--burst"])
    assert result.exit_code == 10
    assert "GOBANG_REDIS_URL" in result.output


def test_worker_burst_drains_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBANG_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("GOBANG_JOBS__QUEUE_PREFIX", f"gobang-test-{secrets.token_hex(4)}")  # no one else's queues
    get_settings.cache_clear()
    bad = runner.invoke(app, ["worker", "--queues", "gpu", "--burst"])
    assert bad.exit_code == 2 and "gpu" in bad.output
    result = runner.invoke(app, ["worker", "--queues", "asr,cpu", "--burst"])
    assert "asr-gpu, asr-cpu, cpu" in result.output
    assert result.exit_code == 0, result.output


def test_serve_uses_h11_with_bounded_headers() -> None:
    config = uvicorn_config("api.app:create_app", host="127.0.0.1", port=8000)
    assert config.factory and config.http == "h11"
    assert config.h11_max_incomplete_event_size == 64 * 1024
    assert config.proxy_headers and not config.server_header
