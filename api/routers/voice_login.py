"""Voice login: enrol a voice from five utterances, then log in by reading a fresh random phrase.

A login needs a challenge first (`POST /auth/voice/challenge`): six random digits, signed with the
username and an expiry (`voice.challenge_ttl_s`), answered once. The answer must say those digits
(checked in the vietasr transcript) in the enrolled voice (CAM++ score at least `voice.threshold`):
a replayed earlier login says a stale phrase, an impostor has the wrong voice. A used challenge id is
kept in `revoked_tokens` (prefix `vc:`) until it would have expired, so it is single-use on every
server process without a table of its own. Failures count toward the same account lockout as wrong
passwords; every attempt is audited with its score. Success gives the same session as a password
login (cookies and a bearer token for other services), with `method="voice"` in its claims.

With `voice.fusion_weight` (on by default), the voice score is CAM++'s cosine fused with SE-Res2Net's
(`verification.Fusion`, threshold `voice.fusion_threshold`): enrolment stores both models' embeddings, and a
voiceprint enrolled before (CAM++ alone) keeps being scored by CAM++ alone at `voice.threshold` until its owner
enrols again (admins see which in `/auth/voice/voiceprints`, `models`).

A right phrase in a voice scoring just under the threshold (`voice.second_utterance_band`) is not refused
flatly: the 401 carries a second challenge (`reason` "second_utterance"), single-use and short-lived like
the first, bound to this user and to the first attempt's score (sealed inside it, so the client neither
reads nor changes it). Its phrase is longer (`voice.second_challenge_digits`), so the last chance has more
speech to decide on. The second utterance decides on the mean of both scores; it is not asked again.
The grey-zone attempt counts toward the lockout like any try that did not log in, so it gives an impostor
no free tries.

With `voice.adapt` on, a single-utterance login accepted with a wide margin adds its embeddings to the user's
voiceprint (`verification.adapt`: capped, anchored on the enrolment, audited as `voice.adapted`). Admins list
the login voiceprints with their embeddings by source and drop the login-derived ones (`/auth/voice/voiceprints`).
"""

from __future__ import annotations

import functools
import json
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel
from sqlalchemy.orm import Session

import accounts
from api.deps import Admin, CurrentPrincipal, DbSession, SettingsDep
from api.problems import PROBLEM_JSON
from api.routers.auth import new_session
from api.routers.web import SECURITY_HEADERS, STATIC
from api.schemas_accounts import LoginResponse
from api.spool import HomeSpooledRoute, spool_dir
from asr.engine import DecodeOptions
from core.audio import SAMPLE_RATE, load_audio
from core.audit import record
from core.errors import (
    BadAudioError,
    FileTooLargeError,
    ForbiddenError,
    NotFoundError,
    UnauthenticatedError,
)
from core.sealed import app_secret, seal, unseal
from core.settings import Settings, VoiceSettings
from core.tables import RevokedToken, Role, User
from core.text import nfc
from core.vad import trim_edges
from diarization import verification
from diarization.embedders import Embedder, get_embedder
from diarization.score_norm import SHIPPED_COHORT, Cohort, load_cohort
from diarization.voiceprints import ACCOUNT_MARK, VoiceprintStore, account_voiceprint
from workers.pipeline import cached_engine

router = APIRouter(prefix="/auth/voice", tags=["Đăng nhập bằng giọng nói (voice login)"], route_class=HomeSpooledRoute)

_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}
_MAX_UPLOAD = 8 << 20
"""Per utterance: 30 s of 16-bit WAV is under 1 MiB; anything far larger is not one utterance."""
BAD_VOICE_LOGIN = "không xác thực được bằng giọng nói; hãy thử lại với cụm số mới (voice login failed)"
SECOND_UTTERANCE = "giọng nói gần khớp nhưng chưa đủ chắc chắn; hãy đọc thêm cụm số mới (a second utterance is needed)"


pages = APIRouter(include_in_schema=False)


