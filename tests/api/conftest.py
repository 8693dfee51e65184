"""Fixtures for API tests, on SQLite and on PostgreSQL (every test that uses `client` runs on both).

- `database_url`: a migrated, empty database. SQLite: a copy of a template migrated once per
  session. PostgreSQL: one fresh database `gobang_test_<random>` on 127.0.0.1 per session (dropped
  at the end), its tables truncated before each test. Without a reachable server they fail (CI starts one).
- `settings`, `app`, `client`: `create_app(Settings(home=tmp_path, …, redis_url=None,
  cookie_secure=False))` and a `TestClient` used as a context manager, so the lifespan runs.
- `accounts`: makes users of any role (and their bearer headers), API keys, and logs a client in.
- `service`, `service_any_db`, `live`, `new_database`: the whole service with real workers, over a fresh
  database each (`tests.api.services`).

Password hashing uses cheap argon2 parameters here: the parameters are not what is tested, and
the default ones cost ~50 ms of CPU per login.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import select, text

import accounts as account_service
from accounts import credentials
from api.app import create_app
from api.deps import CSRF_HEADER
from api.security import SessionTokens
from cli.service import uvicorn_config
from core.db import MIGRATIONS, get_engine, migrate, session_scope
from core.settings import Settings
from core.tables import Base, Job, Role
from tests.api.services import (
    REDIS_URL,
    Databases,
    LiveService,
    Service,
    make_settings,
    start_live,
    start_service,
)

PASSWORD = "mật-khẩu-đủ-dài-2024"
"""Every test user's password (Vietnamese letters on purpose: NFC text must round-trip)."""
PG_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "gobang.db"
    url = f"sqlite:///{path}"
    migrate(url)
    get_engine(url).dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    import psycopg

    try:
        server = psycopg.connect(PG_SERVER, autocommit=True)
    except psycopg.OperationalError as exc:  # .ci/run starts it; a missing server is a failure, not a skip
        pytest.fail(f"PostgreSQL not reachable on 127.0.0.1:5432 (start it, as .ci/run does): {exc}")
    name = f"gobang_test_{secrets.token_hex(6)}"
    server.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        migrate(url)
        yield url
    finally:
        get_engine(url).dispose()
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database at the latest migration."""
    if request.param == "sqlite":
        path = tmp_path / "gobang.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        get_engine(url).dispose()
        return
    url = request.getfixturevalue("_postgres_database")
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with get_engine(url).begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path, database_url=database_url, redis_url=None, cookie_secure=False)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # a helper, not a test class (modules that import the fixtures import it too)

    id: int
    username: str
    role: Role
    password: str = PASSWORD


@dataclass
class Accounts:
    """Makes principals for tests without going through HTTP (fast, and independent of the code under test)."""

    app: FastAPI

    @property
    def url(self) -> str:
        settings: Settings = self.app.state.settings
        return settings.resolved_database_url

    def org_unit(self, name: str) -> int:
        with session_scope(self.url) as db:
            unit = account_service.find_org_unit(db, name) or account_service.create_org_unit(db, name, actor="test")
            return unit.id

    def user(self, role: Role | str = Role.clerk, *, org: str | None = None, username: str | None = None) -> TestUser:
        if org is not None:
            self.org_unit(org)
        name = username or f"{Role(role).value}_{secrets.token_hex(3)}"
        with session_scope(self.url) as db:
            user = account_service.create_user(db, name, PASSWORD, role, org, actor="test")
            return TestUser(id=user.id, username=user.username, role=user.role)

    def token(self, user: TestUser) -> str:
        tokens: SessionTokens = self.app.state.tokens
        return tokens.issue(user.id)

    def api_key(self, role: Role | str = Role.service, *, org: str | None = None, scopes: tuple[str, ...] = ()) -> str:
        if org is not None:
            self.org_unit(org)
        with session_scope(self.url) as db:
            issued = account_service.create_api_key(
                db, f"test {role} {secrets.token_hex(3)}", role, org, scopes, created_by=None, actor="test"
            )
            return issued.key

    def headers(self, role: Role | str, *, org: str | None = None) -> dict[str, str]:
        """Credentials of a new caller of `role`: a bearer session token, or an API key for `service`."""
        if Role(role) == Role.service:
            return {"Authorization": f"Bearer {self.api_key(org=org)}"}
        return {"Authorization": f"Bearer {self.token(self.user(role, org=org))}"}

    def login(self, client: TestClient, user: TestUser) -> dict[str, Any]:
        """Password login through the API: `client` now carries the session cookie. Returns the body;
        `csrf_headers(body)` are the headers a cookie caller needs on POST/PATCH/DELETE."""
        response = client.post("/auth/login", json={"username": user.username, "password": user.password})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def csrf_headers(login_body: dict[str, Any]) -> dict[str, str]:
    return {CSRF_HEADER: login_body["csrf_token"]}


@pytest.fixture
def accounts(app: FastAPI, client: TestClient) -> Accounts:
    """Depends on `client`, so the app has started (migrated, state set up) before users are made."""
    return Accounts(app)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """RFC 9457: problem+json with type, title, status and detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert body["detail"] and body["title"]
    return body


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """`app` on a real uvicorn, configured as `gobang serve` configures it, on a free port of 127.0.0.1;
    yields the base URL. For what the test client does not do: header limits, real sockets."""
    import uvicorn

    server = uvicorn.Server(uvicorn_config(app, host="127.0.0.1", port=0))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def database_at_revision(kind: str, revision: str, tmp_path: Path) -> Iterator[str]:
    """A fresh `sqlite` or `postgresql` database migrated up to `revision` only: an installation of an older
    version, for testing what a later migration does to its rows."""
    server = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server = psycopg.connect(PG_SERVER, autocommit=True)
        name = f"gobang_test_{secrets.token_hex(6)}"
        server.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        if server is not None:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.close()


