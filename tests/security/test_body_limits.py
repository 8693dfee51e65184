"""F1: request bodies against a real `gobang serve` process: the caller is checked before an upload's body is
read, every route has its own limit, multipart spools inside GOBANG_HOME, and concurrent uploads are capped.

Each hostile body is streamed in 1 MiB pieces while the server's RSS and the temporary files it holds open
are sampled (`benchmarks.hostile_upload`, which measures the same at 512 MiB). Before the fix the server read
every byte (64 MiB here) before answering 401."""

from __future__ import annotations

import json
import secrets
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import accounts as account_service
from benchmarks.hostile_upload import (
    ATTACKS,
    BOUNDARY,
    Attack,
    MiB,
    Sampler,
    Server,
    gobang_serve,
    send_hostile,
    spool_folders,
)
from core.db import get_engine, session_scope
from core.tables import Role

HOSTILE_MIB = 64
ANSWERED_WITHIN_MIB = 8.0
"""Bytes a client may push before the refusal reaches it: loopback socket buffers hold a few MiB."""
MAX_UPLOADS = 2


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with (
        tempfile.TemporaryDirectory(prefix="gobang-f1-") as home,
        gobang_serve(
            Path(home), {"GOBANG_MAX_CONCURRENT_UPLOADS": str(MAX_UPLOADS), "GOBANG_OPENAI__MAX_UPLOAD_MB": "4"}
        ) as running,
    ):
        yield running
        get_engine(_db_url(running)).dispose()


def _db_url(server: Server) -> str:
    return f"sqlite:///{server.home / 'gobang.db'}"


def _key(server: Server, role: Role) -> str:
    unit = "Hội đồng nhân dân xã A"
    with session_scope(_db_url(server)) as db:
        if account_service.find_org_unit(db, unit) is None:
            account_service.create_org_unit(db, unit, actor="test")
        name = f"f1 {role.value} {secrets.token_hex(3)}"  # key names are unique per unit
        return account_service.create_api_key(db, name, role, unit, created_by=None, actor="test").key


@pytest.fixture(scope="module")
def clerk_key(server: Server) -> str:
    return _key(server, Role.clerk)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/recordings"), ("PUT", "/uploads/abc"), ("PUT", "/recordings/abc/transcript")]
)
def test_a_caller_without_the_role_is_refused_before_the_body(server: Server, method: str, path: str) -> None:
    """A viewer may read, not upload or edit: 403 before the 64 MiB are read."""
    viewer = _auth(_key(server, Role.viewer))
    attack = Attack(path, method, path, "application/octet-stream", chunked=True, headers=viewer)
    with Sampler(server.process.pid, spool_folders(server)) as sampler:
        outcome = send_hostile(server.port, attack, HOSTILE_MIB * MiB)
    assert outcome.status == 403, outcome
    _problem(outcome.body, 403)
    assert outcome.sent_mib <= ANSWERED_WITHIN_MIB
    assert sampler.spooled == 0


def _problem(body: str, status: int) -> dict[str, object]:
    problem: dict[str, object] = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


@pytest.mark.parametrize("attack", [a for a in ATTACKS if "voice" not in a.path], ids=lambda a: a.name)
def test_anonymous_body_is_refused_before_it_is_read(server: Server, attack: Attack) -> None:
    """401 (or 413 where even the declared size is too large) after at most a few MiB; nothing spooled."""
    with Sampler(server.process.pid, spool_folders(server)) as sampler:
        outcome = send_hostile(server.port, attack, HOSTILE_MIB * MiB)
    assert outcome.status in (401, 413), outcome
    _problem(outcome.body, outcome.status)
    assert outcome.sent_mib <= ANSWERED_WITHIN_MIB, f"the server read {outcome.sent_mib:.0f} MiB before answering"
    assert sampler.spooled == 0
    assert sampler.rss_growth < 32 * MiB, f"RSS grew by {sampler.rss_growth / MiB:.0f} MiB"


def test_public_voice_login_gets_its_own_small_limit(server: Server) -> None:
    """Voice login cannot ask for credentials first: its limit (8 MiB) is what bounds it, declared or streamed."""
    (voice,) = [a for a in ATTACKS if "voice" in a.path]
    for attack in (voice, replace(voice, chunked=True)):
        with Sampler(server.process.pid, spool_folders(server)) as sampler:
            outcome = send_hostile(server.port, attack, HOSTILE_MIB * MiB)
        assert outcome.status == 413, outcome
        _problem(outcome.body, 413)
        assert outcome.sent_mib <= 8 + ANSWERED_WITHIN_MIB
        assert sampler.rss_growth < 32 * MiB


@pytest.mark.parametrize(
    ("method", "path", "mib", "content_type"),
    [
        ("PUT", "/recordings/abc/transcript", 33, "application/json"),  # documents: 32 MiB
        ("POST", "/webhooks", 2, "application/json"),  # everything else: 1 MiB of JSON
        ("POST", "/v1/audio/transcriptions", 6, f"multipart/form-data; boundary={BOUNDARY}"),  # openai.max_upload_mb
    ],
)
def test_each_route_has_its_own_limit(
    server: Server, clerk_key: str, method: str, path: str, mib: int, content_type: str
) -> None:
    """Even an authenticated caller cannot send a body past its route's limit; it is refused unread."""
    attack = Attack(path, method, path, content_type, headers=(("Authorization", f"Bearer {clerk_key}"),))
    outcome = send_hostile(server.port, attack, mib * MiB)
    assert outcome.status == 413, outcome
    assert outcome.sent_mib <= ANSWERED_WITHIN_MIB
    _problem(outcome.body, 413)


def test_multipart_spools_inside_gobang_home_not_the_system_temp_folder(server: Server, clerk_key: str) -> None:
    attack = Attack(
        "upload", "POST", "/recordings", f"multipart/form-data; boundary={BOUNDARY}", headers=_auth(clerk_key)
    )
    with (
        Sampler(server.process.pid, (server.tmpdir,), every_s=0.005) as system_tmp,
        Sampler(server.process.pid, (server.home / "spool",), every_s=0.005) as home_spool,
    ):
        outcome = send_hostile(server.port, attack, 6 * MiB, pace_s=0.05)
    assert outcome.status is not None and outcome.status < 500, outcome  # the form never ends: 400/422
    assert home_spool.spooled > 1 * MiB
    assert system_tmp.spooled == 0
    assert (server.home / "spool").stat().st_mode & 0o777 == 0o700


def test_concurrent_uploads_are_capped(server: Server, clerk_key: str) -> None:
    """Two slow uploads hold the two places; the third is told to come back (503 + Retry-After), unread."""
    held = [_start_upload(server, clerk_key) for _ in range(MAX_UPLOADS)]
    try:
        time.sleep(0.5)  # both are inside the app, waiting for their bodies
        attack = Attack(
            "third", "POST", "/recordings", f"multipart/form-data; boundary={BOUNDARY}", headers=_auth(clerk_key)
        )
        outcome = send_hostile(server.port, attack, 16 * MiB)
        assert outcome.status == 503, outcome
        assert "too many uploads" in str(_problem(outcome.body, 503)["detail"])
        assert outcome.sent_mib <= ANSWERED_WITHIN_MIB
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.5)
    outcome = send_hostile(server.port, replace(attack, name="later"), 1024)
    assert outcome.status not in (503, None), outcome  # places are given back when uploads end


def _auth(key: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"Bearer {key}"),)


def _start_upload(server: Server, key: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    head = (
        f"POST /recordings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {16 * MiB}\r\n\r\n"
    )
    sock.sendall(head.encode() + f"--{BOUNDARY}\r\n".encode())
    return sock