@pages.get("/ui/voice-login")
def page() -> FileResponse:
    """The voice-login page: enrol one's voice (signed in) or log in by reading the phrase (signed out)."""
    return FileResponse(STATIC / "voice-login.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _people(settings: Settings) -> VoiceprintStore:
    """The store for reading and deleting voiceprints: it loads no speaker model until one is needed, so a
    status check never waits for CAM++ (its first load exports it, seconds on a fresh machine)."""
    return VoiceprintStore(settings.resolved_database_url, threshold=settings.voice.threshold)


def _store(settings: Settings) -> VoiceprintStore:
    voice = settings.voice
    embedder = get_embedder(threads=voice.login_threads)
    return VoiceprintStore(settings.resolved_database_url, embedder=embedder, threshold=voice.threshold)


@functools.cache
def _cohort(path: Path, model_id: str) -> Cohort:
    return load_cohort(path, model_id=model_id)


def enrolled_beside(voice: VoiceSettings) -> tuple[Embedder, ...]:
    """The speaker models an enrolment stores beside CAM++: the fused one's, if any."""
    fused = verification.login_fusion(voice)
    return () if fused is None else (fused.embedder,)


def verify_login(settings: Settings, username: str, samples: np.ndarray) -> verification.Verification:
    """The login's voice decision: the cosine against `voice.threshold`, fused with SE-Res2Net's against
    `voice.fusion_threshold` where the voiceprint holds both models, or with `voice.score_norm` its AS-norm
    against the shipped cohort and `voice.norm_threshold`."""
    store, voice = _store(settings), settings.voice
    cohort = _cohort(SHIPPED_COHORT, store.embedder.model_id) if voice.score_norm else None
    threshold = voice.norm_threshold if voice.score_norm else voice.threshold
    return verification.verify(
        store,
        account_voiceprint(username),
        samples,
        threshold=threshold,
        cohort=cohort,
        fusion=verification.login_fusion(voice),
    )


def _limits(voice: VoiceSettings) -> verification.QualityLimits:
    return verification.QualityLimits(
        min_speech_s=voice.min_speech_s,
        min_level_dbfs=voice.min_level_dbfs,
        max_clipped=voice.max_clipped,
        min_self_similarity=voice.min_self_similarity,
        min_total_speech_s=voice.enrol_speech_s,
        min_agreement=voice.min_agreement,
    )


def _challenges(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_secret(settings), salt="gobang-voice-challenge")


def _audio(upload: UploadFile, settings: Settings) -> np.ndarray:
    """Decode an uploaded utterance (WAV, WebM/Opus, Ogg, MP3... anything FFmpeg reads) to 16 kHz mono."""
    data = upload.file.read(_MAX_UPLOAD + 1)
    if len(data) > _MAX_UPLOAD:
        raise FileTooLargeError(f"bản ghi giọng nói lớn hơn {_MAX_UPLOAD >> 20} MiB (utterance too large)")
    with tempfile.NamedTemporaryFile(suffix=".audio", dir=spool_dir(settings)) as f:
        f.write(data)
        f.flush()
        return load_audio(f.name, max_duration_s=settings.voice.max_utterance_s)


class Challenge(BaseModel):
    challenge_id: str
    """Send it back with the answer; valid once, for `expires_in` seconds."""
    phrase: str
    """The digits to read ("093514")."""
    display: str
    """The digits as shown to the person, with their Vietnamese words."""
    expires_in: float


class ChallengeRequest(BaseModel):
    username: str


class EnrolOut(BaseModel):
    username: str
    utterances: int
    seconds: float
    """Speech enrolled."""


class VoiceStatus(BaseModel):
    enrolled: bool
    seconds: float


class LoginVoiceprintOut(BaseModel):
    """A user's login voiceprint as admins see it: how much of it was enrolled, how much added from logins."""

    username: str
    enrolment_embeddings: int
    login_embeddings: int
    """Added from logins accepted with a wide margin (`voice.adapt`)."""
    seconds: float
    """Speech in all its embeddings."""
    model_id: str
    models: int
    """Speaker models enrolled: 2 = CAM++ and SE-Res2Net (scored fused, `voice.fusion_weight`); 1 = enrolled
    before the fusion (or with it off), scored by CAM++ alone: re-enrolling gives the fused score's gain."""
    created_at: str


class DroppedOut(BaseModel):
    username: str
    dropped: int
    """Login-derived embeddings removed."""


def _new_challenge(settings: Settings, name: str, *, first_score: float | None = None) -> Challenge:
    """A fresh phrase for `name`; with `first_score`, the longer one of a grey-zone login's second utterance (the
    first score sealed in it)."""
    voice = settings.voice
    phrase = verification.new_phrase(voice.challenge_digits if first_score is None else voice.second_challenge_digits)
    claims: dict[str, str] = {"u": name, "p": phrase, "n": secrets.token_hex(16)}
    if first_score is not None:
        claims["f"] = seal(json.dumps({"score": first_score}), app_secret(settings))
    return Challenge(
        challenge_id=_challenges(settings).dumps(claims),
        phrase=phrase,
        display=verification.display_phrase(phrase),
        expires_in=settings.voice.challenge_ttl_s,
    )


@router.post("/challenge", response_model=Challenge, summary="Xin cụm số để đọc khi đăng nhập bằng giọng nói")
def challenge(body: ChallengeRequest, settings: SettingsDep) -> Challenge:
    """Answered the same way for every username (known, unknown, not enrolled): it reveals nothing."""
    return _new_challenge(settings, nfc(body.username).strip().lower())  # as `accounts.normalize_username` does


@router.post(
    "/enrol",
    response_model=EnrolOut,
    status_code=201,
    summary="Ghi danh giọng nói của mình (hoặc của người khác, nếu là quản trị viên)",
    responses={403: _PROBLEM, 422: _PROBLEM},
)
def enrol(
    principal: CurrentPrincipal,
    db: DbSession,
    settings: SettingsDep,
    files: Annotated[
        list[UploadFile], File(description="Ít nhất 5 bản ghi, mỗi bản một câu, tổng cộng 20 giây lời nói")
    ],
    username: Annotated[str | None, Form()] = None,
) -> EnrolOut:
    """Each utterance is checked (enough speech, loud enough, not clipped, one speaker), then all together (enough
    speech in all, one voice in all); a refusal is a 422 naming the utterance where there is one and the reason
    (`reason`: too_little_speech, too_quiet, clipping, several_speakers, too_little_speech_total, inconsistent)."""
    if principal.user_id is None:
        raise ForbiddenError("khóa API không ghi danh giọng nói được (API keys cannot enrol a voice)")
    me = accounts.get_user(db, principal.user_id)
    target = me
    if username is not None and accounts.normalize_username(username) != me.username:
        if principal.role != Role.admin:
            raise ForbiddenError("chỉ quản trị viên ghi danh giọng cho người khác (only admins enrol others)")
        target = accounts.find_user(db, username)
    utterances = [_audio(f, settings) for f in files]
    db.commit()  # release the connection while the CPU works
    voiceprint = verification.enrol(
        _store(settings),
        account_voiceprint(target.username),
        utterances,
        limits=_limits(settings.voice),
        min_utterances=settings.voice.enrol_utterances,
        also=enrolled_beside(settings.voice),
    )
    record(db, principal.name, "voice.enrolled", f"user:{target.username}", utterances=len(utterances))
    return EnrolOut(username=target.username, utterances=len(utterances), seconds=round(voiceprint.seconds, 2))


@router.get("/enrol", response_model=VoiceStatus, summary="Giọng nói của mình đã được ghi danh chưa")
def status(principal: CurrentPrincipal, db: DbSession, settings: SettingsDep) -> VoiceStatus:
    if principal.user_id is None:
        return VoiceStatus(enrolled=False, seconds=0.0)
    name = account_voiceprint(accounts.get_user(db, principal.user_id).username)
    found = next((v for v in _people(settings).list(accounts=True) if v.name == name), None)
    return VoiceStatus(enrolled=found is not None, seconds=found.seconds if found else 0.0)


@router.delete("/enrol", status_code=204, summary="Xóa giọng nói đã ghi danh của mình")
def forget(principal: CurrentPrincipal, db: DbSession, settings: SettingsDep) -> Response:
    if principal.user_id is None:
        raise ForbiddenError("khóa API không có giọng nói (API keys have no voice)")
    user = accounts.get_user(db, principal.user_id)
    _people(settings).delete(account_voiceprint(user.username), account=True)
    record(db, principal.name, "voice.deleted", f"user:{user.username}")
    return Response(status_code=204)


class _Spent(BaseModel):
    """A challenge just used: its phrase, and for a second utterance the first utterance's score."""

    phrase: str
    first_score: float | None = None


def _use_challenge(db: Session, settings: Settings, token: str, username: str, user: User | None) -> _Spent | None:
    """The challenge if it is genuine, unexpired, for this user and not used before; it is used now."""
    try:
        data = _challenges(settings).loads(token, max_age=int(settings.voice.challenge_ttl_s))
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != username or user is None:
        return None
    key = f"vc:{data.get('n')}"
    if db.get(RevokedToken, key) is not None:
        return None
    expires = datetime.now(UTC) + timedelta(seconds=settings.voice.challenge_ttl_s)
    db.add(RevokedToken(token_id=key, user_id=user.id, expires_at=expires))
    db.flush()
    phrase, first = data.get("p"), data.get("f")
    if not isinstance(phrase, str):
        return None
    first_score = json.loads(unseal(first, app_secret(settings)))["score"] if isinstance(first, str) else None
    return _Spent(phrase=phrase, first_score=first_score)


def transcribe(audio: np.ndarray, threads: int = 0) -> str:
    """What the configured engine (its model on `threads` CPU threads, 0: the shared engine) hears in a login
    utterance, decoded whole.

    An utterance is at most `voice.max_utterance_s` (30 s, one engine window), so it needs no VAD chunking,
    and chunking would hurt: Silero drops short digit words read with pauses ("một"), so a genuine login
    lost digits about half of the time in the browser tests. Only the silence before and after the speech
    is left out (`trim_edges`): recognition is most of a login's CPU, and it grows with every second decoded.
    """
    engine = cached_engine(None, None, threads)
    segments = engine.transcribe_chunks([trim_edges(audio)], DecodeOptions(language="vi"))
    return " ".join(s.text for s in segments)


@router.post(
    "/login",
    response_model=LoginResponse,
    summary="Đăng nhập bằng giọng nói (đọc cụm số vừa nhận)",
    responses={401: _PROBLEM, 422: _PROBLEM, 423: _PROBLEM, 429: _PROBLEM},
)
def login(
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    username: Annotated[str, Form()],
    challenge_id: Annotated[str, Form()],
    audio: Annotated[UploadFile, File(description="Bản ghi người dùng đọc cụm số")],
) -> LoginResponse:
    """401 for a wrong voice, a wrong or stale phrase, an unknown user or one without a voiceprint (one
    message for all; `reason` is "phrase" only when the voice matched, so it tells someone without the
    account's voice nothing about the account). A right phrase in a voice just under the threshold gets a 401
    with `reason` "second_utterance" and `challenge` (a new phrase to read, sent back here the same way); the
    answer to that one is final. 423 once the account is locked, 429 when this address failed too often."""
    limiter = request.app.state.login_limiter
    client_ip = request.client.host if request.client else None
    ip, name, user = accounts.admit(db, username, client_ip, limiter=limiter, method="voice")
    spent = _use_challenge(db, settings, challenge_id, name or "", user)

    def failed(reason: str, **detail: object) -> None:
        accounts.login_failed(
            db, user, name or username, ip, settings=settings, limiter=limiter, method="voice", reason=reason, **detail
        )

    def fail(reason: str, *, hint: str = "rejected", **detail: object) -> UnauthenticatedError:
        failed(reason, **detail)
        return UnauthenticatedError(BAD_VOICE_LOGIN, extra={"reason": hint})

    try:
        samples = _audio(audio, settings)
    except BadAudioError as exc:  # audited and counted like any failed attempt; the caller is told what was wrong
        failed("bad_audio", error=type(exc).__name__)
        raise
    db.commit()  # the challenge is spent whatever happens next

    # The same work whoever asks (recognition and a voice embedding), so the answer's timing does not tell
    # unknown usernames, stale challenges or accounts without a voiceprint from enrolled ones.
    heard, result = _hear_and_score(settings, name or "?", samples)
    phrase = spent.phrase if spent else None
    phrase_ok = phrase is not None and verification.phrase_heard(
        phrase, heard, max_errors=settings.voice.phrase_max_errors
    )
    if user is None or spent is None:
        raise fail("unknown" if user is None else "challenge")
    decision = _decide(settings.voice, result, spent.first_score)
    score = None if result is None else result.score
    scores = {"score": score} if spent.first_score is None else {"score": score, "first_score": spent.first_score}
    if user.active and phrase_ok and decision == verification.ACCEPT:
        assert result is not None  # accepted
        adapted = _adapt(settings, user.username, result, samples) if spent.first_score is None else None
        accounts.login_succeeded(db, user, ip, method="voice", **scores)
        if adapted is not None:
            record(db, user.username, "voice.adapted", f"user:{user.username}", score=result.cosine_score, **adapted)
        return new_session(request, response, user, method="voice")
    if user.active and phrase_ok and decision == verification.AGAIN and result is not None:
        failed("second_utterance", heard=heard, phrase=phrase, **scores)
        again = _new_challenge(settings, user.username, first_score=result.score)
        raise UnauthenticatedError(
            SECOND_UTTERANCE, extra={"reason": "second_utterance", "challenge": again.model_dump()}
        )
    reason = (
        "inactive" if not user.active else "phrase" if not phrase_ok else "not_enrolled" if score is None else "voice"
    )
    voice_ok = decision == verification.ACCEPT
    raise fail(reason, hint="phrase" if voice_ok and user.active else "rejected", heard=heard, phrase=phrase, **scores)


def _hear_and_score(
    settings: Settings, username: str, samples: np.ndarray
) -> tuple[str, verification.Verification | None]:
    """What the utterance says, and its score against `username`'s voiceprint (None without one).

    Recognition and the embedding run at once on two threads (both release the GIL in their native code), so
    the answer comes after the slower of them rather than after both.
    """
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="voice-login") as pool:
        heard = pool.submit(transcribe, samples, settings.voice.login_threads)
        try:
            result: verification.Verification | None = verify_login(settings, username, samples)
        except NotFoundError:
            result = None
        return heard.result(), result


