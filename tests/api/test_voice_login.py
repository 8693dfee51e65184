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
from core.settings import Settings
from core.tables import AuditEvent, EmbeddingSource, LoginFailure, Role, VoiceEmbedding
from diarization import verification, voiceprints
from tests.api import conftest
from tests.api.conftest import Accounts, assert_problem, csrf_headers
from tests.audio_helpers import write_wav
from tests.voice_audio import Speaker, login_threshold, sayable_phrase, speakers


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
    genuine = speakers()["genuine"]
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
    if not verification.phrase_heard(fresh["phrase"], first["phrase"]):
        assert assert_problem(stale, 401)["reason"] == "phrase"

    events = [(e.action, e.detail) for e in _audit(accounts, user.username)]
    voice = [(a, d) for a, d in events if d.get("method") == "voice"]
    assert [a for a, _ in voice] == ["login.succeeded", "login.failed", "login.failed"]
    assert voice[0][1]["score"] >= login_threshold(accounts.app.state.settings)
    assert [d["reason"] for _, d in voice[1:]] == ["challenge", "phrase"]


def test_an_impostor_is_refused_also_after_a_second_phrase(
    client: TestClient, accounts: Accounts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test impostor's voice scores about 0.51 against the owner's voiceprint (threshold 0.58): in the grey
    zone, so they are asked for a second phrase; reading it, the mean of their scores still refuses them, and
    no answer says more than "rejected"."""
    monkeypatch.setattr(verification, "new_phrase", sayable_phrase)  # the impostor can read any second phrase
    voices = speakers()
    genuine, impostor = voices["genuine"], voices["impostor"]
    user = accounts.user("clerk")
    _enrol(client, accounts, user, genuine, tmp_path)
    wrong_voice = _challenge(client, user.username, impostor, accounts=accounts, accept=False)
    recording = impostor.say_wav(wrong_voice["phrase"], tmp_path / "i.wav").read_bytes()
    attempt = assert_problem(_login(client, user.username, wrong_voice["challenge_id"], recording), 401)
    if attempt["reason"] == "second_utterance":
        again = attempt["challenge"]
        said = impostor.say_wav(again["phrase"], tmp_path / "i2.wav").read_bytes()
        attempt = assert_problem(_login(client, user.username, again["challenge_id"], said), 401)
    assert attempt["reason"] == "rejected"
    refused = [e.detail for e in _audit(accounts, user.username) if e.detail.get("method") == "voice"][-1]
    assert refused["reason"] in ("voice", "phrase") and refused["score"] < login_threshold(accounts.app.state.settings)

    # the impostor's recording against a fresh challenge: a wrong phrase in a wrong voice says nothing of the
    # account (a "phrase" hint would tell an impostor that the username exists and has a voiceprint)
    other = _challenge(client, user.username)
    if not verification.phrase_heard(other["phrase"], wrong_voice["phrase"]):
        probe = _login(client, user.username, other["challenge_id"], recording)
        assert assert_problem(probe, 401)["reason"] == "rejected"  # grey voice, wrong phrase: no second phrase


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


def test_status_and_forgetting_load_no_speaker_model(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status check must answer at once: loading CAM++ exports it on a fresh machine, seconds a request."""

    def no_model(*_: object, **__: object) -> None:
        raise AssertionError("a speaker model was loaded")

    monkeypatch.setattr(voice_login, "get_embedder", no_model)
    monkeypatch.setattr(voiceprints, "get_embedder", no_model)
    body = accounts.login(client, accounts.user("clerk"))
    assert client.get("/auth/voice/enrol").json() == {"enrolled": False, "seconds": 0.0}
    assert_problem(client.delete("/auth/voice/enrol", headers=csrf_headers(body)), 404)  # nothing to forget


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
    cosine = voice_login.verify_login(plain, "an", login)
    normalised = voice_login.verify_login(normed, "an", login)
    assert cosine.threshold == plain.voice.threshold and cosine.score == cosine.cosine
    assert normalised.threshold == normed.voice.norm_threshold and normalised.cosine == pytest.approx(cosine.cosine)
    assert normalised.score > normalised.threshold > 1.0 > cosine.score


def _grey_challenge(client: TestClient, accounts: Accounts, username: str, speaker: Speaker) -> dict[str, Any]:
    """A fresh challenge that `speaker`, saying it briefly, says intelligibly with a voice score in the grey zone."""
    settings = accounts.app.state.settings
    for _ in range(200):
        challenge: dict[str, Any] = client.post("/auth/voice/challenge", json={"username": username}).json()
        brief = speaker.say(challenge["phrase"], briefly=True)
        if speaker.intelligible(challenge["phrase"], brief) and speaker.in_grey_zone(brief, settings, username):
            return challenge
    raise AssertionError("no grey-zone challenge in 200 tries")


def _grey_try(
    client: TestClient, accounts: Accounts, username: str, speaker: Speaker, path: Path
) -> tuple[bytes, dict[str, Any]]:
    """A brief, grey-zone login of `speaker`: its recording and the second challenge the answer carries."""
    first = _grey_challenge(client, accounts, username, speaker)
    brief = speaker.say_wav(first["phrase"], path, briefly=True).read_bytes()
    problem = assert_problem(_login(client, username, first["challenge_id"], brief), 401)
    assert problem["reason"] == "second_utterance" and "đọc thêm" in problem["detail"], problem
    second: dict[str, Any] = problem["challenge"]
    assert (
        len(first["phrase"]) == 6 and len(second["phrase"]) == accounts.app.state.settings.voice.second_challenge_digits
    )
    assert second["expires_in"] == 60 and second["challenge_id"] != first["challenge_id"]
    return brief, second


def _failures(accounts: Accounts, user: conftest.TestUser) -> int:
    with session_scope(accounts.url) as db:
        row = db.get(LoginFailure, (user.id, "testclient"))
        return 0 if row is None else row.failures


def test_a_grey_zone_voice_gets_a_second_phrase_and_is_decided_on_both(
    client: TestClient, accounts: Accounts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half a sentence and the digits score just under the threshold: the answer is a second challenge, not a
    refusal, and the owner reading it gets in on the mean of both scores. The second challenge is single-use,
    for this user only, needs its own phrase and the owner's voice; grey-zone tries count toward the lockout. With
    voiceprints fed by logins, a login decided on two utterances feeds nothing."""
    monkeypatch.setattr(verification, "new_phrase", sayable_phrase)
    _adapting(accounts, monkeypatch)
    voices = speakers()
    genuine, impostor = voices["genuine"], voices["impostor"]
    user, other = accounts.user("clerk"), accounts.user("viewer")
    settings = accounts.app.state.settings
    _enrol(client, accounts, user, genuine, tmp_path)

    for tries in range(1, 4):  # a second phrase the recogniser hears in the test's stitched digits
        brief, again = _grey_try(client, accounts, user.username, genuine, tmp_path / "brief.wav")
        assert _failures(accounts, user) == tries
        if genuine.intelligible(again["phrase"]):
            break
    else:
        raise AssertionError("no intelligible second phrase in 3 tries")
    recording = genuine.say_wav(again["phrase"], tmp_path / "second.wav").read_bytes()
    ok = _login(client, user.username, again["challenge_id"], recording)
    assert ok.status_code == 200, ok.text
    assert _failures(accounts, user) == 0  # a login clears the count, as with passwords
    client.cookies.clear()
    accepted = again

    # a second challenge is bound to its user (unspent by another's try), and to its own phrase
    brief, again = _grey_try(client, accounts, user.username, genuine, tmp_path / "brief2.wav")
    assert assert_problem(_login(client, other.username, again["challenge_id"], recording), 401)["reason"] == "rejected"
    assert assert_problem(_login(client, user.username, again["challenge_id"], brief), 401)["reason"] == "rejected"
    # an impostor reading the second phrase of the owner's grey-zone try: the mean of the scores refuses them
    brief, again = _grey_try(client, accounts, user.username, genuine, tmp_path / "brief3.wav")
    intruder = impostor.say_wav(again["phrase"], tmp_path / "intruder.wav").read_bytes()
    assert assert_problem(_login(client, user.username, again["challenge_id"], intruder), 401)["reason"] == "rejected"
    assert _failures(accounts, user) == 4  # two grey-zone tries and two refusals
    # the accepted second challenge and its recording again: refused (spent), and the fifth failure locks
    assert_problem(_login(client, user.username, accepted["challenge_id"], recording), 423)

    events = [e.detail for e in _audit(accounts, user.username) if e.detail.get("method") == "voice"]
    reasons = [d.get("reason", "succeeded") for d in events][tries - 1 :]
    assert reasons[:3] == ["second_utterance", "succeeded", "second_utterance"], reasons
    assert reasons[3] in ("phrase", "voice") and reasons[4] == "second_utterance", reasons
    assert reasons[5] in ("phrase", "voice") and reasons[6:] == ["challenge"], reasons
    succeeded = events[tries]
    threshold = login_threshold(settings)
    assert succeeded["first_score"] < threshold <= (succeeded["first_score"] + succeeded["score"]) / 2
    assert not [e for e in _audit(accounts, user.username) if e.action == "voice.adapted"]
    intruded = events[-2]
    assert intruded["score"] < threshold <= intruded["first_score"] + settings.voice.second_utterance_band


def _adapting(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The app's settings with `voice.adapt` on (logins accepted wide of the threshold feed the voiceprint), at a
    margin of 0.08 over the threshold the login is decided at, which the test's stitched logins of the owner
    reach."""
    settings: Settings = accounts.app.state.settings
    voice = settings.voice.model_copy(update={"adapt": True, "adapt_margin": 0.08})
    adapting = settings.model_copy(update={"voice": voice})
    monkeypatch.setattr(accounts.app.state, "settings", adapting)
    return adapting


def test_a_login_accepted_wide_of_the_threshold_feeds_the_voiceprint_and_admins_see_and_drop_it(
    client: TestClient, accounts: Accounts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An impostor's try adds nothing; the owner's login scoring at least threshold + margin (fused, as the login
    scored it) adds its embeddings of both models (audited); admins list login voiceprints with embeddings by
    source and drop the login-derived ones."""
    settings = _adapting(accounts, monkeypatch)
    monkeypatch.setattr(verification, "new_phrase", sayable_phrase)
    voices = speakers()
    genuine, impostor = voices["genuine"], voices["impostor"]
    user, admin = accounts.user("clerk"), accounts.user(Role.admin)
    _enrol(client, accounts, user, genuine, tmp_path)

    wrong = _challenge(client, user.username, impostor, accounts=accounts, accept=False)
    said = impostor.say_wav(wrong["phrase"], tmp_path / "i.wav").read_bytes()
    attempt = assert_problem(_login(client, user.username, wrong["challenge_id"], said), 401)
    if attempt["reason"] == "second_utterance":
        said = impostor.say_wav(attempt["challenge"]["phrase"], tmp_path / "i2.wav").read_bytes()
        assert_problem(_login(client, user.username, attempt["challenge"]["challenge_id"], said), 401)

    wide = login_threshold(settings) + settings.voice.adapt_margin + 0.01
    for _ in range(200):
        challenge = _challenge(client, user.username, genuine, accounts=accounts)
        if genuine.verified(genuine.say(challenge["phrase"]), settings, user.username).score >= wide:
            break
    else:
        raise AssertionError("no login of the owner wide of the threshold in 200 tries")
    recording = genuine.say_wav(challenge["phrase"], tmp_path / "g.wav").read_bytes()
    assert _login(client, user.username, challenge["challenge_id"], recording).status_code == 200
    client.cookies.clear()
    [adapted] = [e.detail for e in _audit(accounts, user.username) if e.action == "voice.adapted"]
    assert adapted["login_embeddings"] == 1 and adapted["score"] >= wide - 0.01
    with session_scope(settings.resolved_database_url) as db:
        added = db.scalars(select(VoiceEmbedding.model_id).where(VoiceEmbedding.source == EmbeddingSource.login))
        assert len(set(added)) == 2  # CAM++'s and SE-Res2Net's embeddings of the login

    accounts.login(client, user)
    assert_problem(client.get("/auth/voice/voiceprints"), 403)  # a clerk does not see others' voices
    client.cookies.clear()
    body = accounts.login(client, admin)
    [listed] = client.get("/auth/voice/voiceprints").json()
    assert listed["username"] == user.username and listed["login_embeddings"] == 1
    assert listed["enrolment_embeddings"] >= 5 and listed["models"] == 2  # CAM++ and SE-Res2Net, counted once
    dropped = client.delete(f"/auth/voice/voiceprints/{user.username}/logins", headers=csrf_headers(body))
    assert dropped.status_code == 200 and dropped.json() == {"username": user.username, "dropped": 1}
    assert client.get("/auth/voice/voiceprints").json()[0]["login_embeddings"] == 0
    missing = client.delete("/auth/voice/voiceprints/khong.co/logins", headers=csrf_headers(body))
    assert_problem(missing, 404)
    actions = [e.action for e in _audit(accounts, admin.username)]
    assert actions.count("voice.list") == 2 and "voice.login_embeddings_dropped" in actions


def test_a_login_runs_each_model_on_the_configured_threads_and_hears_the_same(tmp_path: Path) -> None:
    """A login recognises and embeds side by side on two threads, so each of its models runs on
    `voice.login_threads` (1 by default) rather than on the shared engine and encoders' one thread per core; the
    recogniser on one thread hears the phrase as the shared one does."""
    from tests.databases import migrated_sqlite
    from workers.pipeline import cached_engine

    settings = Settings(home=tmp_path, database_url=migrated_sqlite(tmp_path))
    assert settings.voice.login_threads == 1
    fusion = verification.login_fusion(settings.voice)
    assert fusion is not None
    sessions = [
        voice_login._store(settings).embedder._session,  # type: ignore[attr-defined]
        fusion.embedder._session,  # type: ignore[attr-defined]
        cached_engine(None, None, 1).model.session,  # type: ignore[attr-defined]
    ]
    assert [s.get_session_options().intra_op_num_threads for s in sessions] == [1, 1, 1]
    said = speakers()["genuine"].say("012340")
    assert voice_login.transcribe(said, 1) == voice_login.transcribe(said)
