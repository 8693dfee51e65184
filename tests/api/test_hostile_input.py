"""Malformed and hostile requests get a 4xx problem, never a 500: broken JSON, unstorable strings,
oversized bodies and headers (the header limits also against a real uvicorn server)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from core.tables import Role
from tests.api.conftest import Accounts, assert_problem, served


def test_problem_details_for_401_403_404_422(client: TestClient, accounts: Accounts) -> None:
    assert assert_problem(client.get("/users"), 401)["title"] == "Chưa đăng nhập"
    assert assert_problem(client.get("/users", headers=accounts.headers(Role.viewer)), 403)["type"] == "about:blank"
    admin = accounts.headers(Role.admin)
    not_found = assert_problem(client.get("/users/4242", headers=admin), 404)
    assert not_found["instance"] == "/users/4242"
    assert_problem(client.get("/no/such/route"), 404)
    invalid = assert_problem(client.post("/users", json={"username": "x"}, headers=admin), 422)
    assert {tuple(e["loc"]) for e in invalid["errors"]} >= {("body", "password"), ("body", "role")}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"username": "a", "password": ', "application/json"),  # truncated
        (b"{'username': 'a'}", "application/json"),  # not JSON
        (b"\xff\xfe\x00garbage", "application/json"),  # not UTF-8
        (b'["a", "b"]', "application/json"),  # JSON, wrong shape
        (b'{"username": "a", "password": "b"}', "text/plain"),  # a cross-site form could send this
        (b'{"username": 1e999999, "password": {"$ne": null}}', "application/json"),
    ],
)
def test_broken_json_is_a_422_problem(client: TestClient, body: bytes, content_type: str) -> None:
    response = client.post("/auth/login", content=body, headers={"Content-Type": content_type})
    assert_problem(response, 422)


def test_deeply_nested_json_is_a_400_problem(client: TestClient) -> None:
    """Python's parser gives up on 5000 nested arrays (RecursionError); FastAPI answers 400, not 500."""
    response = client.post("/auth/login", content=b"[" * 5000 + b"]" * 5000, headers=_JSON)
    assert_problem(response, 400)


@pytest.mark.parametrize("username", ["nul\x00byte", "\ud800lone-surrogate", "x" * 101])
def test_unstorable_strings_are_refused_not_crashed_on(client: TestClient, username: str) -> None:
    body = f'{{"username": {_json_string(username)}, "password": "mật khẩu gì đó"}}'
    response = client.post("/auth/login", content=body.encode("utf-8", "surrogatepass"), headers=_JSON)
    assert_problem(response, 422)


def test_unstorable_query_strings_are_refused(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    assert_problem(client.get("/audit-log?actor=a%00b", headers=admin), 422)
    assert_problem(client.get("/users/99999999999999999999", headers=admin), 422)  # past PostgreSQL's integer
    assert_problem(client.get("/audit-log?before_id=4294967296", headers=admin), 422)
    assert_problem(client.delete("/api-keys/%00", headers=accounts.headers(Role.admin)), 404)


def test_oversized_json_body_is_refused_unread(client: TestClient) -> None:
    body = b'{"username": "a", "password": "' + b"x" * (200 * 1024) + b'"}'
    assert_problem(client.post("/auth/login", content=body, headers=_JSON), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must stop the stream itself
        yield body[: len(body) // 2]
        yield body[len(body) // 2 :]

    assert_problem(client.post("/auth/login", content=chunks(), headers=_JSON), 413)


def test_too_many_or_too_large_headers_get_431(client: TestClient) -> None:
    assert_problem(client.get("/healthz", headers={"X-Big": "a" * 40_000}), 431)
    many = {f"X-H{i}": "1" for i in range(150)}
    assert_problem(client.get("/healthz", headers=many), 431)
    assert client.get("/healthz", headers={"X-Fine": "a" * 4000}).status_code == 200


_JSON = {"Content-Type": "application/json"}


def _json_string(value: str) -> str:
    """A JSON string literal that keeps NULs and lone surrogates as escapes (what a hostile client sends)."""
    return '"' + "".join(c if c.isalnum() or c in "-_" else f"\\u{ord(c):04x}" for c in value) + '"'


# --- against a real server ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("served")
    with served(create_app(Settings(home=home, redis_url=None, cookie_secure=False))) as base_url:
        yield base_url


def _raw(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it may answer and close early
            conn.sendall(request)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def test_real_server_answers_huge_headers_with_4xx(server: str) -> None:
    assert httpx.get(f"{server}/healthz").status_code == 200
    large = httpx.get(f"{server}/healthz", headers={"X-Big": "a" * 40_000})
    assert large.status_code == 431 and large.json()["status"] == 431
    answer = _raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"a" * 1_000_000 + b"\r\n\r\n")
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    assert status in (400, 431), answer[:200]
    assert httpx.get(f"{server}/healthz").status_code == 200  # and it is still serving


def test_real_server_broken_json_and_no_server_header(server: str) -> None:
    response = httpx.post(f"{server}/auth/login", content=b'{"username": ', headers=_JSON)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "server" not in response.headers