def _adapt(
    settings: Settings, username: str, result: verification.Verification, samples: np.ndarray
) -> dict[str, int] | None:
    """With `voice.adapt`, add an accepted single-utterance login to the voiceprint if it scored wide of the
    threshold (`verification.adapt`); the audit detail of the addition, or None when nothing was added. Called
    before the login's own writes: the store writes on its own connection."""
    voice = settings.voice
    if not voice.adapt:
        return None
    held = verification.adapt(
        _store(settings),
        account_voiceprint(username),
        result,
        samples.size / SAMPLE_RATE,
        threshold=voice.threshold,
        margin=voice.adapt_margin,
        keep=voice.adapt_max_embeddings,
    )
    return None if held is None else {"login_embeddings": held}


@router.get(
    "/voiceprints",
    response_model=list[LoginVoiceprintOut],
    summary="Giọng đăng nhập của mọi người dùng, theo nguồn mẫu (quản trị viên)",
    responses={403: _PROBLEM},
)
def list_login_voiceprints(principal: Admin, db: DbSession, settings: SettingsDep) -> list[LoginVoiceprintOut]:
    """Admins only: every login voiceprint with its embeddings by source (enrolment, accepted logins); audited,
    as voiceprints are biometric data."""
    people = _people(settings).list(accounts=True)
    record(db, principal.name, "voice.list", "voiceprints:login", count=len(people))
    return [
        LoginVoiceprintOut(
            username=v.name.removeprefix(ACCOUNT_MARK),
            enrolment_embeddings=v.segments - v.login_segments,
            login_embeddings=v.login_segments,
            seconds=round(v.seconds, 2),
            model_id=v.model_id,
            models=v.models,
            created_at=v.created_at,
        )
        for v in people
    ]


@router.delete(
    "/voiceprints/{username}/logins",
    response_model=DroppedOut,
    summary="Bỏ các mẫu giọng lấy từ lần đăng nhập của một người dùng (quản trị viên)",
    responses={403: _PROBLEM, 404: _PROBLEM},
)
def drop_login_embeddings(username: str, principal: Admin, db: DbSession, settings: SettingsDep) -> DroppedOut:
    """Admins only: the voiceprint goes back to what was enrolled (e.g. after a doubtful login); audited."""
    user = accounts.find_user(db, username)
    dropped = _store(settings).drop_login_embeddings(account_voiceprint(user.username))
    record(db, principal.name, "voice.login_embeddings_dropped", f"user:{user.username}", count=dropped)
    return DroppedOut(username=user.username, dropped=dropped)


def _decide(voice: VoiceSettings, result: verification.Verification | None, first_score: float | None) -> str:
    """Accept, ask again (grey zone of a first utterance, cosine scoring only) or refuse."""
    if result is None:
        return verification.REFUSE
    band = 0.0 if voice.score_norm else voice.second_utterance_band
    return verification.decide(result.score, threshold=result.threshold, band=band, first_score=first_score)
