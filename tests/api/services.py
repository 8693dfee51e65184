"""Real services for the recordings, uploads, jobs and transcripts tests: SQLite, PostgreSQL, Redis, a server.

Each test gets its own database (a file, or a fresh PostgreSQL database) and its own RQ queue
names, so tests never see each other's jobs, and other people's Redis keys are never touched.
Principals are API keys of every role in two units, plus a clerk who signs in with a session token.
The fixtures built on these (`service`, `service_any_db`, `live`, `new_database`) are in `conftest.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from accounts.credentials import new_api_key
from api.app import create_app
from core.db import Base, get_engine, migrate, session_scope
from core.settings import JobSettings, Settings, WebhookSettings
from core.tables import ApiKey, OrgUnit, Role, User
from tests.conftest import EVALDATA, REPO

CLIPS = EVALDATA / "vi_vivos_dev01_8utt" / "audio"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("GOBANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TERMINAL = ("succeeded", "failed", "cancelled")


def clip(name: str = "VIVOSDEV01_R012.wav") -> Path:
    """A real Vietnamese utterance from the shared evaluation data (read in place, never copied into the repo)."""
    path = CLIPS / name
    if not path.is_file():
        pytest.fail(f"evaluation clip not found: {path} (set GOBANG_EVALDATA)")
    return path


class Databases:
    """Fresh, migrated databases: SQLite files, or PostgreSQL databases (dropped at the end of the session).

    Both are copies of a template migrated once per session, so a new one costs milliseconds. A
    PostgreSQL database handed back with `release` is emptied and used again: dropping one forces
    a checkpoint, which takes seconds on a busy machine.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self.free: list[str] = []

    def __call__(self, backend: str) -> str:
        if backend == "postgresql" and self.free:
            return self.free.pop()
        source, name = self._template(backend), f"gobang_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            shutil.copyfile(self.root / f"{source}.db", self.root / f"{name}.db")
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            self.created.append(name)
        return _url(backend, self.root, name)

    def release(self, url: str) -> None:
        """Empty a PostgreSQL database and keep it for the next test (SQLite files are simply left)."""
        if not url.startswith("postgresql"):
            return
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        engine = get_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        self.free.append(url)

    def _template(self, backend: str) -> str:
        if backend not in self.templates:
            name = f"gobang_tpl_{uuid.uuid4().hex[:12]}"
            if backend == "postgresql":
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                self.created.append(name)
            url = _url(backend, self.root, name)
            migrate(url)
            get_engine(url).dispose()  # no connection may stay open on a template (and SQLite folds its WAL)
            self.templates[backend] = name
        return self.templates[backend]

    def drop_all(self) -> None:
        for name in reversed(self.created):
            get_engine(_url("postgresql", self.root, name)).dispose()
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(backend: str, root: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{root / f'{name}.db'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def make_settings(home: Path, database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: quick heartbeats and recovery, so a dead worker is noticed in seconds."""
    quick = {"heartbeat_s": 0.3, "stale_after_s": 2.0, "recovery_interval_s": 0.3, "retry_base_s": 0.5}
    jobs = JobSettings(**quick | {"queue_prefix": f"gobang-test-{uuid.uuid4().hex[:8]}"} | overrides.pop("jobs", {}))
    # Test receivers listen on loopback, which webhooks may reach only when the operator allows it.
    quick_hooks = {"timeout_s": 5.0, "retry_base_s": 0.2, "allow_hosts": ["127.0.0.1"]}
    webhooks = WebhookSettings(**quick_hooks | overrides.pop("webhooks", {}))
    return Settings(
        home=home, database_url=database_url, secret_key="test-secret", jobs=jobs, webhooks=webhooks, **overrides
    )


@dataclass
class Service:
    """A running app with a client and credentials of every role."""

    app: FastAPI
    client: TestClient
    settings: Settings
    keys: dict[str, str] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str = "clerk") -> dict[str, str]:
        """Headers of `who`: admin, clerk, viewer, service (unit A), clerk_b, viewer_b (unit B), clerk_user, nobody."""
        return {"Authorization": f"Bearer {self.keys[who]}"} if who != "nobody" else {}

    def upload(self, path: Path, who: str = "clerk", **form: Any) -> Any:
        """POST /recordings with a file and form fields (the TestClient's response)."""
        with path.open("rb") as f:
            return self.client.post(
                "/recordings", files={"file": (path.name, f, "audio/wav")}, data=form, headers=self.auth(who)
            )


def _seed(app: FastAPI, settings: Settings) -> tuple[dict[str, str], dict[str, int]]:
    """Two units, an API key of every role in each (and an admin's), a clerk with a session token.

    Units and the clerk are reused when the database has them (a restarted service); keys are new, and the
    previous ones keep working under their names suffixed with their prefix (names are unique per unit).
    """
    keys: dict[str, str] = {}
    with session_scope(settings.resolved_database_url) as db:
        units: dict[str, OrgUnit] = {}
        for unit, name in (("a", "Hội đồng nhân dân xã A"), ("b", "Ủy ban nhân dân xã B")):
            units[unit] = db.scalar(select(OrgUnit).where(OrgUnit.name == name)) or OrgUnit(name=name)
            db.add(units[unit])
        db.flush()
        grants = [("admin", Role.admin, None)] + [
            (f"{role.value}{suffix}", role, units[unit].id)
            for role in (Role.clerk, Role.viewer, Role.service)
            for unit, suffix in (("a", ""), ("b", "_b"))
        ]
        db.execute(update(ApiKey).values(name=ApiKey.name + " (" + ApiKey.prefix + ")"))
        for name, role, unit_id in grants:
            key = new_api_key()
            db.add(ApiKey(prefix=key.prefix, key_hash=key.key_hash, name=name, role=role, org_unit_id=unit_id))
            keys[name] = key.key
        user = db.scalar(select(User).where(User.username == "thu.ky"))
        if user is None:
            user = User(username="thu.ky", display_name="Thư ký xã A", role=Role.clerk, org_unit_id=units["a"].id)
            db.add(user)
            db.flush()
        keys["clerk_user"] = app.state.tokens.issue(user.id)
        return keys, {k: u.id for k, u in units.items()}


@contextmanager
def start_service(settings: Settings) -> Iterator[Service]:
    app = create_app(settings)
    with TestClient(app) as client:
        keys, units = _seed(app, settings)
        yield Service(app=app, client=client, settings=settings, keys=keys, units=units)


@dataclass
class LiveService:
    """The app behind a real uvicorn server, with credentials of every role (see `Service.auth`)."""

    base_url: str
    settings: Settings
    keys: dict[str, str]

    def auth(self, who: str = "clerk") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def client(self, who: str = "clerk") -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=self.auth(who), timeout=60)


@contextmanager
def start_live(settings: Settings) -> Iterator[LiveService]:
    app = create_app(settings)
    keys, _units = _seed(app, settings)  # the template database is migrated already
    with running_server(app) as base_url:
        yield LiveService(base_url=base_url, settings=settings, keys=keys)


def wait_for_job(
    client: TestClient | httpx.Client, job_id: str, headers: dict[str, str], timeout_s: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["status"] in TERMINAL:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} not finished after {timeout_s} s: {job}")
        time.sleep(0.1)


@contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    """The app behind a real uvicorn on a free port (for real HTTP clients and broken connections)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment of a `gobang worker` for these settings."""
    env = dict(os.environ)
    env.update(
        {
            "GOBANG_HOME": str(settings.home),
            "GOBANG_DATABASE_URL": settings.resolved_database_url,
            "GOBANG_REDIS_URL": settings.redis_url or REDIS_URL,
            "GOBANG_JOBS__QUEUE_PREFIX": settings.jobs.queue_prefix,
            "GOBANG_JOBS__HEARTBEAT_S": str(settings.jobs.heartbeat_s),
            "PYTHONPATH": str(REPO),
        }
    )
    return env


@contextmanager
def worker_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """An RQ worker (what `gobang worker` runs) in its own process; killed at the end if still alive."""
    code = (
        "from core.blobs import open_blob_store; from core.settings import get_settings; "
        "from workers.queue import run_worker; s = get_settings(); run_worker(s, open_blob_store(s))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], env=worker_env(settings), cwd=REPO)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
