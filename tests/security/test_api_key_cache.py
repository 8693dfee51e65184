"""API keys remembered by each API process (`accounts.verified_keys`): a status poll does not ask the database who
is calling, and a revoked key is refused at its very next request by every process that shares the deployment's
Redis, whoever revoked it (an admin through another process's API, or the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from typer.testing import CliRunner

from accounts.credentials import key_prefix
from accounts.verified_keys import VerifiedKeys
from api.app import create_app
from api.deps import Principal, principal_from_credentials
from api.security import SessionTokens
from cli.service import keys_app
from core.db import get_engine, session_scope
from core.errors import UnauthenticatedError
from core.settings import Settings, get_settings
from core.tables import ApiKey
from tests.api.conftest import assert_problem
from tests.api.services import REDIS_URL, Service, clip, start_service


@contextmanager
def key_lookups(url: str) -> Iterator[list[str]]:
    """The statements that read or write `api_keys` while the block runs."""
    seen: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "api_keys" in statement:
            seen.append(statement)

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", watch)


def _queued_job(api: Service) -> str:
    """A job that stays queued (no worker runs here): its status is what the polls read."""
    made = api.upload(clip())
    assert made.status_code == 201, made.text
    return str(made.json()["job"]["id"])


def test_polls_do_not_read_the_key_and_a_revocation_reaches_another_process_at_once(redis_settings: Settings) -> None:
    url = redis_settings.resolved_database_url
    with start_service(redis_settings) as first, TestClient(create_app(redis_settings)) as second:
        job_id = _queued_job(first)
        key = first.keys["service"]
        poll = {"Authorization": f"Bearer {key}"}
        with key_lookups(url) as lookups:
            for _ in range(5):
                assert second.get(f"/jobs/{job_id}", headers=poll).status_code == 200
        assert len(lookups) <= 2  # read once (and `last_used_at` written once), then remembered
        assert any("SELECT" in s for s in lookups)

        revoked = first.client.delete(f"/api-keys/{key_prefix(key)}", headers=first.auth("admin"))
        assert revoked.status_code == 200, revoked.text
        assert_problem(second.get(f"/jobs/{job_id}", headers=poll), 401)
        assert_problem(first.client.get(f"/jobs/{job_id}", headers=poll), 401)
        assert second.get(f"/jobs/{job_id}", headers=first.auth("viewer")).status_code == 200  # others still work


def test_a_key_revoked_with_the_cli_is_refused_by_a_running_server(
    redis_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_service(redis_settings) as api:
        job_id = _queued_job(api)
        key = api.keys["service_b"]
        poll = {"Authorization": f"Bearer {key}"}
        assert api.client.get("/auth/me", headers=poll).status_code == 200  # now remembered
        environment = {
            "GOBANG_HOME": str(redis_settings.home),
            "GOBANG_DATABASE_URL": redis_settings.resolved_database_url,
            "GOBANG_REDIS_URL": REDIS_URL,
            "GOBANG_JOBS__QUEUE_PREFIX": redis_settings.jobs.queue_prefix,
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            revoked = CliRunner().invoke(keys_app, ["revoke", str(key_prefix(key))])
        finally:
            get_settings.cache_clear()
        assert revoked.exit_code == 0, revoked.output
        assert_problem(api.client.get("/auth/me", headers=poll), 401)
        assert_problem(api.client.get(f"/jobs/{job_id}", headers=poll), 401)


def _caller(url: str, tokens: SessionTokens, keys: VerifiedKeys[Principal] | None, key: str) -> Principal | None:
    with session_scope(url) as db:
        return principal_from_credentials(db, tokens, keys, bearer=key, cookie=None)


def test_without_an_answer_from_redis_the_database_decides_every_request(service: Service) -> None:
    url = service.settings.resolved_database_url
    tokens = SessionTokens(service.settings)
    unreachable = VerifiedKeys[Principal]("redis://127.0.0.1:9/0", "gobang-test-nowhere", ttl_s=30)
    key = service.keys["service"]
    with key_lookups(url) as lookups:
        for _ in range(3):
            assert _caller(url, tokens, unreachable, key) is not None
    assert sum(s.lstrip().startswith("SELECT") for s in lookups) == 3
    with session_scope(url) as db:
        db.execute(update(ApiKey).where(ApiKey.prefix == key_prefix(key)).values(revoked_at=ApiKey.created_at))
    with pytest.raises(UnauthenticatedError):
        _caller(url, tokens, unreachable, key)


def test_a_key_changed_behind_the_servers_back_is_refused_once_its_entry_expires(redis_settings: Settings) -> None:
    """Revoked by hand in SQL (no generation bump): the TTL is the bound, and it holds."""
    url = redis_settings.resolved_database_url
    with start_service(redis_settings) as api:
        now = [1000.0]
        keys = VerifiedKeys[Principal](REDIS_URL, redis_settings.jobs.queue_prefix, ttl_s=30, clock=lambda: now[0])
        tokens, key = api.app.state.tokens, api.keys["viewer"]
        with key_lookups(url) as lookups:
            first = _caller(url, tokens, keys, key)
            assert first is not None and _caller(url, tokens, keys, key) == first
        assert sum(s.lstrip().startswith("SELECT") for s in lookups) == 1
        with session_scope(url) as db:
            db.execute(update(ApiKey).where(ApiKey.prefix == key_prefix(key)).values(revoked_at=ApiKey.created_at))
            assert db.scalar(select(ApiKey.revoked_at).where(ApiKey.prefix == key_prefix(key))) is not None
        now[0] += 31
        with pytest.raises(UnauthenticatedError):
            _caller(url, tokens, keys, key)
