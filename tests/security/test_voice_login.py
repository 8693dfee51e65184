"""Issue 13, F6 and F12: voice login does the same work whether the username exists; bad audio and look-alike
usernames are refused, audited and counted."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.routers import voice_login
from core.db import session_scope
from core.tables import AuditEvent, LoginFailure, Role
from diarization.embedders import get_embedder
from tests.api.conftest import Accounts, assert_problem
from tests.api.services import clip


def _voice_login(client: TestClient, username: str, audio: bytes) -> Any:
    challenge = client.post("/auth/voice/challenge", json={"username": username}).json()["challenge_id"]
    files = {"audio": ("login.wav", io.BytesIO(audio), "audio/wav")}
    return client.post("/auth/voice/login", data={"username": username, "challenge_id": challenge}, files=files)


def test_f6_unknown_and_known_usernames_cost_the_same_work(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: an unknown username was refused before recognition and the voice embedding (13 ms against
    ~470 ms), so timing told which usernames exist. Now each kind runs both, once."""
    work: Counter[str] = Counter()
    transcribe = voice_login.transcribe
    monkeypatch.setattr(
        voice_login, "transcribe", lambda audio, threads=0: (work.update(["asr"]), transcribe(audio, threads))[1]
    )
    embedder = type(get_embedder())
    embed = embedder.embed
    monkeypatch.setattr(embedder, "embed", lambda self, audio: (work.update(["embed"]), embed(self, audio))[1])
    audio = clip().read_bytes()
    known = accounts.user(Role.clerk)  # exists, no voiceprint
    for username in ("khong_ton_tai", known.username):
        work.clear()
        assert_problem(_voice_login(client, username, audio), 401)
        assert work == {"asr": 1, "embed": 1}, username


def test_f12_bad_audio_in_a_voice_login_is_audited_and_counted(client: TestClient, accounts: Accounts) -> None:
    user = accounts.user(Role.clerk)
    refused = _voice_login(client, user.username, b"RIFF\x00\x00\x00\x00WAVEkhong phai am thanh" * 10)
    assert 400 <= refused.status_code < 500 and refused.headers["content-type"].startswith("application/problem+json")
    with session_scope(accounts.url) as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
        assert event.actor == user.username and event.detail["reason"] == "bad_audio"
        assert event.detail["method"] == "voice" and event.detail["ip"] == "testclient"
        assert db.get_one(LoginFailure, (user.id, "testclient")).failures == 1


@pytest.mark.parametrize(
    "username",
    [
        "\u0430dmin",  # Cyrillic а + Latin dmin
        "ａｄｍｉｎ",  # full-width
        "adm\u0456n",  # Cyrillic і
        "ﬁnance",  # ligature fi
        "nguy\u0435n",  # Cyrillic е
        "ad\u03bcin",  # Greek mu
        "user\u0663",  # Arabic-Indic digit
    ],
)
def test_f12_look_alike_usernames_are_refused(client: TestClient, accounts: Accounts, username: str) -> None:
    admin = accounts.headers(Role.admin)
    body = {"username": username, "password": "mật-khẩu-đủ-dài-2024", "role": "clerk"}
    refused = assert_problem(client.post("/users", json=body, headers=admin), 422)
    assert "Latinh" in refused["detail"]


def test_f12_vietnamese_usernames_still_work(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.headers(Role.admin)
    body = {"username": "Nguyễn.Thị.Đào-2", "password": "mật-khẩu-đủ-dài-2024", "role": "clerk"}
    created = client.post("/users", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["username"] == "nguyễn.thị.đào-2"
    login = client.post("/auth/login", json={"username": "NGUYỄN.THỊ.ĐÀO-2", "password": body["password"]})
    assert login.status_code == 200