# --- real services (tests.api.services) ----------------------------------------------------------------


@pytest.fixture(scope="session")
def gobang_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same home as the root conftest's, so the model cache is built once per session."""
    return tmp_path_factory.getbasetemp() / "gobang-home"


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    databases = Databases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.drop_all()


@pytest.fixture
def live(gobang_home: Path, new_database: Databases) -> Iterator[LiveService]:
    """A real server on SQLite with the in-process worker."""
    with start_live(make_settings(gobang_home, new_database("sqlite"))) as running:
        yield running


@pytest.fixture
def service(gobang_home: Path, new_database: Databases) -> Iterator[Service]:
    """The embedded configuration: SQLite and the in-process worker."""
    with start_service(make_settings(gobang_home, new_database("sqlite"))) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def service_any_db(request: pytest.FixtureRequest, gobang_home: Path, new_database: Databases) -> Iterator[Service]:
    """The same service over SQLite and over PostgreSQL, for what depends on the database's concurrency."""
    url = new_database(request.param)
    with start_service(make_settings(gobang_home, url)) as running:
        yield running
    new_database.release(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def redis_settings(request: pytest.FixtureRequest, gobang_home: Path, new_database: Databases) -> Iterator[Settings]:
    """A deployment with Redis (queue and status keys of this test alone, removed afterwards)."""
    url = new_database(request.param)
    settings = make_settings(gobang_home, url, redis_url=REDIS_URL)
    yield settings
    with session_scope(url) as db:
        job_ids = db.scalars(select(Job.id)).all()
    redis = Redis.from_url(REDIS_URL)
    patterns = [f"{settings.jobs.queue_prefix}*", f"rq:*{settings.jobs.queue_prefix}*"]
    for pattern in patterns + [f"rq:*gobang-{job_id}*" for job_id in job_ids]:
        for key in redis.scan_iter(pattern):
            redis.delete(key)
    redis.close()
    new_database.release(url)
