"""Browser fixtures: the real app under uvicorn, and Debian's Chromium driven by Playwright (sync API).

- `live_server`: `create_app` on a free port of 127.0.0.1, a fresh SQLite database, the in-process
  queue, and a clerk and an admin with passwords (`LiveServer.clerk`, `.admin`). Module-scoped: one
  server per test file, so a transcription job is paid once per file.
- `browser`: Chromium from `/usr/bin/chromium` (Playwright never downloads browsers here). Extra
  command-line switches come from `chromium_args`, which a test module can override, e.g. for a fake
  microphone return ``["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]`` from
  a module-scoped `chromium_args` fixture.
- `page` / `new_page`: a fresh context and page, logged in or not; on teardown each page's screenshot is
  kept under `test-artifacts/browser/` (also for passing tests: they document the UI).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

import accounts as account_service
from accounts import credentials
from api.app import create_app
from core.db import session_scope
from core.settings import Settings
from core.tables import Role
from tests.api.services import make_settings, running_server, wait_for_job
from tests.conftest import REPO

CHROMIUM = Path(os.environ.get("GOBANG_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "test-artifacts" / "browser"
PASSWORD = "mật-khẩu-thư-ký-2024"


@dataclass(frozen=True)
class User:
    username: str
    password: str
    role: Role


@dataclass
class LiveServer:
    """A running gobang with two users; `api(user)` is an httpx client logged in as that user (cookies)."""

    url: str
    settings: Settings
    clerk: User
    admin: User

    @contextmanager
    def api(self, user: User | None = None) -> Iterator[httpx.Client]:
        user = user or self.clerk
        with httpx.Client(base_url=self.url, timeout=60) as client:
            body = client.post("/auth/login", json={"username": user.username, "password": user.password})
            assert body.status_code == 200, body.text
            client.headers["X-CSRF-Token"] = body.json()["csrf_token"]
            yield client

    def upload(self, path: Path, *, user: User | None = None, wait: bool = True, **form: Any) -> dict[str, Any]:
        """POST /recordings (and wait for its job); returns the created recording and job."""
        with self.api(user) as client, path.open("rb") as f:
            created = client.post("/recordings", files={"file": (path.name, f, "audio/wav")}, data=form)
            assert created.status_code == 201, created.text
            body: dict[str, Any] = created.json()
            if wait and body["job"]:
                job = wait_for_job(client, body["job"]["id"], {}, timeout_s=120)
                assert job["status"] == "succeeded", job
        return body


def make_user(settings: Settings, role: Role, username: str) -> User:
    with session_scope(settings.resolved_database_url) as db:
        account_service.create_user(db, username, PASSWORD, role, None, actor="test")
    return User(username, PASSWORD, role)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="module")
def live_overrides() -> dict[str, Any]:
    """More `Settings` fields for the module's server; override in a test module (e.g. `minutes=...`)."""
    return {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, live_overrides: dict[str, Any]) -> Iterator[LiveServer]:
    home = tmp_path_factory.getbasetemp() / "gobang-home"  # shared model cache with the rest of the session
    database = tmp_path_factory.mktemp("browser-db") / "gobang.db"
    settings = make_settings(home, f"sqlite:///{database}", cookie_secure=False, redis_url=None, **live_overrides)
    app = create_app(settings)
    with running_server(app) as url:
        yield LiveServer(
            url=url,
            settings=settings,
            clerk=make_user(settings, Role.clerk, f"thuky_{secrets.token_hex(3)}"),
            admin=make_user(settings, Role.admin, f"quantri_{secrets.token_hex(3)}"),
        )


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    """Extra Chromium switches; override in a test module (fake microphone, autoplay, ...)."""
    return []


@pytest.fixture(scope="module")
def browser(chromium_args: list[str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--autoplay-policy=no-user-gesture-required", "--no-sandbox", *chromium_args],
        )
        yield browser
        browser.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """`new_page(login=clerk)`: a page in its own context (own cookies, own localStorage), logged in by default."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(login: User | bool | None = True) -> Any:
        context = browser.new_context(
            base_url=live_server.url, accept_downloads=True, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        user = live_server.clerk if login is True else login or None
        if user:
            log_in(page, user)
        return page

    yield make
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(pages):
        with suppress(Exception):  # a closed page has nothing to show
            page.screenshot(path=str(ARTIFACTS / f"{_slug(request.node.name)}-{n}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def log_in(page: Any, user: User) -> None:
    """Through the login form, as a person would."""
    page.goto("/ui/login")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(user.password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/ui/$"))


def shot(page: Any, name: str) -> None:
    """A named screenshot of a step, kept under test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{_slug(name)}.png"))


def wait_until(page: Any, expression: str, timeout_s: float = 15.0) -> Any:
    """Poll a JavaScript expression until truthy. (`page.wait_for_function` evaluates with `eval`,
    which the UI's Content-Security-Policy forbids; `page.evaluate` goes through the debugger.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)
