"""Voice login through the API with the real models: CAM++ on real cv9_vi_dev voices, vietasr on the phrase.

The spoken phrases are real digit words of each speaker, stitched (see tests/voice_audio.py). The
challenge phrase is the server's own random one: the test asks for fresh challenges, as a person
may, until one it has words for comes up.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import accounts
from api.routers import voice_login
from core.db import session_scope
from core.tables import AuditEvent
from tests.api import conftest
from tests.api.conftest import Accounts, assert_problem, csrf_headers
from tests.audio_helpers import write_wav
from tests.voice_audio import Speaker, speakers


def _wav(audio: np.ndarray, tmp_path: Path, name: str) -> tuple[str, bytes, str]:
    return (f"{name}.wav", write_wav(tmp_path / f"{name}.wav", audio).read_bytes(), "audio/wav")


def _enrol(client: TestClient, accounts: Accounts, user: conftest.TestUser, speaker: Speaker, tmp_path: Path) -> None:
    body = accounts.login(client, user)
    files = [("files", _wav(a, tmp_path, f"enrol{i}")) for i, a in enumerate(speaker.enrolment())]
    response = client.post("/auth/voice/enrol", files=files, headers=csrf_headers(body))
    assert response.status_code == 201, response.text
    assert response.json()["utterances"] == len(files) >= 5 and response.json()["seconds"] >= 20
    client.cookies.clear()


def _challenge(
    client: TestClient,
    username: str,
    speaker: Speaker | None = None,
    *,
    accounts: Accounts | None = None,
    accept: bool = True,
) -> dict[str, Any]:
    """A fresh challenge `speaker` says intelligibly, with a clear voice decision (`accept`: a genuine login);
    any challenge without a speaker."""
    for _ in range(5000):
        challenge: dict[str, Any] = client.post("/auth/voice/challenge", json={"username": username}).json()
        phrase = challenge["phrase"]
        if speaker is None or (
            speaker.intelligible(phrase)
            and accounts is not None
            and speaker.clearly_decided(speaker.say(phrase), accounts.app.state.settings, username, accept=accept)
        ):
            return challenge
    raise AssertionError("no sayable challenge in 5000 tries")


def _login(client: TestClient, username: str, challenge_id: str, audio: bytes) -> Any:
    files = {"audio": ("login.wav", io.BytesIO(audio), "audio/wav")}
    return client.post("/auth/voice/login", data={"username": username, "challenge_id": challenge_id}, files=files)


def _audit(accounts: Accounts, username: str) -> list[AuditEvent]:
    with session_scope(accounts.url) as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.actor == username).order_by(AuditEvent.id)).all()
        db.expunge_all()
        return list(rows)


def test_right_voice_right_phrase_logs_in_replay_and_impostor_do_not(
    client: TestClient, accounts: Accounts, tmp_path: Path
) -> None:
    voices = speakers()
    genuine, impostor = voices["genuine"], voices["impostor"]
    user = accounts.user("clerk")
    _enrol(client, accounts, user, genuine, tmp_path)

    first = _challenge(client, user.username, genuine, accounts=accounts)
    assert len(first["phrase"]) == 6 and first["expires_in"] == 60
    recording = genuine.say_wav(first["phrase"], tmp_path / "genuine.wav").read_bytes()
    ok = _login(client, user.username, first["challenge_id"], recording)
    assert ok.status_code == 200, ok.text
    token = ok.json()["token"]
    client.cookies.clear()
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})  # usable by other services
    assert me.status_code == 200 and me.json()["name"] == user.username and me.json()["via"] == "token"

    # the same recording and challenge again: the challenge is spent
    assert_problem(_login(client, user.username, first["challenge_id"], recording), 401)
    # the same recording against a fresh challenge: the phrase is stale
    fresh = _challenge(client, user.username)
    stale = _login(client, user.username, fresh["challenge_id"], recording)
    if fresh["phrase"] != first["phrase"]:
        assert assert_problem(stale, 401)["reason"] == "phrase"
    # an impostor reading the right phrase
    wrong_voice = _challenge(client, user.username, impostor, accounts=accounts, accept=False)
    attempt = _login(
        client,
        user.username,
        wrong_voice["challenge_id"],
        impostor.say_wav(wrong_voice["phrase"], tmp_path / "i.wav").read_bytes(),
    )
    assert assert_problem(attempt, 401)["reason"] == "rejected"

    events = [(e.action, e.detail) for e in _audit(accounts, user.username)]
    voice = [(a, d) for a, d in events if d.get("method") == "voice"]
    assert [a for a, _ in voice] == ["login.succeeded", "login.failed", "login.failed", "login.failed"]
    assert voice[0][1]["score"] >= 0.0
    assert [d["reason"] for _, d in voice[1:]] == ["challenge", "phrase", "voice"]
    assert voice[3][1]["score"] < voice[0][1]["score"]

    # the impostor's recording against a fresh challenge: a wrong phrase in a wrong voice says nothing of the
    # account (a "phrase" hint would tell an impostor that the username exists and has a voiceprint)
    other = _challenge(client, user.username)
    if other["phrase"] != wrong_voice["phrase"]:
        probe = _login(client, user.username, other["challenge_id"], (tmp_path / "i.wav").read_bytes())
        assert assert_problem(probe, 401)["reason"] == "rejected"


def test_failures_lock_the_account(client: TestClient, accounts: Accounts, tmp_path: Path) -> None:
    user = accounts.user("viewer")
    silence = write_wav(tmp_path / "s.wav", np.zeros(16000, np.float32)).read_bytes()
    for attempt in range(5):
        response = _login(client, user.username, "not-a-challenge", silence)
        assert response.status_code == (423 if attempt == 4 else 401), response.text
    locked = _login(client, user.username, _challenge(client, user.username)["challenge_id"], silence)
    assert_problem(locked, 423)
    assert "Retry-After" in locked.headers
    actions = [e.action for e in _audit(accounts, user.username)]
    assert actions.count("login.failed") == 5 and "login.locked" in actions and actions[-1] == "login.refused"


def test_refused_enrolment_names_the_utterance_and_the_reason(
    client: TestClient, accounts: Accounts, tmp_path: Path
) -> None:
    user = accounts.user("clerk")
    body = accounts.login(client, user)
    clips = speakers()["genuine"].enrolment()
    clips[1] = clips[1] * 0.003  # whispered from across the room
    files = [("files", _wav(a, tmp_path, f"e{i}")) for i, a in enumerate(clips)]
    problem = assert_problem(client.post("/auth/voice/enrol", files=files, headers=csrf_headers(body)), 422)
    assert problem["reason"] == "too_quiet" and problem["utterance"] == 2
    assert "bản ghi số 2" in problem["detail"] and "quá nhỏ" in problem["detail"]
    too_few = client.post("/auth/voice/enrol", files=files[:2], headers=csrf_headers(body))
    assert "ít nhất 5" in assert_problem(too_few, 422)["detail"]
    assert client.get("/auth/voice/enrol").json()["enrolled"] is False


def test_challenge_names_the_user_as_the_login_normalises_it(client: TestClient) -> None:
    """A username typed in decomposed form (as some keyboards send it) gets a challenge the login accepts."""
    typed = unicodedata.normalize("NFD", " Thư.Ký ")
    token = client.post("/auth/voice/challenge", json={"username": typed}).json()["challenge_id"]
    claims = voice_login._challenges(client.app.state.settings).loads(token)  # type: ignore[attr-defined]
    assert claims["u"] == accounts.normalize_username(typed) == "thư.ký"


def test_score_norm_setting_decides_on_the_normalised_score(tmp_path: Path) -> None:
    """`voice.score_norm` switches the login's voice decision to AS-norm against the shipped cohort and
    `voice.norm_threshold`; off (the default), the raw cosine meets `voice.threshold`."""
    from core.settings import Settings, VoiceSettings
    from diarization.verification import enrol
    from diarization.voiceprints import VoiceprintStore, account_voiceprint
    from tests.databases import migrated_sqlite

    plain = Settings(home=tmp_path, database_url=migrated_sqlite(tmp_path))
    normed = plain.model_copy(update={"voice": VoiceSettings(score_norm=True)})
    genuine = speakers()["genuine"]
    enrol(VoiceprintStore(plain.resolved_database_url), account_voiceprint("an"), genuine.enrolment())
    login = genuine.say("0120")
    cosine = voice_login._verify(plain, "an", login)
    normalised = voice_login._verify(normed, "an", login)
    assert cosine.threshold == plain.voice.threshold and cosine.score == cosine.cosine
    assert normalised.threshold == normed.voice.norm_threshold and normalised.cosine == pytest.approx(cosine.cosine)
    assert normalised.score > normalised.threshold > 1.0 > cosine.score
