"""F10 and the thread-pool question: WS /dictation needs a role that may run recognition, closes idle sessions,
caps sessions per user and audio per message, paces audio to real time, and recognises on its own threads.

Idle and pacing are timed against a real uvicorn (a client with timeouts fails instead of hanging);
the thread-pool test runs in the test client's event loop, whose shared pool is scaled down from 40
tokens to 4 so that six sessions on two cores are enough to show whether dictation takes it."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

import accounts as account_service
from core.audio import SAMPLE_RATE, load_audio
from core.db import session_scope
from core.tables import Role
from tests.api.conftest import served
from tests.api.services import Databases, Service, make_settings, start_service
from tests.conftest import EVALDATA

VOICE = {"dictation_idle_s": 1.0, "dictation_burst_s": 1.0, "dictation_max_message_s": 2.0}
STEP = int(0.4 * SAMPLE_RATE) * 2
"""Bytes of PCM16 per message: 0.4 s, what the browser's worklet sends."""


@pytest.fixture(scope="module")
def pcm() -> bytes:
    """About 6 s of real Vietnamese speech as 16 kHz PCM16."""
    audio = load_audio(EVALDATA / "cv9_vi_dev" / "audio" / "common_voice_vi_25226541.flac")
    return (np.concatenate([audio, np.zeros(SAMPLE_RATE, np.float32)]) * 32767).astype("<i2").tobytes()


@pytest.fixture
def dictation_service(gobang_home: Any, new_database: Databases) -> Iterator[Service]:
    with start_service(make_settings(gobang_home, new_database("sqlite"), voice=VOICE)) as service:
        yield service


def _read_only_key(service: Service) -> str:
    with session_scope(service.settings.resolved_database_url) as db:
        unit = account_service.find_org_unit(db, "Hội đồng nhân dân xã A")
        assert unit is not None
        issued = account_service.create_api_key(
            db, "chỉ đọc", Role.service, unit.name, ("recordings:read",), created_by=None, actor="test"
        )
        return issued.key


def _closed_code(client: TestClient, headers: dict[str, str]) -> int:
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/dictation", headers=headers):
        pass
    return refused.value.code


def test_viewers_and_read_only_keys_may_not_dictate(dictation_service: Service) -> None:
    client = dictation_service.client
    assert _closed_code(client, dictation_service.auth("viewer")) == 1008
    read_only = {"Authorization": f"Bearer {_read_only_key(dictation_service)}"}
    assert _closed_code(client, read_only) == 1008
    for who in ("clerk", "service", "admin"):
        with client.websocket_connect("/dictation", headers=dictation_service.auth(who)) as ws:
            ws.send_text(json.dumps({"type": "end"}))
            assert ws.receive_json() == {"type": "end"}


def test_sessions_per_user_are_capped(dictation_service: Service) -> None:
    client, clerk = dictation_service.client, dictation_service.auth("clerk")
    with client.websocket_connect("/dictation", headers=clerk), client.websocket_connect("/dictation", headers=clerk):
        assert _closed_code(client, clerk) == 1013
        with client.websocket_connect("/dictation", headers=dictation_service.auth("clerk_b")) as other:
            other.send_text(json.dumps({"type": "end"}))  # another user is not affected
            assert other.receive_json() == {"type": "end"}
    with client.websocket_connect("/dictation", headers=clerk) as again:  # places are given back
        again.send_text(json.dumps({"type": "end"}))
        assert again.receive_json() == {"type": "end"}


def test_a_message_may_carry_at_most_two_seconds(dictation_service: Service, pcm: bytes) -> None:
    with dictation_service.client.websocket_connect("/dictation", headers=dictation_service.auth("clerk")) as ws:
        ws.send_bytes(pcm[: 3 * SAMPLE_RATE * 2])
        assert "message too large" in ws.receive_json()["detail"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1009


def _ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/dictation"


def test_an_idle_session_is_closed(dictation_service: Service) -> None:
    with (
        served(dictation_service.app) as base,
        connect(_ws_url(base), additional_headers=dictation_service.auth("clerk"), open_timeout=10) as ws,
    ):
        began = time.monotonic()
        assert "idle timeout" in json.loads(ws.recv(timeout=10))["detail"]
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
        assert 0.9 < time.monotonic() - began < 5


def test_audio_is_recognised_no_faster_than_it_is_spoken(dictation_service: Service, pcm: bytes) -> None:
    """All of it sent at once; the answer comes after about its duration minus the 1 s burst allowed."""
    spoken_s = len(pcm) / 2 / SAMPLE_RATE
    with (
        served(dictation_service.app) as base,
        connect(_ws_url(base), additional_headers=dictation_service.auth("clerk"), open_timeout=10) as ws,
    ):
        began = time.monotonic()
        for i in range(0, len(pcm), STEP):
            ws.send(pcm[i : i + STEP])
        ws.send(json.dumps({"type": "end"}))
        kinds: list[str] = []
        while not kinds or kinds[-1] not in ("end", "error"):
            kinds.append(json.loads(ws.recv(timeout=60))["type"])
        elapsed = time.monotonic() - began
    assert kinds[-1] == "end" and "final" in kinds
    assert elapsed >= spoken_s - VOICE["dictation_burst_s"] - 0.3, (elapsed, spoken_s)


def _stream(
    client: TestClient, headers: dict[str, str], pcm: bytes, errors: list[BaseException], open: threading.Semaphore
) -> None:
    try:
        with client.websocket_connect("/dictation", headers=headers) as ws:
            open.release()  # authenticated and accepted: from now on only recognition runs on threads
            for i in range(0, len(pcm), STEP):
                ws.send_bytes(pcm[i : i + STEP])
            ws.send_text(json.dumps({"type": "end"}))
            while ws.receive_json()["type"] not in ("end", "error"):
                pass
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def test_dictation_does_not_take_the_shared_thread_pool(gobang_home: Any, new_database: Databases, pcm: bytes) -> None:
    """Six sessions stream at once while a REST route that runs on the shared pool (GET /recordings) is timed."""
    voice = VOICE | {"dictation_burst_s": 60.0, "dictation_sessions_per_user": 10}  # as fast as the CPU goes
    with start_service(make_settings(gobang_home, new_database("sqlite"), voice=voice)) as service:
        client, portal = service.client, service.client.portal
        assert portal is not None

        def shared_pool() -> anyio.CapacityLimiter:
            return anyio.to_thread.current_default_thread_limiter()

        portal.call(lambda: setattr(shared_pool(), "total_tokens", 4))
        errors: list[BaseException] = []
        opened = threading.Semaphore(0)
        threads = [
            threading.Thread(target=_stream, args=(client, service.auth("clerk"), pcm[: 6 * STEP], errors, opened))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for _ in threads:
            assert opened.acquire(timeout=30)
        borrowed, latencies = [], []
        while any(t.is_alive() for t in threads):
            borrowed.append(portal.call(lambda: shared_pool().borrowed_tokens))
            began = time.monotonic()
            assert client.get("/recordings", headers=service.auth("clerk")).status_code == 200
            latencies.append(time.monotonic() - began)
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        assert not errors, errors
    assert len(latencies) >= 5
    assert max(borrowed) <= 1, borrowed  # at most the timed request itself
    assert statistics.median(latencies) < 0.5, latencies
